/* summary — one pipeline event as lines a person reads: an enriched
 * article's dedup decision, entities and quotes with their speakers; a
 * duplicate; a claim (new or seen); an alert; a dead letter's reason. The
 * account of `newsenrich demo` (events read back from the mock cluster)
 * and of `newsenrich enrich --summary` (events straight from the chain).
 *
 * Ownership: nothing is kept; every argument is borrowed for the call.
 * Threads: none of its own; callers serialise writes to `out`.
 * Cost: parses each JSON value once (yajl tree): for people, not for a
 * stream of thousands of articles a second. */
#ifndef NE_SUMMARY_H
#define NE_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include "enrichers/pipeline/pipeline.h"

/* Whether the account shows events of topic t (enriched, duplicates,
 * claims, alerts, dead letters; not the notifier's or the state's). */
int ne_summary_shows(enum ne_topic t);

/* Prints one event of topic t, indented by four spaces. value is its JSON
 * (len bytes, not NUL-terminated); for a dead letter it is ignored and
 * reason/detail (its error.reason and error.detail headers, NULL when
 * absent) are printed instead. */
void ne_summary_event(FILE *out, enum ne_topic t, const char *value, size_t len, const char *reason,
                      const char *detail);

#endif
