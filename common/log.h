/* log — one JSON object per line on stderr.
 *
 *   {"ts":"2026-11-23T10:00:00.123Z","level":"warn","component":"consumer",
 *    "msg":"…","topic":"articles.raw","partition":0,"offset":42}
 *
 * The minimum level comes from NEWSENRICH_LOG_LEVEL (debug, info, warn,
 * error; default info). Lines are written with a single write(2) so threads
 * do not interleave within a line. Every message goes through
 * ne_text_redact() first (common/redact.h): a URL's password or token, or
 * a "token=…", never reaches the log, whoever wrote the line.
 */
#ifndef NE_LOG_H
#define NE_LOG_H

#include <stdint.h>

enum ne_log_level { NE_LOG_DEBUG, NE_LOG_INFO, NE_LOG_WARN, NE_LOG_ERROR };

void ne_log(enum ne_log_level lvl, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same, with the record a line is about. */
void ne_log_rec(enum ne_log_level lvl, const char *component, const char *topic,
                int32_t partition, int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

int ne_log_enabled(enum ne_log_level lvl);

/* Says that a progress line is (shown 1) or is no longer (0) drawn on
 * stderr, a terminal, without a newline (`newsenrich enrich`). While it
 * is, each log line starts with "\r\033[K": it replaces the progress
 * line's text instead of running on after it, and the next redraw puts
 * the progress line back below. Safe from any thread. */
void ne_log_progress_line(int shown);

#endif
