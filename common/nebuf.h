/* nebuf — a growable byte buffer, always NUL-terminated.
 *
 * A zeroed nebuf is an empty buffer ready for use (p may be NULL until the
 * first append). Appends grow the allocation geometrically and abort() on
 * out-of-memory, as the service cannot do anything useful without memory.
 * nebuf_free() releases the storage and leaves an empty buffer; it accepts
 * a buffer that never grew.
 */
#ifndef NE_NEBUF_H
#define NE_NEBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct nebuf {
    char  *p;     /* bytes, NUL-terminated once anything is appended */
    size_t len;   /* bytes used, not counting the terminating NUL */
    size_t cap;   /* bytes allocated */
} nebuf;

void nebuf_reserve(nebuf *b, size_t extra);
void nebuf_append(nebuf *b, const void *data, size_t len);
void nebuf_puts(nebuf *b, const char *s);
void nebuf_putc(nebuf *b, char c);
void nebuf_printf(nebuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nebuf_vprintf(nebuf *b, const char *fmt, va_list ap);
/* Empties the buffer but keeps its storage for reuse. */
void nebuf_reset(nebuf *b);
/* Hands the storage to the caller (who frees it) and leaves b empty.
 * Never returns NULL: an empty buffer yields an allocated "". */
char *nebuf_detach(nebuf *b, size_t *len);
void nebuf_free(nebuf *b);

/* Reads the whole file at path into a NUL-terminated allocation the
 * caller frees; *len (may be NULL) gets its length. NULL (errno set)
 * when the file cannot be opened or read. For tools and tests: the
 * service reads its one file, the configuration, with its own messages. */
char *nebuf_read_file(const char *path, size_t *len);

/* Appends s as a JSON string literal, quotes included. Control characters
 * and '"' and '\\' are escaped; bytes >= 0x80 are copied as they are, so s
 * must already be valid UTF-8. */
void nebuf_json_str(nebuf *b, const char *s, size_t len);

#endif
