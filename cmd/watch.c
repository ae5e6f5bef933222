/* watch — `newsenrich watch add|remove|list` and `newsenrich subscriptions
 * add|remove|list`: the live watchlist and webhook subscriptions on the
 * compacted topic topics.subscriptions (config/overlay.h), which every
 * running instance follows within a second.
 *
 *   add [JSON | -]   one entry, the JSON of a watchlist.people /
 *                    webhooks.subscriptions element (from stdin when the
 *                    argument is absent or "-"); an entry of the same id
 *                    is replaced
 *   remove ID        a tombstone: the entry is gone, even if the file has it
 *   list             the topic read to its end, laid over the file: one JSON
 *                    line per entry in force, {"key", "source", "value"},
 *                    secrets masked
 *
 * An entry is checked as check-config checks the file's (the same parser,
 * config.h "one entry"), and against the view in force: a subscription's
 * people must be on the watchlist, and remove needs an entry to remove. A
 * subscription's secret must be a reference, "env:NAME" or "file:PATH",
 * and must resolve here too (as check-config needs the file's env:
 * variables): it is written as given, never resolved, so each instance
 * resolves it from its own environment. Exit codes: 0 written (add,
 * remove) or listed; 2 usage, configuration or an entry refused, with a
 * message naming the key; 1 the broker (cannot read or write the topic).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "cmd/commands.h"
#include "common/log.h"
#include "common/nebuf.h"
#include "config/overlay.h"
#include "consumer/subs.h"
#include "producer/producer.h"

#define WRITE_TIMEOUT_MS 15000
#define READ_TIMEOUT_MS 15000

struct verb_ctx {
    const ne_config *cfg;
    enum ne_entry_kind kind;
    const char *cmd;          /* "watch" | "subscriptions" */
};

static const char *kind_name(enum ne_entry_kind kind)
{
    return kind == NE_ENTRY_PERSON ? "person" : "subscription";
}

/* The topic read to its end, and the view in force. 0, or 1 (logged). */
static int read_view(const struct verb_ctx *v, ne_subs **subs, ne_config **view)
{
    char err[512];
    *subs = ne_subs_open(v->cfg, "cli", NULL, READ_TIMEOUT_MS, err, sizeof err);
    if (!*subs) {
        fprintf(stderr, "newsenrich %s: %s\n", v->cmd, err);
        return 1;
    }
    *view = ne_subs_merge(*subs, v->cfg);
    return 0;
}

/* ---- writing ---------------------------------------------------------- */

struct report {
    rd_kafka_resp_err_t err;
    int32_t partition;
    int64_t offset;
    int done;
};

static void on_report(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct report *r = m->_private ? m->_private : opaque;
    r->err = m->err;
    r->partition = m->partition;
    r->offset = m->offset;
    r->done = 1;
}

/* Produces one record (value NULL: a tombstone) and waits for the broker's
 * acknowledgement. 0, or 1 with a message. */
static int write_record(const struct verb_ctx *v, const char *key, const char *value, size_t len)
{
    char err[512];
    struct report r = {RD_KAFKA_RESP_ERR_NO_ERROR, -1, -1, 0};
    rd_kafka_conf_t *conf = ne_config_kafka_conf_except(v->cfg, ne_kafka_consumer_only, err, sizeof err);
    if (!conf) { fprintf(stderr, "newsenrich %s: %s\n", v->cmd, err); return 2; }
    if (ne_kafka_conf_default(conf, v->cfg, "enable.idempotence", "true", err, sizeof err) ||
        ne_kafka_conf_default(conf, v->cfg, "acks", "all", err, sizeof err)) {
        rd_kafka_conf_destroy(conf);
        fprintf(stderr, "newsenrich %s: %s\n", v->cmd, err);
        return 2;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_report);
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        fprintf(stderr, "newsenrich %s: %s\n", v->cmd, err);
        return 1;
    }
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(v->cfg->topics.subscriptions), RD_KAFKA_V_KEY(key, strlen(key)),
        RD_KAFKA_V_VALUE((void *)value, value ? len : 0), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(&r), RD_KAFKA_V_END);
    if (!e) {
        rd_kafka_flush(rk, WRITE_TIMEOUT_MS);
        e = r.done ? r.err : RD_KAFKA_RESP_ERR__TIMED_OUT;
    }
    rd_kafka_destroy(rk);
    if (e) {
        fprintf(stderr, "newsenrich %s: writing %s to %s: %s\n", v->cmd, key, v->cfg->topics.subscriptions,
                rd_kafka_err2str(e));
        return 1;
    }
    printf("%s %s on %s (partition %d, offset %lld)\n", value ? "wrote" : "deleted", key,
           v->cfg->topics.subscriptions, (int)r.partition, (long long)r.offset);
    return 0;
}

/* ---- add ----------------------------------------------------------------- */

