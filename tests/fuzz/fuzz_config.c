/* fuzz_config — the config loader (config/config.c) on arbitrary bytes.
 *
 * Loads the input with ne_config_load_string() and checks:
 *  - a failure always comes with a message (NUL-terminated, non-empty);
 *  - a loaded config prints (ne_config_print) as JSON that loads again and
 *    prints the same (skipped when the print masks something as "***",
 *    since a masked secret is not loadable);
 *  - the librdkafka conf builds, with and without a skip list.
 *
 * The environment is fixed in LLVMFuzzerInitialize: no NEWSENRICH_* override
 * is left set, and two variables exist for "env:NAME" references to find
 * (NEWSENRICH_WEBHOOK_SECRET, as in config/newsenrich.example.json, and
 * FUZZ_VALUE). Logging is limited to errors.
 */
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "tests/fuzz/fuzz.h"

extern char **environ;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    /* Drop every NEWSENRICH_* variable (restart the scan after each unset). */
    for (int again = 1; again;) {
        again = 0;
        for (char **ep = environ; *ep; ep++) {
            if (strncmp(*ep, "NEWSENRICH_", 11) == 0) {
                char name[256];
                size_t n = strcspn(*ep, "=");
                if (n >= sizeof name) continue;
                memcpy(name, *ep, n);
                name[n] = '\0';
                unsetenv(name);
                again = 1;
                break;
            }
        }
    }
    setenv("NEWSENRICH_LOG_LEVEL", "error", 1);
    setenv("NEWSENRICH_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
    setenv("FUZZ_VALUE", "fuzz", 1);
    return 0;
}

/* The printed config, as a malloc'd string. */
static char *print_config(const ne_config *cfg, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f) abort();
    ne_config_print(cfg, f);
    if (fclose(f) != 0) abort();
    return buf;
}

static const char *const consumer_only[] = {"group.id", "auto.offset.reset", "enable.auto.commit", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    memset(err, 'x', sizeof err);
    ne_config *cfg = ne_config_load_string((const char *)data, size, err, sizeof err);
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL, "message not NUL-terminated");
    if (!cfg) {
        FUZZ_CHECK(err[0] != '\0', "load failed without a message");
        return 0;
    }
    FUZZ_CHECK(err[0] == '\0', "loaded with a message: %s", err);

    rd_kafka_conf_t *kc = ne_config_kafka_conf(cfg, err, sizeof err);
    FUZZ_CHECK(kc != NULL, "validated config, but its kafka conf fails: %s", err);
    rd_kafka_conf_destroy(kc);
    kc = ne_config_kafka_conf_except(cfg, consumer_only, err, sizeof err);
    FUZZ_CHECK(kc != NULL, "kafka conf without consumer properties fails: %s", err);
    rd_kafka_conf_destroy(kc);

    size_t len1, len2;
    char *p1 = print_config(cfg, &len1);
    if (!strstr(p1, "\"***\"")) {
        ne_config *again = ne_config_load_string(p1, len1, err, sizeof err);
        FUZZ_CHECK(again != NULL, "printed config does not load: %s\n%s", err, p1);
        char *p2 = print_config(again, &len2);
        FUZZ_CHECK(len1 == len2 && memcmp(p1, p2, len1) == 0,
                   "print -> load -> print differs:\n%s\n---\n%s", p1, p2);
        free(p2);
        ne_config_free(again);
    }
    free(p1);
    ne_config_free(cfg);
    return 0;
}
