/* commands — the subcommands of the newsenrich binary (CONTRACT.md,
 * "Command line"). Each returns the process exit code: 0 success, 1 runtime
 * failure, 2 bad usage or configuration. */
#ifndef NE_COMMANDS_H
#define NE_COMMANDS_H

#include <signal.h>
#include <stdio.h>

#include "config/config.h"

/* What `enrich` writes: every event as a JSON line (for programs), or the
 * demo's account of them for a person (--summary; cmd/summary.h) with the
 * totals at the end. One or the other, never both on one stream. */
enum ne_enrich_output { NE_ENRICH_JSON_LINES, NE_ENRICH_SUMMARY };

/* enrich: records from `in` (JSON lines, or one plain-text article), their
 * events on `out` in input order, as `output` says. */
int ne_cmd_enrich(const ne_config *cfg, FILE *in, FILE *out, enum ne_enrich_output output);

/* demo: the whole pipeline on librdkafka's mock cluster with bundled
 * sample articles, and a readable summary on `out`. */
int ne_cmd_demo(ne_config *cfg, FILE *out, volatile sig_atomic_t *stop);

/* watch, subscriptions: add|remove|list entries of the live watchlist and
 * subscriptions on topics.subscriptions (cmd/watch.c); argv as main's. */
int ne_cmd_watch(int argc, char **argv);

#endif
