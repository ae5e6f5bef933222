/* newsenrich — news enrichment for Kafka pipelines.
 *
 *   newsenrich run     -c CONFIG     the service
 *   newsenrich enrich  [-c CONFIG]   offline: stdin -> events on stdout
 *   newsenrich demo    [-c CONFIG]   the pipeline on an in-process mock cluster
 *   newsenrich check-config -c CONFIG
 *   newsenrich watch|subscriptions add|remove|list -c CONFIG   (cmd/watch.c)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd/commands.h"
#include "service/service.h"
#include "common/log.h"
#include "config/config.h"
#include "notifier/notifier.h"

/* The globals: set by SIGINT/SIGTERM (stop) and SIGHUP (reload the
 * webhook subscriptions), read by the loops. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
/* enrich --summary */
static enum ne_enrich_output enrich_output = NE_ENRICH_JSON_LINES;

static void on_signal(int sig)
{
    if (sig == SIGHUP) reload_requested = 1;
    else stop_requested = 1;
}

static void usage(FILE *out)
{
    fputs("usage: newsenrich COMMAND [-c CONFIG]\n"
          "\n"
          "  run     -c CONFIG     the service: consume, enrich, produce\n"
          "  notify  -c CONFIG     the webhook notifier alone (SIGHUP reloads subscriptions)\n"
          "  enrich  [-c CONFIG]   offline: articles on stdin (JSON lines or one plain-text\n"
          "                        article), every event on stdout as JSON lines\n"
          "  demo    [-c CONFIG]   the whole pipeline on an in-process mock cluster\n"
          "  check-config -c CONFIG  validate and print the effective configuration\n"
          "  watch add|remove|list -c CONFIG          the live watchlist (topics.subscriptions)\n"
          "  subscriptions add|remove|list -c CONFIG  the live webhook subscriptions (same topic)\n"
          "\n"
          "newsenrich COMMAND --help describes a command and its exit codes.\n"
          "Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.\n",
          out);
}

/* The help of one command: what it does, its options, its exit codes.
 * NULL for an unknown command. */
static const char *command_help(const char *cmd)
{
    static const struct { const char *cmd, *text; } helps[] = {
        {"run",
         "usage: newsenrich run -c CONFIG\n"
         "\n"
         "The service: consumes topics.raw, enriches each article, produces the\n"
         "enriched, duplicates, claims, alerts and dead-letter topics, and runs the\n"
         "webhook notifier when subscriptions are configured. Metrics, /healthz and\n"
         "/readyz on metrics.listen when metrics.enabled. SIGINT/SIGTERM drain and\n"
         "stop; SIGHUP reloads the webhook subscriptions.\n"
         "\n"
         "  -c, --config CONFIG   the JSON configuration (config/README.md)\n"
         "\n"
         "Exit codes: 0 stopped cleanly, 1 runtime failure (broker fatal error,\n"
         "notifier failure), 2 bad usage or configuration.\n"},
        {"notify",
         "usage: newsenrich notify -c CONFIG\n"
         "\n"
         "The webhook notifier alone: consumes topics.alerts as its own group and\n"
         "delivers each alert to the subscriptions that want it (Standard Webhooks\n"
         "signatures, retries, circuit breaker, topics.alerts_dlq). SIGHUP reloads\n"
         "the subscriptions; SIGINT/SIGTERM stop it.\n"
         "\n"
         "  -c, --config CONFIG   the JSON configuration (config/README.md)\n"
         "\n"
         "Exit codes: 0 stopped cleanly, 1 runtime failure, 2 bad usage or configuration.\n"},
        {"enrich",
         "usage: newsenrich enrich [-c CONFIG] [--summary] < INPUT\n"
         "\n"
         "Offline, without a broker: articles on stdin (JSON lines, one article a line,\n"
         "or one plain-text article or web page), every event the service would\n"
         "produce on stdout as JSON lines {\"topic\",\"key\",\"headers\",\"value\"},\n"
         "in input order. When stderr is a terminal, progress (records, rate, input\n"
         "read and, for a file, the ETA) is shown there; never when it is piped.\n"
         "\n"
         "  -c, --config CONFIG   the JSON configuration (default: built-in defaults)\n"
         "  --summary             instead of the JSON lines, the demo's account for a\n"
         "                        person: each article's entities, quotes with their\n"
         "                        speakers and dedup decision, claims, alerts, dead\n"
         "                        letters, then the totals (one or the other, not both)\n"
         "\n"
         "Exit codes: 0 success (bad records are dead-letter events, not failures),\n"
         "1 runtime failure (stdin unreadable, stdout not writable), 2 bad usage or\n"
         "configuration.\n"},
        {"demo",
         "usage: newsenrich demo [-c CONFIG]\n"
         "\n"
         "The whole pipeline on librdkafka's in-process mock cluster with bundled\n"
         "sample articles, and a readable account of what came out.\n"
         "\n"
         "  -c, --config CONFIG   the JSON configuration (default: built-in defaults)\n"
         "\n"
         "Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.\n"},
        {"check-config",
         "usage: newsenrich check-config -c CONFIG\n"
         "\n"
         "Validates the configuration (and kafka.* with librdkafka) and prints the\n"
         "effective configuration, environment overrides applied, secrets masked.\n"
         "\n"
         "  -c, --config CONFIG   the JSON configuration (config/README.md)\n"
         "\n"
         "Exit codes: 0 valid, 2 invalid (the message names the key).\n"},
    };
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (!strcmp(cmd, helps[i].cmd)) return helps[i].text;
    return NULL;
}

