/* fuzz_record — the dedup changelog reader (enrichers/dedup/dedup_changelog.c)
 * on arbitrary bytes: what another instance, or a damaged topic, may hand
 * a restart.
 *
 * Checks, besides crashes, leaks and UB:
 *  - the scanner of our own records reads what yajl reads
 *    (dd_record_parse_agree() is never -1): a record in the subset the
 *    writer produces is read the same by both, and anything outside it
 *    is given to yajl;
 *  - ne_dedup_apply() takes the input as an article record ("a/") and as
 *    a claim record ("c/") and answers 0 or -1, never anything else.
 *
 * The state lives for the whole run (dedup.max_entries and max_claims
 * 5000, so it stays bounded) with its clock fixed at 2023-11-14, so that
 * records of that time are within retention and get stored.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/dedup/dedup_int.h"
#include "tests/fuzz/fuzz.h"

static ne_config *cfg;
static ne_dedup_state *state;
static int64_t fixed_now = 1700000000;

static int64_t fixed_clock(void *ctx) { return *(int64_t *)ctx; }

static void teardown(void)
{
    ne_dedup_destroy(state);
    ne_config_free(cfg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    char err[256];
    cfg = ne_config_defaults();
    cfg->dedup.max_entries = 5000;
    cfg->dedup.max_claims = 5000;
    state = ne_dedup_create(cfg, err, sizeof err);
    FUZZ_CHECK(state != NULL, "%s", err);
    ne_dedup_set_clock(state, fixed_clock, &fixed_now);
    atexit(teardown);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *v = (const char *)data;
    int agree = dd_record_parse_agree(v, size);
    FUZZ_CHECK(agree >= 0, "the scanner and yajl read %zu bytes differently", size);
    int rc = ne_dedup_apply(state, "a/fuzz", 6, v, size);
    FUZZ_CHECK(rc == 0 || rc == -1, "ne_dedup_apply returned %d", rc);
    rc = ne_dedup_apply(state, "c/00000000000000b1", 18, v, size);
    FUZZ_CHECK(rc == 0 || rc == -1, "ne_dedup_apply returned %d", rc);
    return 0;
}
