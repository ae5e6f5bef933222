/* lang_cld2 — the C face of CLD2 (a C++ library), for lang.c only.
 *
 * Ownership: nothing is allocated for the caller. Threads: safe to call
 * from any number of threads (CLD2's tables are static and read-only).
 */
#ifndef NE_LANG_CLD2_H
#define NE_LANG_CLD2_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs CLD2 on the UTF-8 text s[0, len) as plain text. Writes the top
 * language's code (CLD2's own codes: "en", "zh-Hant", "iw") into
 * code[0, cap) ("" when CLD2 cannot tell), its share of the text in
 * percent (0..100) and whether CLD2 calls the answer reliable. An
 * exception inside CLD2 (out of memory) aborts, as everywhere else
 * (common/xalloc.h). */
void ne_lang_cld2(const char *s, size_t len, char *code, size_t cap, int *percent, int *reliable);

#ifdef __cplusplus
}
#endif

#endif
