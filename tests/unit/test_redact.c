/* Credentials out of URLs and text (common/redact.h). */
#include "tests/unit/test.h"

#include "common/log.h"
#include "common/redact.h"

#include <stdlib.h>
#include <unistd.h>

static const char *url(const char *in)
{
    static char out[512];
    ne_url_redact(in, out, sizeof out);
    return out;
}

static const char *text(const char *in)
{
    static char out[1024];
    ne_text_redact(in, out, sizeof out);
    return out;
}

TEST(redact_url_password_masked_user_kept)
{
    CHECK_STR(url("https://user:PLANTED-pw-4711@hooks.example.com/hook"),
              "https://user:***@hooks.example.com/hook");
    CHECK_STR(url("http://alerts:s3cr%40t@127.0.0.1:8080/in"), "http://alerts:***@127.0.0.1:8080/in");
    /* a password holding '@' and ':': the userinfo ends at the last '@' */
    CHECK_STR(url("https://u:p@ss:w@host/x"), "https://u:***@host/x");
    CHECK_STR(url("https://u:@host/"), "https://u:***@host/");
}

TEST(redact_url_userinfo_without_colon_masked_whole)
{
    /* https://<token>@host: the lone userinfo is the secret */
    CHECK_STR(url("https://ghp_abcdef123456@github.com/org/repo"), "https://***@github.com/org/repo");
    CHECK_STR(url("https://a@b@host/"), "https://***@host/");
}

TEST(redact_url_sensitive_query_values_masked)
{
    CHECK_STR(url("https://user:PLANTED-pw-4711@host/hook?token=PLANTED-tok-4711"),
              "https://user:***@host/hook?token=***");
    CHECK_STR(url("https://h/x?a=1&access_token=abc&b=2"), "https://h/x?a=1&access_token=***&b=2");
    CHECK_STR(url("https://h/x?API_KEY=k&apikey=k&Secret=s&sig=x&signature=y&password=p&passwd=p&pwd=p"),
              "https://h/x?API_KEY=***&apikey=***&Secret=***&sig=***&signature=***&password=***&passwd=***"
              "&pwd=***");
    CHECK_STR(url("https://h/x?auth=a&client_credential=c&sessionid=s;key=k"),
              "https://h/x?auth=***&client_credential=***&sessionid=***;key=***");
    /* S3 presigned URL */
    CHECK_STR(url("https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261207"
                  "&X-Amz-Signature=deadbeef&X-Amz-Expires=300"),
              "https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***"
              "&X-Amz-Signature=***&X-Amz-Expires=300");
    /* a %-encoded name is read decoded */
    CHECK_STR(url("https://h/x?access%5Ftoken=abc"), "https://h/x?access%5Ftoken=***");
}

TEST(redact_url_keeps_host_port_path_and_harmless_parameters)
{
    const char *plain[] = {
        "https://hooks.example.com/services/alerts",
        "http://127.0.0.1:8080/t5/gone?tenant=acme&v=2",
        "http://[::1]:9000/x",
        "https://h/x?empty=&token=",
        "https://h/x#section=3",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) CHECK_STR(url(plain[i]), plain[i]);
}

TEST(redact_url_fragment_and_bare_parameters_masked)
{
    CHECK_STR(url("https://app.example/cb#access_token=abc&state=xyz"), "https://app.example/cb#access_token=***&state=xyz");
    /* a parameter without '=' cannot be judged by its name */
    CHECK_STR(url("https://h/hook?AbCdEf0123456789"), "https://h/hook?***");
    CHECK_STR(url("https://h/hook?a=1&opaque"), "https://h/hook?a=1&***");
}

TEST(redact_url_nested_url_and_addresses_in_values_masked)
{
    CHECK_STR(url("https://h/login?next=https://u:pw@inner/x?token=t"), "https://h/login?next=https://u:***@inner/x?token=***");
    CHECK_STR(url("https://h/r?to=http%3A%2F%2Fu%3Apw%40inner"), "https://h/r?to=***");
    CHECK_STR(url("https://h/r?email=a@b.example"), "https://h/r?email=***");
}

TEST(redact_url_malformed_never_prints_the_secret)
{
    /* an unencoded '/' or '?' in the password: the authority cannot be read */
    CHECK_STR(url("https://user:pa/ss@host/hook"), "https://***@host/hook");
    CHECK_STR(url("https://user:12/34@host/hook"), "https://***@host/hook");
    CHECK_STR(url("https://user:p?ss@host/hook?token=t"), "https://***@host/hook?token=***");
    CHECK_STR(url("https://user:1?ss@host/hook"), "https://***@host/hook");
    CHECK_STR(url("https://user:p#ss@host"), "https://***@host");
    CHECK_STR(url("https://user:p/a@b@host/x"), "https://***@host/x");
    CHECK_STR(url("https://[::1:8080/x"), "https://***");
    CHECK_STR(url("https://h:1:2/x"), "https://***");
    /* cut before its '@' (a truncated message) */
    CHECK_STR(url("https://user:secretpass"), "https://***");
    /* no scheme: read as authority, path, query */
    CHECK_STR(url("user:pw@host/x"), "user:***@host/x");
    CHECK_STR(url("//user:pw@host/x"), "//user:***@host/x");
    CHECK_STR(url("ftp+x://u:p@h"), "ftp+x://u:***@h");
    CHECK_STR(url(""), "");
    CHECK_STR(url("://u:p@h"), "://u:***@h");
    CHECK_STR(url("https://"), "https://");
    CHECK_STR(url("?"), "?");
    CHECK_STR(url("@"), "***@");
}

