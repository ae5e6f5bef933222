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
          "Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.\n",
          out);
}

/* Parses "-c PATH" / "--config PATH" after the command; returns 0 or 2. */
static int parse_args(int argc, char **argv, const char **config_path)
{
    for (int i = 2; i < argc; i++) {
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) {
            *config_path = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
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
    if (parse_args(argc, argv, &config_path)) return 2;

    int needs_config = !strcmp(cmd, "run") || !strcmp(cmd, "check-config") || !strcmp(cmd, "notify");
    if (!needs_config && strcmp(cmd, "enrich") && strcmp(cmd, "demo")) {
        fprintf(stderr, "newsenrich: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
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
        rc = ne_cmd_enrich(cfg, stdin, stdout);
    } else if (!strcmp(cmd, "demo")) {
        rc = ne_cmd_demo(cfg, stdout, &stop_requested);
    } else {
        rc = ne_cmd_notify(cfg, config_path, &stop_requested, &reload_requested);
    }
    ne_config_free(cfg);
    curl_global_cleanup();
    return rc;
}
