/* The unit-test runner: runs every registered test, or those whose name
 * contains argv[1]. Exit status 1 when any test failed. */
#include "tests/unit/test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MAX_TESTS 2048

static struct { const char *file, *name; test_fn fn; } tests[MAX_TESTS];
static int ntests;
static int cur_failed, cur_skipped;
static const char *cur_skip_reason;

void test_register(const char *file, const char *name, test_fn fn)
{
    if (ntests == MAX_TESTS) { fprintf(stderr, "too many tests\n"); exit(2); }
    tests[ntests].file = file;
    tests[ntests].name = name;
    tests[ntests].fn = fn;
    ntests++;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    cur_failed = 1;
}

void test_skip(const char *reason)
{
    cur_skipped = 1;
    cur_skip_reason = reason;
}

const char *test_data_path(const char *rel)
{
    static char path[4096];
    const char *dir = getenv("NEWSENRICH_DATA_DIR");
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared/data", rel);
    return stat(path, &st) == 0 ? path : NULL;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    if (!f) return NULL;
    do {
        if (cap - n < 65536) {
            char *nb = realloc(buf, cap = cap * 2 + 65536);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static int cmp_tests(const void *a, const void *b)
{
    const char *fa = *(const char *const *)a, *fb = *(const char *const *)b;
    return strcmp(fa, fb);
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    /* Constructors run in link order; sort by file for a stable report
     * (qsort on the first member, the file name; order within a file is
     * not guaranteed by qsort, but each test is independent). */
    qsort(tests, (size_t)ntests, sizeof tests[0], cmp_tests);
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]) && !strstr(tests[i].file, argv[1]))
            continue;
        cur_failed = cur_skipped = 0;
        cur_skip_reason = NULL;
        tests[i].fn();
        if (cur_failed) { failed++; printf("FAIL %s\n", tests[i].name); }
        else if (cur_skipped) { skipped++; printf("skip %s (%s)\n", tests[i].name, cur_skip_reason); }
        else { passed++; printf("ok   %s\n", tests[i].name); }
        fflush(stdout);
    }
    printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
