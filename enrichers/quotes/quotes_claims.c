/* quotes_claims — claim ids (quotes.h): the same statement gets the same
 * id in every article that carries it, whatever its quote marks, case or
 * spacing. The ids are persisted (claims topic, dedup state): the
 * normalisation must not change.
 */
#include "enrichers/quotes/quotes.h"

#include <openssl/evp.h>

#include <pthread.h>
#include <stdlib.h>

#include "common/xalloc.h"

/* SHA-256, fetched once for the process. EVP_sha256() in
 * EVP_DigestInit_ex makes OpenSSL 3 look the algorithm up in its
 * provider tables on every call: 4,300 instructions, a third of a claim
 * id. The fetched method is shared read-only by every thread and kept
 * until exit. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!sha256_md) abort();   /* the default provider always has it */
}

void ne_quotes_claim_id(const char *text, size_t len, char out[17])
{
    pthread_once(&sha256_once, fetch_sha256);
    /* normalise into a bounded stack buffer in chunks fed to the digest */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) ne_oom(sizeof ctx);   /* OpenSSL's allocation: the same policy */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char buf[512];
    size_t o = 0;
    int pending_space = 0, any = 0;
    EVP_DigestInit_ex(ctx, sha256_md, NULL);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        int keep;
        if (c >= 0x80) {
            /* multi-byte: general punctuation (U+2000–U+203F, the E2 80 xx
             * block: curly quotes, dashes, ellipsis), « » and no-break
             * space fold to space; other letters stay */
            size_t n = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
            int punct = (c == 0xE2 && i + 1 < len && (unsigned char)text[i + 1] == 0x80) ||
                        (c == 0xC2 && i + 1 < len &&
                         ((unsigned char)text[i + 1] == 0xAB || (unsigned char)text[i + 1] == 0xBB ||
                          (unsigned char)text[i + 1] == 0xA0));
            if (i + n > len) n = len - i;
            if (punct) { pending_space = any; i += n - 1; continue; }
            if (pending_space) { buf[o++] = ' '; pending_space = 0; }
            for (size_t k = 0; k < n; k++) buf[o++] = text[i + k];
            i += n - 1;
            any = 1;
        } else {
            keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
            if (!keep) { pending_space = any; continue; }
            if (pending_space) { buf[o++] = ' '; pending_space = 0; }
            buf[o++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
            any = 1;
        }
        if (o > sizeof buf - 8) {
            EVP_DigestUpdate(ctx, buf, o);
            o = 0;
        }
    }
    EVP_DigestUpdate(ctx, buf, o);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        unsigned char b = mdlen > (unsigned)i ? md[i] : 0;
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[16] = '\0';
}