/* The entry's JSON: the argument, or stdin. NULL (and a message) when empty. */
static char *entry_text(const struct verb_ctx *v, const char *arg, size_t *len)
{
    char *text;
    if (arg && strcmp(arg, "-") != 0) {
        text = strdup(arg);
        *len = strlen(arg);
    } else {
        nebuf b = {0};
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) nebuf_append(&b, chunk, n);
        text = nebuf_detach(&b, len);
    }
    /* a trailing newline (echo, a file) is no part of the record */
    while (text && *len && (text[*len - 1] == '\n' || text[*len - 1] == '\r' || text[*len - 1] == ' '))
        text[--*len] = '\0';
    if (!text || !*len) {
        fprintf(stderr, "newsenrich %s add: no entry given (the JSON as an argument, or on stdin)\n", v->cmd);
        free(text);
        return NULL;
    }
    return text;
}

static int person_on(const ne_config *view, const char *id)
{
    for (size_t i = 0; i < view->watchlist.npeople; i++)
        if (!strcmp(view->watchlist.people[i].id, id)) return 1;
    return 0;
}

static int subscription_on(const ne_config *view, const char *id)
{
    for (size_t i = 0; i < view->webhooks.nsubscriptions; i++)
        if (!strcmp(view->webhooks.subscriptions[i].id, id)) return 1;
    return 0;
}

/* Checks the entry and makes its key. 0, or 2 with a message. */
static int check_entry(const struct verb_ctx *v, const char *text, size_t len, const ne_config *view, char *key,
                       size_t keylen)
{
    char err[1024];
    const char *what = kind_name(v->kind);
    if (v->kind == NE_ENTRY_PERSON) {
        ne_person p;
        if (ne_config_parse_person(text, len, what, &p, err, sizeof err)) goto refused;
        int rc = ne_overlay_key(NE_ENTRY_PERSON, p.id, key, keylen) < 0;
        ne_person_clear(&p);
        if (rc) { snprintf(err, sizeof err, "person.id: too long"); goto refused; }
        return 0;
    }
    ne_subscription s;
    if (ne_config_parse_subscription(text, len, what, 1, &s, err, sizeof err)) goto refused;
    int rc = 0;
    if (!s.id) {
        snprintf(err, sizeof err, "subscription.id: missing (the record's key is made of it)");
        rc = 1;
    } else if (ne_overlay_key(NE_ENTRY_SUBSCRIPTION, s.id, key, keylen) < 0) {
        snprintf(err, sizeof err, "subscription.id: too long");
        rc = 1;
    }
    for (size_t i = 0; !rc && i < s.npeople; i++)
        if (!person_on(view, s.people[i])) {
            snprintf(err, sizeof err, "subscription.people[%zu]: unknown person \"%.100s\" (not on the watchlist in "
                     "force: add them first with newsenrich watch add)", i, s.people[i]);
            rc = 1;
        }
    ne_subscription_clear(&s);
    if (rc) goto refused;
    return 0;
refused:
    fprintf(stderr, "newsenrich %s add: %s\n", v->cmd, err);
    return 2;
}

static int cmd_add(const struct verb_ctx *v, const char *arg)
{
    size_t len = 0;
    char key[320];
    char *text = entry_text(v, arg, &len);
    if (!text) return 2;
    ne_subs *subs = NULL;
    ne_config *view = NULL;
    int rc = read_view(v, &subs, &view);
    if (!rc) rc = check_entry(v, text, len, view, key, sizeof key);
    if (!rc) rc = write_record(v, key, text, len);
    ne_config_free(view);
    ne_subs_free(subs);
    free(text);
    return rc;
}

/* ---- remove ---------------------------------------------------------------- */

static int cmd_remove(const struct verb_ctx *v, const char *id)
{
    char key[320];
    if (!id || !*id) {
        fprintf(stderr, "newsenrich %s remove: the id to remove is required\n", v->cmd);
        return 2;
    }
    if (ne_overlay_key(v->kind, id, key, sizeof key) < 0) {
        fprintf(stderr, "newsenrich %s remove: id too long\n", v->cmd);
        return 2;
    }
    ne_subs *subs = NULL;
    ne_config *view = NULL;
    int rc = read_view(v, &subs, &view);
    if (!rc) {
        int present = v->kind == NE_ENTRY_PERSON ? person_on(view, id) : subscription_on(view, id);
        if (!present) {
            fprintf(stderr, "newsenrich %s remove: no %s \"%s\" in force (file or topic)\n", v->cmd,
                    kind_name(v->kind), id);
            rc = 2;
        }
    }
    if (!rc && v->kind == NE_ENTRY_PERSON)
        for (size_t i = 0; i < view->webhooks.nsubscriptions; i++)
            for (size_t j = 0; j < view->webhooks.subscriptions[i].npeople; j++)
                if (!strcmp(view->webhooks.subscriptions[i].people[j], id))
                    fprintf(stderr, "newsenrich watch remove: note: subscription %s names %s; it receives nothing "
                            "about them from now on\n", view->webhooks.subscriptions[i].id, id);
    if (!rc) rc = write_record(v, key, NULL, 0);
    ne_config_free(view);
    ne_subs_free(subs);
    return rc;
}