/* Parses "-c PATH" / "--config PATH" after the command; returns 0 or 2.
 * -h/--help prints the command's own help and exits 0. */
static int parse_args(int argc, char **argv, const char **config_path)
{
    for (int i = 2; i < argc; i++) {
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) {
            *config_path = argv[++i];
        } else if (!strcmp(argv[1], "enrich") && !strcmp(argv[i], "--summary")) {
            enrich_output = NE_ENRICH_SUMMARY;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            const char *help = command_help(argv[1]);
            if (help) fputs(help, stdout); else usage(stdout);
            exit(0);
        } else {
            fprintf(stderr, "newsenrich: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    return 0;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
    const char *config_path = NULL;
    char err[1024];
    int rc;

    if (argc < 2) { usage(stderr); return 2; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) { usage(stdout); return 0; }
    if (!strcmp(cmd, "watch") || !strcmp(cmd, "subscriptions")) return ne_cmd_watch(argc, argv);
    int needs_config = !strcmp(cmd, "run") || !strcmp(cmd, "check-config") || !strcmp(cmd, "notify");
    if (!needs_config && strcmp(cmd, "enrich") && strcmp(cmd, "demo")) {
        fprintf(stderr, "newsenrich: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    if (parse_args(argc, argv, &config_path)) return 2;
    if (needs_config && !config_path) {
        fprintf(stderr, "newsenrich %s: -c CONFIG is required\n", cmd);
        return 2;
    }

    ne_config *cfg = ne_config_load(config_path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "newsenrich: %s%s%s\n", config_path ? config_path : "", config_path ? ": " : "", err);
        return 2;
    }
    install_signals();
    /* Before any thread starts: libcurl's global set-up is not thread-safe. */
    curl_global_init(CURL_GLOBAL_DEFAULT);

    if (!strcmp(cmd, "check-config")) {
        /* librdkafka is the judge of kafka.* values: build its config once. */
        rd_kafka_conf_t *conf = ne_config_kafka_conf(cfg, err, sizeof err);
        if (!conf) {
            fprintf(stderr, "newsenrich: %s: %s\n", config_path, err);
            rc = 2;
        } else {
            rd_kafka_conf_destroy(conf);
            ne_config_print(cfg, stdout);
            rc = 0;
        }
    } else if (!strcmp(cmd, "run")) {
        ne_service_opts opts = {.stop = &stop_requested, .reload = &reload_requested,
                                .config_path = config_path};
        rc = ne_service_run(cfg, &opts, NULL);
    } else if (!strcmp(cmd, "enrich")) {
        rc = ne_cmd_enrich(cfg, stdin, stdout, enrich_output);
    } else if (!strcmp(cmd, "demo")) {
        rc = ne_cmd_demo(cfg, stdout, &stop_requested);
    } else {
        rc = ne_cmd_notify(cfg, config_path, &stop_requested, &reload_requested);
    }
    ne_config_free(cfg);
    curl_global_cleanup();
    return rc;
}