TEST(redact_is_idempotent)
{
    const char *in[] = {
        "https://user:PLANTED-pw-4711@host/hook?token=PLANTED-tok-4711",
        "https://user:pa/ss@host/hook", "https://user:p?ss@host", "https://tok@h/?x&y=1#sig=2",
        "https://h/login?next=https://u:pw@inner/x",
        /* odd ones a random search (2 M inputs) once found not idempotent */
        "https://user:p?s@h:1?x@y", "https://user:p/a@b@host/x", "h/x?n=]%40#x://h", "?=key@ :,://http/&",
        "a:b/c@d://x", "#://&=@:://***& ://@80",
    };
    char once[512], twice[512];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        ne_url_redact(in[i], once, sizeof once);
        ne_url_redact(once, twice, sizeof twice);
        CHECK_STR(twice, once);
        ne_text_redact(in[i], once, sizeof once);
        ne_text_redact(once, twice, sizeof twice);
        CHECK_STR(twice, once);
    }
}

TEST(redact_output_is_cut_to_fit_and_returns_the_full_length)
{
    char small[12];
    const char *in = "https://user:PLANTED@host/hook";
    size_t n = ne_url_redact(in, small, sizeof small);
    CHECK_INT(n, strlen("https://user:***@host/hook"));
    CHECK_STR(small, "https://use");
    CHECK_INT(ne_url_redact(in, NULL, 0), n);
    char one[1] = {'x'};
    ne_url_redact(in, one, 1);
    CHECK_INT(one[0], 0);
}

TEST(redact_text_masks_urls_inside_messages)
{
    CHECK_STR(text("SUBSCRIPTION DISABLED: s (https://user:PLANTED@h/hook?token=T) answered 410 Gone"),
              "SUBSCRIPTION DISABLED: s (https://user:***@h/hook?token=***) answered 410 Gone");
    CHECK_STR(text("Could not resolve host: h; url \"http://u:p@h/x\", 'http://a:b@c'"),
              "Could not resolve host: h; url \"http://u:***@h/x\", 'http://a:***@c'");
    CHECK_STR(text("<https://u:p@h>"), "<https://u:***@h>");
    CHECK_STR(text("two: http://a:1@x and https://b:2@y/?sig=3."), "two: http://a:***@x and https://b:***@y/?sig=***.");
}

TEST(redact_text_masks_sensitive_name_value_pairs_outside_urls)
{
    CHECK_STR(text("HTTP 410: gone /hook?token=PLANTED&x=1"), "HTTP 410: gone /hook?token=***&x=1");
    CHECK_STR(text("retry with api_key=abc, session=def"), "retry with api_key=***, session=***");
    /* other words are left alone, '=' or not */
    CHECK_STR(text("status 503, attempts=3 of 8: user@example.com said no"),
              "status 503, attempts=3 of 8: user@example.com said no");
    CHECK_STR(text("  plain text\twith  spaces "), "  plain text\twith  spaces ");
}

TEST(redact_text_in_place_may_grow_and_is_cut)
{
    char buf[32] = "see http://u:p@h/x now";
    ne_text_redact_inplace(buf, sizeof buf);
    CHECK_STR(buf, "see http://u:***@h/x now");
    char tiny[16] = "http://u:p@h/xy";
    ne_text_redact_inplace(tiny, sizeof tiny);
    CHECK_STR(tiny, "http://u:***@h/");
}

TEST(redact_name_sensitivity)
{
    const char *yes[] = {"token", "access_token", "refresh-token", "key", "api_key", "apikey", "ApiKey",
                         "secret", "client_secret", "sig", "signature", "X-Amz-Signature", "password",
                         "passwd", "passphrase", "pwd", "auth", "authorization", "oauth", "credential",
                         "X-Amz-Credential", "session", "sessionid", "%74oken"};
    const char *no[] = {"tenant", "v", "id", "format", "user", "page", "state", "x"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) CHECK(ne_redact_name_sensitive(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) CHECK(!ne_redact_name_sensitive(no[i], strlen(no[i])));
}

TEST(redact_password_or_token_with_any_ascii_character_never_printed)
{
    /* A password or token written without %-encoding may hold any
     * character; none of its pieces may come out. */
    char in[128], out[256];
    int leaks = 0;
    for (int c = 0x20; c < 0x7f; c++) {
        snprintf(in, sizeof in, "https://user:PW%cSECRET%cXY@hooks.example/hook?token=TO%cKEN", c, c, c);
        ne_url_redact(in, out, sizeof out);
        if (strstr(out, "PW") || strstr(out, "SECRET") || strstr(out, "XY") || strstr(out, "TO") ||
            strstr(out, "KEN")) {
            test_fail(__FILE__, __LINE__, "leak: %s -> %s", in, out);
            leaks++;
        }
    }
    CHECK_INT(leaks, 0);
}

TEST(redact_every_log_line_masks_credentials_whoever_wrote_it)
{
    char path[] = "/tmp/newsenrich-test-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(STDERR_FILENO);
    CHECK(fd >= 0 && saved >= 0);
    dup2(fd, STDERR_FILENO);
    ne_log(NE_LOG_ERROR, "test", "posting to %s failed: %s", "https://user:PLANTED-pw@h/hook?token=PLANTED-tok",
           "HTTP 401: bad api_key=PLANTED-key");
    ne_log(NE_LOG_ERROR, "test", "no url here, 100%% plain");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    char *log = test_read_file(path, NULL);
    unlink(path);
    CHECK(log != NULL);
    int ok = !strstr(log, "PLANTED") &&
             strstr(log, "posting to https://user:***@h/hook?token=*** failed: HTTP 401: bad api_key=***\"") &&
             strstr(log, "\"msg\":\"no url here, 100% plain\"");
    if (!ok) test_fail(__FILE__, __LINE__, "log:\n%s", log);
    free(log);
    CHECK(ok);
}
