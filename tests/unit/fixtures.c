#include "tests/unit/fixtures.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

const char NE_TEST_WIRE_STORY[] =
    "TOWER SAYS SENATE PANEL TO HOLD ARMS HEARINGS\n"
    "    WASHINGTON, March 2 - The Armed Services panel chairman, Sen. John\n"
    "Tower, said on Monday that the administration had failed to explain its\n"
    "arms control policy to Congress and that the committee would hold\n"
    "hearings next week.\n"
    "    \"We have asked the White House for the documents three times and we\n"
    "have received nothing that would let us judge the decision,\" Tower told\n"
    "reporters after a closed meeting of the committee.\n"
    "    Tower said the hearings would begin on Tuesday and would last at\n"
    "least two days, with officials from the State and Defense departments\n"
    "expected to testify.\n"
    "    The White House declined to comment.";

int ne_test_have_models(void) { return access("models/ner.model", R_OK) == 0; }

void ne_test_enrich(const char *config_json, const char *record, ne_outbox *ob)
{
    char err[256];
    ne_config *cfg = ne_config_load_string(config_json, strlen(config_json), err, sizeof err);
    ne_pipeline *p = cfg ? ne_pipeline_new(cfg, err, sizeof err) : NULL;
    if (!p) fprintf(stdout, "    pipeline: %s\n", err);
    else ne_pipeline_process(p, record, strlen(record), NULL, ob);
    ne_pipeline_free(p);
    ne_config_free(cfg);
}

const char *ne_test_event_on(const ne_outbox *ob, enum ne_topic t)
{
    for (size_t i = 0; i < ob->n; i++)
        if (ob->ev[i].topic == t) return ob->ev[i].value;
    return NULL;
}

size_t ne_test_count_on(const ne_outbox *ob, enum ne_topic t)
{
    size_t n = 0;
    for (size_t i = 0; i < ob->n; i++) n += ob->ev[i].topic == t;
    return n;
}
