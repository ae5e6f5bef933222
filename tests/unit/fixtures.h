/* fixtures — texts and whole-chain helpers several unit-test files share. */
#ifndef NE_TEST_FIXTURES_H
#define NE_TEST_FIXTURES_H

#include <stddef.h>

#include "enrichers/pipeline/pipeline.h"

/* A 1987-style Reuters wire story as the archives deliver it: lines
 * hard-wrapped at 72 columns, paragraphs marked by indentation, a name
 * ("Sen. John\nTower") and a quotation broken across lines. */
extern const char NE_TEST_WIRE_STORY[];

/* Whether the shipped models are where the pipeline looks for them (the
 * tests run from the repository's root); whole-chain tests skip without. */
int ne_test_have_models(void);

/* Runs one record through a fresh pipeline built from config_json and
 * appends its events to ob (the caller frees them: ne_outbox_free). When
 * the configuration or the pipeline cannot be made, prints why and leaves
 * ob as it was, so the caller's checks fail. */
void ne_test_enrich(const char *config_json, const char *record, ne_outbox *ob);

/* The value of the first event on topic t, or NULL. */
const char *ne_test_event_on(const ne_outbox *ob, enum ne_topic t);

/* How many events went to topic t. */
size_t ne_test_count_on(const ne_outbox *ob, enum ne_topic t);

#endif
