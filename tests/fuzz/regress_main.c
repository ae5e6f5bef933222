/* regress_main — replays files through a fuzz target without libFuzzer.
 *
 *   fuzz_decode-regress [-q] PATH...
 *
 * Each PATH is a file or a directory (its regular files, not recursing,
 * in name order). LLVMFuzzerInitialize runs once; then every input runs in
 * a child process of its own, so one crashing input (abort, sanitizer
 * report, signal) is counted and reported while the others still run, and
 * every input starts from the same freshly initialised state. A child that
 * runs longer than REGRESS_TIMEOUT seconds is killed and counts as failed.
 *
 * Prints one line per failed input (and per input unless -q), then
 * "<target>: N passed, N failed". Exits 1 when any input failed.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#define REGRESS_TIMEOUT 60

/* Weak, so targets without one-time setup need not define it. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int quiet;
static unsigned passed, failed;

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, got;
    if (!f) return NULL;
    do {
        if (n == cap) {
            unsigned char *p = realloc(buf, cap = cap ? cap * 2 : 4096);
            if (!p) { free(buf); fclose(f); return NULL; }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) { free(buf); fclose(f); return NULL; }
    fclose(f);
    /* An exact-size copy, so that reading past the input is caught by ASan
     * just as it is under libFuzzer. */
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) { free(buf); return NULL; }
    if (n) memcpy(exact, buf, n);
    free(buf);
    *len = n;
    return exact;
}

static void run_one(const char *path)
{
    size_t len = 0;
    unsigned char *data = read_all(path, &len);
    int status;
    pid_t pid;

    if (!data) {
        printf("FAIL %s: cannot read: %s\n", path, strerror(errno));
        failed++;
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        printf("FAIL %s: fork: %s\n", path, strerror(errno));
        failed++;
        free(data);
        return;
    }
    if (pid == 0) {
        alarm(REGRESS_TIMEOUT);
        LLVMFuzzerTestOneInput(data, len);
        free(data);
        exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
    }
    free(data);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        passed++;
        if (!quiet) printf("ok   %s (%zu bytes)\n", path, len);
    } else if (WIFSIGNALED(status)) {
        failed++;
        printf("FAIL %s (%zu bytes): %s\n", path, len,
               WTERMSIG(status) == SIGALRM ? "timeout" : strsignal(WTERMSIG(status)));
    } else {
        failed++;
        printf("FAIL %s (%zu bytes): exit %d\n", path, len, WEXITSTATUS(status));
    }
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
    struct stat st;
    struct dirent **names;
    int n;

    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return; /* an optional folder (no regressions yet) */
        printf("FAIL %s: %s\n", path, strerror(errno));
        failed++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_one(path);
        return;
    }
    if ((n = scandir(path, &names, NULL, by_name)) < 0) {
        printf("FAIL %s: %s\n", path, strerror(errno));
        failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        char full[4096];
        struct stat fst;
        if (names[i]->d_name[0] != '.' &&
            (size_t)snprintf(full, sizeof full, "%s/%s", path, names[i]->d_name) < sizeof full &&
            stat(full, &fst) == 0 && S_ISREG(fst.st_mode))
            run_one(full);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    char target[256];
    int first = 1;

    snprintf(target, sizeof target, "%.*s", (int)strcspn(name, "-"), name);
    if (argc > 1 && strcmp(argv[1], "-q") == 0) {
        quiet = 1;
        first = 2;
    }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = first; i < argc; i++) run_path(argv[i]);
    printf("%s: %u passed, %u failed\n", target, passed, failed);
    return failed ? 1 : 0;
}