/* ---- list ------------------------------------------------------------------ */

static void print_entry(const char *key, int from_topic, char *json)
{
    nebuf b = {0};
    nebuf_puts(&b, "{\"key\":");
    nebuf_json_str(&b, key, strlen(key));
    nebuf_printf(&b, ",\"source\":\"%s\",\"value\":%s}\n", from_topic ? "topic" : "file", json);
    fwrite(b.p, 1, b.len, stdout);
    nebuf_free(&b);
    free(json);
}

static int cmd_list(const struct verb_ctx *v)
{
    ne_subs *subs = NULL;
    ne_config *view = NULL;
    char key[320];
    if (read_view(v, &subs, &view)) return 1;
    const ne_overlay *ov = ne_subs_overlay(subs);
    if (v->kind == NE_ENTRY_PERSON) {
        for (size_t i = 0; i < view->watchlist.npeople; i++) {
            const ne_person *p = &view->watchlist.people[i];
            ne_overlay_key(NE_ENTRY_PERSON, p->id, key, sizeof key);
            print_entry(key, ne_overlay_state(ov, NE_ENTRY_PERSON, p->id) > 0, ne_config_person_json(p));
        }
    } else {
        for (size_t i = 0; i < view->webhooks.nsubscriptions; i++) {
            const ne_subscription *s = &view->webhooks.subscriptions[i];
            ne_overlay_key(NE_ENTRY_SUBSCRIPTION, s->id, key, sizeof key);
            print_entry(key, ne_overlay_state(ov, NE_ENTRY_SUBSCRIPTION, s->id) > 0, ne_config_subscription_json(s));
        }
    }
    fflush(stdout);
    long refused = ne_subs_refused(subs);
    if (refused)
        fprintf(stderr, "newsenrich %s list: %ld record(s) of %s refused (logged above); not in this view\n",
                v->cmd, refused, v->cfg->topics.subscriptions);
    ne_config_free(view);
    ne_subs_free(subs);
    return 0;
}

/* ---- the command -------------------------------------------------------------- */

static void usage(FILE *out, const char *cmd)
{
    const char *what = !strcmp(cmd, "watch") ? "person" : "subscription";
    fprintf(out,
            "usage: newsenrich %s add    -c CONFIG [JSON | -]   add or replace a %s (JSON from stdin if absent)\n"
            "       newsenrich %s remove -c CONFIG ID           remove a %s, even one the file has\n"
            "       newsenrich %s list   -c CONFIG              the %s in force, one JSON line each\n"
            "\n"
            "The entries go to the compacted topic topics.subscriptions, which every running\n"
            "instance follows; the configuration file's entries are the seed under them.%s\n"
            "Exit codes: 0 success, 1 the broker failed, 2 bad usage, configuration or entry.\n",
            cmd, what, cmd, what, cmd, !strcmp(cmd, "watch") ? "watchlist" : "subscriptions",
            !strcmp(cmd, "watch") ? "" : "\nA subscription's secret must be a reference: \"env:NAME\" or \"file:PATH\".");
}

int ne_cmd_watch(int argc, char **argv)
{
    const char *cmd = argv[1], *verb = argc > 2 ? argv[2] : NULL, *config_path = NULL, *arg = NULL;
    char err[1024];
    struct verb_ctx v = {.cmd = cmd, .kind = !strcmp(cmd, "watch") ? NE_ENTRY_PERSON : NE_ENTRY_SUBSCRIPTION};
    if (verb && (!strcmp(verb, "-h") || !strcmp(verb, "--help"))) { usage(stdout, cmd); return 0; }
    if (!verb || (strcmp(verb, "add") && strcmp(verb, "remove") && strcmp(verb, "list"))) {
        fprintf(stderr, "newsenrich %s: expected add, remove or list\n", cmd);
        usage(stderr, cmd);
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) {
            config_path = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout, cmd);
            return 0;
        } else if (!arg && strcmp(verb, "list") != 0) {
            arg = argv[i];
        } else {
            fprintf(stderr, "newsenrich %s %s: unexpected argument '%s'\n", cmd, verb, argv[i]);
            usage(stderr, cmd);
            return 2;
        }
    }
    if (!config_path) {
        fprintf(stderr, "newsenrich %s: -c CONFIG is required\n", cmd);
        return 2;
    }
    /* the service's info lines (reader opened, caught up) are noise here */
    setenv("NEWSENRICH_LOG_LEVEL", "warn", 0);
    ne_config *cfg = ne_config_load(config_path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "newsenrich: %s: %s\n", config_path, err);
        return 2;
    }
    v.cfg = cfg;
    int rc = !strcmp(verb, "add") ? cmd_add(&v, arg) : !strcmp(verb, "remove") ? cmd_remove(&v, arg) : cmd_list(&v);
    ne_config_free(cfg);
    return rc;
}
