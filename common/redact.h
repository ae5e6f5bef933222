/* redact — credentials out of URLs and text before they are printed.
 *
 * A webhook URL may carry credentials: userinfo (https://user:pw@host/…)
 * or a token in the query (…/hook?token=…). Logs, check-config output and
 * dead-letter headers are read by people and systems that must not learn
 * them, so everything that prints a URL, or text that may contain one
 * (libcurl error strings, response snippets, config errors), goes through
 * these functions first. Pure functions: no state, no allocation (but
 * ne_text_redact_inplace's copy of a text over 1 KiB).
 *
 * ne_url_redact() masks, in one URL:
 *   - the password of the userinfo: "https://user:***@host/" (the user
 *     name is kept: it tells which credentials are configured, and is not
 *     the secret). Userinfo without a ':' is masked whole ("***@host"): a
 *     lone userinfo is usually a token (https://<token>@host/).
 *   - the value of every query or fragment parameter whose name, %XX-decoded
 *     and case-insensitive, contains token, key, secret, sig, pass, pwd,
 *     auth, cred or session (access_token, api_key, apikey, X-Amz-Signature,
 *     sig, password, passwd, passphrase, oauth, X-Amz-Credential,
 *     sessionid, ...): "?token=***".
 *   - a parameter without '=' ("?AbC123..."): masked whole, its name cannot
 *     say what it is.
 *   - a parameter value holding '@' or "%40": masked (userinfo of an
 *     encoded URL, or an address); a value that is a URL ("scheme://…",
 *     a redirect target) is redacted as one.
 * It leaves the scheme, host, port, path and the other parameters as
 * they are, so a log line still says where a request went.
 *
 * Malformed input never prints more. An unencoded '/', '?' or '#' in a
 * password ("https://user:pa/ss@host/") leaves an '@' after the authority:
 * everything between "scheme://" and that '@' is "***". An authority
 * that cannot be read (a non-numeric port, as "user:secret" cut before its
 * '@' looks; an unclosed '['; two ':') is "***" with all that follows.
 * Missing scheme: the text is read as authority, path, query.
 *
 * Not masked: a secret in the path itself (Slack's webhook urls end in
 * one): no rule tells it from a path. In free text, a URL ends at a space
 * or quote, so a password holding one is cut in two and its second half
 * is not recognised.
 *
 * Every function writes at most outlen bytes including the NUL (the output
 * is cut, never a secret), returns the length the whole result needs (as
 * snprintf), and is idempotent: redacting a redacted text changes nothing
 * (so layers may each redact: a call site, then the log writer).
 */
#ifndef NE_REDACT_H
#define NE_REDACT_H

#include <stddef.h>

/* The mask that replaces a secret. */
#define NE_REDACTED "***"

/* One URL (the whole string is the URL). */
size_t ne_url_redact(const char *url, char *out, size_t outlen);

/* Free text: every URL in it ("scheme://…", up to a space, quote or <>)
 * as ne_url_redact(), and outside URLs every "name=value" whose name is
 * sensitive (the list above): "… token=*** …". */
size_t ne_text_redact(const char *text, char *out, size_t outlen);

/* ne_text_redact() of the string in buf (capacity cap), in place. */
void ne_text_redact_inplace(char *buf, size_t cap);

/* 1 if a parameter name (len bytes, may hold %XX) names a secret. */
int ne_redact_name_sensitive(const char *name, size_t len);

#endif
