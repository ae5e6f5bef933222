/* commands — the subcommands of the newsenrich binary (CONTRACT.md,
 * "Command line"). Each returns the process exit code: 0 success, 1 runtime
 * failure, 2 bad usage or configuration. */
#ifndef NE_COMMANDS_H
#define NE_COMMANDS_H

#include <signal.h>
#include <stdio.h>

#include "config/config.h"

/* enrich: records from `in` (JSON lines, or one plain-text article), every
 * event on `out` as JSON lines in input order. */
int ne_cmd_enrich(const ne_config *cfg, FILE *in, FILE *out);

/* demo: the whole pipeline on librdkafka's mock cluster with bundled
 * sample articles, and a readable summary on `out`. */
int ne_cmd_demo(ne_config *cfg, FILE *out, volatile sig_atomic_t *stop);

/* watch, subscriptions: add|remove|list entries of the live watchlist and
 * subscriptions on topics.subscriptions (cmd/watch.c); argv as main's. */
int ne_cmd_watch(int argc, char **argv);

#endif
