#include "common/log.h"
#include "common/nebuf.h"
#include "common/redact.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *level_names[] = {"debug", "info", "warn", "error"};

/* A progress line without its newline is on the terminal (ne_log_progress_line). */
static atomic_int progress_line;

void ne_log_progress_line(int shown)
{
    atomic_store(&progress_line, shown != 0);
}

int ne_log_enabled(enum ne_log_level lvl)
{
    const char *env = getenv("NEWSENRICH_LOG_LEVEL");
    int min = NE_LOG_INFO;
    if (env)
        for (int i = 0; i < 4; i++)
            if (strcasecmp(env, level_names[i]) == 0) min = i;
    return (int)lvl >= min;
}

static void log_line(enum ne_log_level lvl, const char *component, const char *topic,
                     int32_t partition, int64_t offset, const char *fmt, va_list ap)
{
    if (!ne_log_enabled(lvl)) return;
    struct timespec ts;
    struct tm tm;
    char tbuf[40];
    nebuf msg = {0}, line = {0};

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(tbuf, sizeof tbuf, "%Y-%m-%dT%H:%M:%S", &tm);
    nebuf_vprintf(&msg, fmt, ap);
    /* The last line of defence: whoever wrote the message, credentials in
     * a URL or in a "token=…" do not reach the log (common/redact.h). */
    if (msg.p && (strstr(msg.p, "://") || strchr(msg.p, '='))) {
        size_t need = ne_text_redact(msg.p, NULL, 0) + 1;
        char *safe = ne_xmalloc(need);
        ne_text_redact(msg.p, safe, need);
        nebuf_reset(&msg);
        nebuf_puts(&msg, safe);
        free(safe);
    }

    /* Part of the same write(2): a clear and a line from two threads never
     * interleave. */
    if (atomic_load(&progress_line)) nebuf_puts(&line, "\r\033[K");
    nebuf_printf(&line, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"component\":", tbuf,
                 ts.tv_nsec / 1000000, level_names[lvl]);
    nebuf_json_str(&line, component, strlen(component));
    nebuf_puts(&line, ",\"msg\":");
    nebuf_json_str(&line, msg.p ? msg.p : "", msg.len);
    if (topic) {
        nebuf_puts(&line, ",\"topic\":");
        nebuf_json_str(&line, topic, strlen(topic));
        nebuf_printf(&line, ",\"partition\":%d,\"offset\":%lld", (int)partition, (long long)offset);
    }
    nebuf_puts(&line, "}\n");
    ssize_t w = write(STDERR_FILENO, line.p, line.len);
    (void)w;
    nebuf_free(&msg);
    nebuf_free(&line);
}

void ne_log(enum ne_log_level lvl, const char *component, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(lvl, component, NULL, -1, -1, fmt, ap);
    va_end(ap);
}

void ne_log_rec(enum ne_log_level lvl, const char *component, const char *topic,
                int32_t partition, int64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(lvl, component, topic, partition, offset, fmt, ap);
    va_end(ap);
}
