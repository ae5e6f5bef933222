/* test.h — the unit-test harness.
 *
 * A test is a function declared with TEST(name); it registers itself at load
 * time, so a new test file needs no list to be edited. CHECK* macros record a
 * failure with file and line and end the test. SKIP(reason) ends it as
 * skipped, for tests whose data (../shared/data) is absent.
 *
 * The runner (test_main.c) prints one line per test and closes with
 * "unit: N passed, N failed, N skipped".
 */
#ifndef NE_TEST_H
#define NE_TEST_H

#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);

void test_register(const char *file, const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void test_skip(const char *reason);

/* Path of ../shared/data/<rel> if that file exists, else NULL. The data
 * directory can be moved with NEWSENRICH_DATA_DIR. Returns a static buffer. */
const char *test_data_path(const char *rel);

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL on error. */
char *test_read_file(const char *path, size_t *len);

#define TEST(name)                                                          \
    static void name(void);                                                 \
    __attribute__((constructor)) static void name##_register(void)          \
    { test_register(__FILE__, #name, name); }                               \
    static void name(void)

#define CHECK(cond)                                                         \
    do { if (!(cond)) { test_fail(__FILE__, __LINE__, "%s", #cond); return; } } while (0)

#define CHECK_INT(a, b)                                                     \
    do { long long a_ = (long long)(a), b_ = (long long)(b);               \
         if (a_ != b_) { test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); return; } } while (0)

#define CHECK_STR(a, b)                                                     \
    do { const char *a_ = (a), *b_ = (b);                                   \
         if (!a_ || !b_ || strcmp(a_, b_) != 0) {                           \
             test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); return; } } while (0)

/* Compares a byte span (not NUL-terminated) with a string. */
#define CHECK_SPAN(ptr, len, b)                                             \
    do { const char *p_ = (ptr), *b_ = (b); size_t l_ = (size_t)(len);      \
         if (strlen(b_) != l_ || memcmp(p_, b_, l_) != 0) {                 \
             test_fail(__FILE__, __LINE__, "%s == \"%.*s\", expected \"%s\"", #ptr, (int)l_, p_, b_); return; } } while (0)

#define SKIP(reason) do { test_skip(reason); return; } while (0)

#endif
