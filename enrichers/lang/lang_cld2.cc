// lang_cld2 — see lang_cld2.h. The one C++ file of the tree: CLD2 has no C
// interface, so this shim calls it and hands back plain values.
#include "enrichers/lang/lang_cld2.h"

#include <cstdio>    // compact_lang_det.h uses FILE without including it
#include <cstdlib>
#include <cstring>
#include <climits>
#include <new>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace CLD2 {
const char *LanguageCode(Language lang);   // lang_script.h: exported by libcld2
}

void ne_lang_cld2(const char *s, size_t len, char *code, size_t cap, int *percent, int *reliable)
{
    *percent = 0;
    *reliable = 0;
    if (cap) code[0] = '\0';
    if (!s || len == 0 || len > INT_MAX || cap == 0) return;
    try {
        CLD2::Language lang3[3];
        int pct3[3], text_bytes = 0, valid_prefix = 0;
        double score3[3];
        bool is_reliable = false;
        CLD2::CLDHints hints = {NULL, NULL, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
        CLD2::Language top = CLD2::ExtDetectLanguageSummaryCheckUTF8(
            s, (int)len, true, &hints, 0, lang3, pct3, score3, NULL, &text_bytes, &is_reliable,
            &valid_prefix);
        if (top == CLD2::UNKNOWN_LANGUAGE || top == CLD2::TG_UNKNOWN_LANGUAGE) return;
        const char *c = CLD2::LanguageCode(top);
        if (!c || !*c) return;
        snprintf(code, cap, "%s", c);
        *percent = lang3[0] == top ? pct3[0] : 0;
        *reliable = is_reliable;
    } catch (const std::bad_alloc &) {
        fputs("newsenrich: out of memory in CLD2\n", stderr);
        abort();
    }
}
