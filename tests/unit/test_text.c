/* Unit tests of the tokenizer and sentence splitter (enrichers/text/text.c), on
 * real news sentences and on the two seed articles. */
#include "tests/unit/fixtures.h"
#include "tests/unit/test.h"

#include <stdint.h>
#include <stdlib.h>

#include "enrichers/text/text.h"

/* The token texts of t joined by '|' ("Donald|J.|Trump"), in a static
 * buffer. */
static const char *joined(const ne_text *t)
{
    static char buf[8192];
    size_t n = 0;
    for (size_t i = 0; i < t->ntoks && n + 2 < sizeof buf; i++) {
        size_t len = t->toks[i].end - t->toks[i].start;
        if (i) buf[n++] = '|';
        if (len > sizeof buf - n - 1) len = sizeof buf - n - 1;
        memcpy(buf + n, t->s + t->toks[i].start, len);
        n += len;
    }
    buf[n] = '\0';
    return buf;
}

/* Index of the first token whose text is `w`, or -1. */
static long find_tok(const ne_text *t, const char *w)
{
    for (size_t i = 0; i < t->ntoks; i++)
        if (t->toks[i].end - t->toks[i].start == strlen(w) &&
            memcmp(t->s + t->toks[i].start, w, strlen(w)) == 0)
            return (long)i;
    return -1;
}

/* Checks the structural invariants every analysis must satisfy; returns ""
 * when they hold, else what is wrong. */
static const char *layer_errors(const ne_text *t)
{
    const unsigned char *s = (const unsigned char *)t->s;
    size_t prev_end = 0;
    if (t->ntoks > t->len) return "more tokens than bytes";
    for (size_t i = 0; i < t->ntoks; i++) {
        const ne_token *tk = &t->toks[i];
        if (tk->start >= tk->end || tk->end > t->len) return "empty or out-of-range token";
        if (tk->start < prev_end) return "overlapping tokens";
        for (size_t b = prev_end; b < tk->start; b++)
            if (s[b] < 0x80 && !strchr(" \t\n\r\v\f", s[b])) return "non-space byte outside tokens";
        for (size_t b = tk->start; b < tk->end; b++)
            if (s[b] == ' ' || s[b] == '\n') return "whitespace inside a token";
        if (tk->kind < NE_TOK_WORD || tk->kind > NE_TOK_SYMBOL) return "bad kind";
        if ((tk->kind == NE_TOK_QUOTE) != (tk->mark != NE_QM_NONE)) return "mark on a non-quote";
        if (tk->kind == NE_TOK_QUOTE &&
            !(tk->flags & NE_TF_OPEN) == !(tk->flags & NE_TF_CLOSE))
            return "quote neither or both open and close";
        prev_end = tk->end;
    }
    for (size_t b = prev_end; b < t->len; b++)
        if (s[b] < 0x80 && !strchr(" \t\n\r\v\f", s[b])) return "non-space byte after the last token";

    size_t next = 0;
    for (size_t p = 0; p < t->nparas; p++) {
        const ne_para *pa = &t->paras[p];
        if (pa->tok_start != next || pa->tok_end <= pa->tok_start) return "paragraphs do not tile tokens";
        if (pa->start != t->toks[pa->tok_start].start || pa->end != t->toks[pa->tok_end - 1].end)
            return "paragraph span is not its tokens' span";
        for (size_t k = pa->tok_start; k < pa->tok_end; k++) {
            if (t->toks[k].para != p) return "token para index";
            if (!(t->toks[k].flags & NE_TF_PARA_START) != (k != pa->tok_start)) return "PARA_START flag";
        }
        if (p > 0) {
            int brk = 0;
            for (size_t b = t->paras[p - 1].end; b < pa->start; b++)
                if (s[b] == '\n' || s[b] == '\r' || s[b] == '\v' || s[b] == '\f' || s[b] == 0x85 || s[b] == 0xA8 || s[b] == 0xA9)
                    brk = 1;
            if (!brk) return "paragraphs not separated by a line break";
        }
        next = pa->tok_end;
    }
    if (next != t->ntoks) return "paragraphs do not cover the tokens";

    next = 0;
    for (size_t i = 0; i < t->nsents; i++) {
        const ne_sentence *st = &t->sents[i];
        if (st->tok_start != next || st->tok_end <= st->tok_start) return "sentences do not tile tokens";
        if (st->start != t->toks[st->tok_start].start || st->end != t->toks[st->tok_end - 1].end)
            return "sentence span is not its tokens' span";
        if (st->para >= t->nparas || t->toks[st->tok_start].para != st->para ||
            t->toks[st->tok_end - 1].para != st->para)
            return "sentence crosses a paragraph";
        for (size_t k = st->tok_start; k < st->tok_end; k++)
            if (!(t->toks[k].flags & NE_TF_SENT_START) != (k != st->tok_start)) return "SENT_START flag";
        next = st->tok_end;
    }
    if (next != t->ntoks) return "sentences do not cover the tokens";
    return "";
}

/* Text of sentence i. */
#define CHECK_SENT(t, i, str)                                                       \
    do { CHECK((i) < (t).nsents);                                                   \
         CHECK_SPAN((t).s + (t).sents[i].start, (t).sents[i].end - (t).sents[i].start, str); \
    } while (0)

#define CHECK_TOK(t, i, str)                                                        \
    do { CHECK((i) < (t).ntoks);                                                    \
         CHECK_SPAN((t).s + (t).toks[i].start, (t).toks[i].end - (t).toks[i].start, str); \
    } while (0)

#define ANALYZE(t, str) \
    do { CHECK_INT(ne_text_analyze(&(t), (str), strlen(str)), 0); CHECK_STR(layer_errors(&(t)), ""); } while (0)

/* ---- tokens ----------------------------------------------------------- */

TEST(text_news_sentence_tokens_and_offsets)
{
    ne_text t = {0};
    const char *s = "President Vladimir Putin feels insulted by allegations of Russian "
                    "interference in the 2016 US election, US President Donald Trump said.";
    ANALYZE(t, s);
    CHECK_STR(joined(&t), "President|Vladimir|Putin|feels|insulted|by|allegations|of|Russian|"
                          "interference|in|the|2016|US|election|,|US|President|Donald|Trump|said|.");
    CHECK_INT(t.toks[0].start, 0);
    CHECK_INT(t.toks[0].end, 9);
    CHECK_INT(t.toks[1].start, 10);
    CHECK_TOK(t, 12, "2016");
    CHECK_INT(t.toks[12].start, strstr(s, "2016") - s);
    CHECK_INT(t.toks[12].kind, NE_TOK_NUM);
    CHECK_INT(t.toks[13].flags & (NE_TF_CAP | NE_TF_ALLCAPS), NE_TF_CAP | NE_TF_ALLCAPS);  /* US */
    CHECK_INT(t.toks[15].kind, NE_TOK_PUNCT);                                             /* , */
    CHECK(!(t.toks[15].flags & NE_TF_SPACE_BEFORE));
    CHECK(t.toks[16].flags & NE_TF_SPACE_BEFORE);
    CHECK_INT(t.toks[0].flags & (NE_TF_CAP | NE_TF_ALLCAPS | NE_TF_SENT_START | NE_TF_PARA_START),
              NE_TF_CAP | NE_TF_SENT_START | NE_TF_PARA_START);
    CHECK_INT(t.toks[3].flags & NE_TF_CAP, 0);                                             /* feels */
    CHECK_INT(t.toks[21].end, strlen(s));
    CHECK_INT(t.nsents, 1);
    CHECK_INT(t.nparas, 1);
    ne_text_clear(&t);
}

TEST(text_hyphens_and_dotted_words)
{
    ne_text t = {0};
    ANALYZE(t, "An Asia-Pacific summit with al-Assad, a 10-year-old F-16 and U.S.-led "
               "talks on AT&T at news.sky.com in 2016-17.");
    CHECK_STR(joined(&t), "An|Asia-Pacific|summit|with|al-Assad|,|a|10-year-old|F-16|and|U.S.-led|"
                          "talks|on|AT&T|at|news.sky.com|in|2016|-|17|.");
    CHECK_INT(t.toks[7].kind, NE_TOK_WORD);   /* 10-year-old */
    CHECK_INT(t.toks[17].kind, NE_TOK_NUM);   /* 2016 */
    CHECK_INT(t.toks[18].kind, NE_TOK_PUNCT); /* - */
    ne_text_clear(&t);
}

TEST(text_numbers)
{
    ne_text t = {0};
    ANALYZE(t, "About 1,000 people, 3.5% of voters, met at 10:30 on the 17th floor in the "
               "1990s for $2.5 billion, counting 1,2,3.");
    CHECK_STR(joined(&t), "About|1,000|people|,|3.5|%|of|voters|,|met|at|10:30|on|the|17th|floor|"
                          "in|the|1990s|for|$|2.5|billion|,|counting|1|,|2|,|3|.");
    CHECK_INT(t.toks[1].kind, NE_TOK_NUM);
    CHECK_INT(t.toks[4].kind, NE_TOK_NUM);
    CHECK_INT(t.toks[5].kind, NE_TOK_SYMBOL);
    CHECK(!(t.toks[5].flags & NE_TF_SPACE_BEFORE));
    CHECK_INT(t.toks[11].kind, NE_TOK_NUM);
    CHECK_INT(t.toks[14].kind, NE_TOK_WORD);    /* 17th: one word */
    CHECK_INT(t.toks[20].kind, NE_TOK_SYMBOL);  /* $ */
    CHECK_INT(t.nsents, 1);
    ne_text_clear(&t);
}

TEST(text_unicode_letters_spaces_and_dashes)
{
    ne_text t = {0};
    /* NBSP between "acknowledge" and "a" is whitespace; – — … are punctuation */
    ANALYZE(t, "Đà Nẵng and Müller-Lüdenscheid met ÉLYSÉE staff – Путин too — to acknowledge\xc2\xa0" "a deal…");
    CHECK_STR(joined(&t), "Đà|Nẵng|and|Müller-Lüdenscheid|met|ÉLYSÉE|staff|–|Путин|too|—|to|"
                          "acknowledge|a|deal|…");
    CHECK(t.toks[0].flags & NE_TF_CAP);
    CHECK(!(t.toks[0].flags & NE_TF_ALLCAPS));
    CHECK(t.toks[1].flags & NE_TF_CAP);
    CHECK_INT(t.toks[5].flags & (NE_TF_CAP | NE_TF_ALLCAPS), NE_TF_CAP | NE_TF_ALLCAPS);
    CHECK_INT(t.toks[7].kind, NE_TOK_PUNCT);
    CHECK(t.toks[8].flags & NE_TF_CAP);
    CHECK_INT(t.toks[8].kind, NE_TOK_WORD);
    CHECK(t.toks[13].flags & NE_TF_SPACE_BEFORE);
    CHECK_INT(t.toks[15].kind, NE_TOK_PUNCT);
    ne_text_clear(&t);
}

TEST(text_hashtags_handles_urls_emoji)
{
    ne_text t = {0};
    ANALYZE(t, "Join #MAGA with @realDonaldTrump at https://t.co/abc123. Mail a.b@example.com now \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd ok");
    CHECK_STR(joined(&t), "Join|#MAGA|with|@realDonaldTrump|at|https://t.co/abc123|.|Mail|"
                          "a.b@example.com|now|\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd|ok");
    CHECK_INT(t.toks[1].kind, NE_TOK_SYMBOL);
    CHECK_INT(t.toks[3].kind, NE_TOK_SYMBOL);
    CHECK_INT(t.toks[5].kind, NE_TOK_SYMBOL);
    CHECK_INT(t.toks[8].kind, NE_TOK_SYMBOL);
    CHECK_INT(t.toks[10].kind, NE_TOK_SYMBOL);   /* thumbs up with its skin tone */
    CHECK_INT(t.nsents, 2);
    CHECK_SENT(t, 0, "Join #MAGA with @realDonaldTrump at https://t.co/abc123.");
    ne_text_clear(&t);
}

/* ---- abbreviations ---------------------------------------------------- */

TEST(text_initials_and_titles)
{
    ne_text t = {0};
    ANALYZE(t, "Vladimir Putin and Donald J. Trump met. Mr. Trump said U.S. President Donald "
               "Trump spoke on Sept. 11 at 10 a.m. with Gov. Jerry Brown.");
    CHECK_STR(joined(&t), "Vladimir|Putin|and|Donald|J.|Trump|met|.|Mr.|Trump|said|U.S.|President|"
                          "Donald|Trump|spoke|on|Sept.|11|at|10|a.m.|with|Gov.|Jerry|Brown|.");
    CHECK_INT(t.toks[4].flags & (NE_TF_ABBREV | NE_TF_CAP), NE_TF_ABBREV | NE_TF_CAP);   /* J. */
    CHECK(t.toks[8].flags & NE_TF_ABBREV);                                              /* Mr. */
    CHECK_INT(t.toks[11].flags & (NE_TF_ABBREV | NE_TF_ALLCAPS), NE_TF_ABBREV | NE_TF_ALLCAPS);
    CHECK(t.toks[17].flags & NE_TF_ABBREV);                                             /* Sept. */
    CHECK(t.toks[21].flags & NE_TF_ABBREV);                                             /* a.m. */
    CHECK(!(t.toks[7].flags & NE_TF_ABBREV));                                           /* . */
    CHECK(!(t.toks[3].flags & NE_TF_ABBREV));
    CHECK_INT(t.nsents, 2);
    CHECK_SENT(t, 0, "Vladimir Putin and Donald J. Trump met.");
    CHECK_SENT(t, 1, "Mr. Trump said U.S. President Donald Trump spoke on Sept. 11 at 10 a.m. "
                     "with Gov. Jerry Brown.");
    ne_text_clear(&t);

    /* a title never ends a sentence, even before a word that often starts one */
    ANALYZE(t, "He saw Dr. No in 1962 and Mr. I. Lewis Libby in 2005.");
    CHECK_INT(t.nsents, 1);
    CHECK(t.toks[2].flags & NE_TF_ABBREV);
    ne_text_clear(&t);
}

TEST(text_abbreviation_at_sentence_end)
{
    ne_text t = {0};
    ANALYZE(t, "He was in the U.S. The next day U.S. officials met Smith Jr. He left for "
               "Washington, D.C. “We won,” Rep. Joe Smith, R-Calif. said. The vote was No. 1 of 3.");
    CHECK_INT(t.nsents, 5);
    CHECK_SENT(t, 0, "He was in the U.S.");
    CHECK_SENT(t, 1, "The next day U.S. officials met Smith Jr.");
    CHECK_SENT(t, 2, "He left for Washington, D.C.");
    CHECK_SENT(t, 3, "“We won,” Rep. Joe Smith, R-Calif. said.");
    CHECK_SENT(t, 4, "The vote was No. 1 of 3.");
    long i = find_tok(&t, "R-Calif.");
    CHECK(i >= 0);
    CHECK(t.toks[i].flags & NE_TF_ABBREV);
    CHECK(find_tok(&t, "No.") >= 0);
    ne_text_clear(&t);

    /* Canadian Press province abbreviations keep their period, and may
     * end a sentence */
    ANALYZE(t, "The plant in Sherbrooke, Que., will close. The crash was near Kingston, Ont. The driver was not hurt.");
    CHECK_INT(t.nsents, 3);
    CHECK_SENT(t, 1, "The crash was near Kingston, Ont.");
    CHECK(find_tok(&t, "Que.") >= 0);
    ne_text_clear(&t);

    /* "No" takes its period only before a number */
    ANALYZE(t, "The answer was No. Then he left.");
    CHECK_STR(joined(&t), "The|answer|was|No|.|Then|he|left|.");
    CHECK_INT(t.nsents, 2);
    ne_text_clear(&t);
}

TEST(text_is_abbrev)
{
    CHECK(ne_text_is_abbrev("Mr", 2));
    CHECK(ne_text_is_abbrev("Mr.", 3));
    CHECK(ne_text_is_abbrev("Sept.", 5));
    CHECK(ne_text_is_abbrev("Gov.", 4));
    CHECK(ne_text_is_abbrev("Inc", 3));
    CHECK(ne_text_is_abbrev("U.S.", 4));
    CHECK(ne_text_is_abbrev("U.S", 3));
    CHECK(ne_text_is_abbrev("a.m.", 4));
    CHECK(ne_text_is_abbrev("J.", 2));
    CHECK(ne_text_is_abbrev("Mr. Trump", 3));      /* only the first len bytes count */
    CHECK(!ne_text_is_abbrev("J", 1));
    CHECK(!ne_text_is_abbrev("mr.", 3));           /* case-sensitive */
    CHECK(!ne_text_is_abbrev("Trump.", 6));
    CHECK(!ne_text_is_abbrev("US", 2));
    CHECK(!ne_text_is_abbrev(".", 1));
    CHECK(!ne_text_is_abbrev("", 0));
    CHECK(!ne_text_is_abbrev(NULL, 3));
}

/* ---- apostrophes and quotation marks ---------------------------------- */

TEST(text_apostrophes_are_part_of_words)
{
    ne_text t = {0};
    ANALYZE(t, "Trump’s team, don't, O'Brien, rock’n’roll, the Clintons' house, Jones’ car, "
               "the U.S.'s role and the leaders’ commitment.");
    CHECK_STR(joined(&t), "Trump’s|team|,|don't|,|O'Brien|,|rock’n’roll|,|the|Clintons'|house|,|"
                          "Jones’|car|,|the|U.S.'s|role|and|the|leaders’|commitment|.");
    for (size_t i = 0; i < t.ntoks; i++) CHECK(t.toks[i].kind != NE_TOK_QUOTE);
    ne_text_clear(&t);
}

TEST(text_left_single_mark_inside_a_word_is_an_apostrophe)
{
    /* "Logan‘s": a left mark typed for an apostrophe opened a single
     * quotation that never closed and silenced the paragraph's quotes */
    ne_text t = {0};
    ANALYZE(t, "During Logan‘s development “it was always floated,” he said, and ‘no‘ was the answer.");
    CHECK_STR(joined(&t), "During|Logan‘s|development|“|it|was|always|floated|,|”|he|said|,|and|‘|no|‘|was|the|"
                          "answer|.");
    CHECK_INT(t.toks[1].kind, NE_TOK_WORD);
    CHECK_INT(t.toks[3].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    CHECK_INT(t.toks[9].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    ne_text_clear(&t);
}

TEST(text_doubled_single_marks_are_a_double_quotation)
{
    /* ‘‘…’’ and “…’’: some desks type the double marks as two single
     * ones; the closing pair was left open and ran into the next
     * sentence, with its frame */
    ne_text t = {0};
    ANALYZE(t, "“It was fine,’’ Smith said.");
    CHECK_STR(joined(&t), "“|It|was|fine|,|’’|Smith|said|.");
    CHECK_INT(t.toks[5].kind, NE_TOK_QUOTE);
    CHECK_INT(t.toks[5].mark, NE_QM_RIGHT_DOUBLE);
    CHECK_INT(t.toks[5].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    ne_text_clear(&t);
    ANALYZE(t, "‘‘It was fine,’’ Smith said.");
    CHECK_STR(joined(&t), "‘‘|It|was|fine|,|’’|Smith|said|.");
    CHECK_INT(t.toks[0].mark, NE_QM_LEFT_DOUBLE);
    CHECK_INT(t.toks[0].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    ne_text_clear(&t);
}

TEST(text_elisions)
{
    ne_text t = {0};
    ANALYZE(t, "Rock ’n’ roll in the ’90s and '16, ‘cause we told ’em.");
    CHECK_STR(joined(&t), "Rock|’n’|roll|in|the|’90s|and|'16|,|‘cause|we|told|’em|.");
    for (size_t i = 0; i < t.ntoks; i++) CHECK(t.toks[i].kind != NE_TOK_QUOTE);
    ne_text_clear(&t);
}

TEST(text_curly_quote_with_apostrophe)
{
    ne_text t = {0};
    ANALYZE(t, "“He said he didn’t meddle,” Trump told reporters.");
    CHECK_STR(joined(&t), "“|He|said|he|didn’t|meddle|,|”|Trump|told|reporters|.");
    CHECK_INT(t.toks[0].kind, NE_TOK_QUOTE);
    CHECK_INT(t.toks[0].mark, NE_QM_LEFT_DOUBLE);
    CHECK_INT(t.toks[0].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    CHECK_INT(t.toks[4].kind, NE_TOK_WORD);
    CHECK_INT(t.toks[7].mark, NE_QM_RIGHT_DOUBLE);
    CHECK_INT(t.toks[7].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    CHECK_INT(t.toks[7].start, strlen("“He said he didn’t meddle,"));
    CHECK_INT(t.toks[7].end - t.toks[7].start, 3);
    CHECK_INT(t.nsents, 1);
    ne_text_clear(&t);
}

TEST(text_straight_quotes_open_close)
{
    ne_text t = {0};
    ANALYZE(t, "\"He said 'no' today,\" she said. (\"Yes!\" he shouted.) It was \"fine\".");
    CHECK_STR(joined(&t), "\"|He|said|'|no|'|today|,|\"|she|said|.|(|\"|Yes|!|\"|he|shouted|.|)|"
                          "It|was|\"|fine|\"|.");
    static const struct { int tok, mark, flag; } want[] = {
        { 0, NE_QM_STRAIGHT_DOUBLE, NE_TF_OPEN }, { 3, NE_QM_STRAIGHT_SINGLE, NE_TF_OPEN },
        { 5, NE_QM_STRAIGHT_SINGLE, NE_TF_CLOSE }, { 8, NE_QM_STRAIGHT_DOUBLE, NE_TF_CLOSE },
        { 13, NE_QM_STRAIGHT_DOUBLE, NE_TF_OPEN }, { 16, NE_QM_STRAIGHT_DOUBLE, NE_TF_CLOSE },
        { 23, NE_QM_STRAIGHT_DOUBLE, NE_TF_OPEN }, { 25, NE_QM_STRAIGHT_DOUBLE, NE_TF_CLOSE },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const ne_token *tk = &t.toks[want[i].tok];
        CHECK_INT(tk->kind, NE_TOK_QUOTE);
        CHECK_INT(tk->mark, want[i].mark);
        CHECK_INT(tk->flags & (NE_TF_OPEN | NE_TF_CLOSE), want[i].flag);
    }
    /* "Yes!" he shouted: no break after ! when the sentence goes on in lower case */
    CHECK_INT(t.nsents, 3);
    CHECK_SENT(t, 0, "\"He said 'no' today,\" she said.");
    CHECK_SENT(t, 1, "(\"Yes!\" he shouted.)");
    CHECK_SENT(t, 2, "It was \"fine\".");
    ne_text_clear(&t);

    /* after a dash and before a space the context is ambiguous: the open
     * quotation decides */
    ANALYZE(t, "\"I was—\" he said, \" \"");
    CHECK_STR(joined(&t), "\"|I|was|—|\"|he|said|,|\"|\"");
    CHECK_INT(t.toks[4].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    CHECK_INT(t.toks[8].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    CHECK_INT(t.toks[9].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    ne_text_clear(&t);
}

TEST(text_nested_single_in_double)
{
    ne_text t = {0};
    ANALYZE(t, "“He called it ‘fake news’ and the Joneses’ story ‘a hoax,’” she said.");
    CHECK_STR(joined(&t), "“|He|called|it|‘|fake|news|’|and|the|Joneses’|story|‘|a|hoax|,|’|”|she|said|.");
    CHECK_INT(t.toks[4].mark, NE_QM_LEFT_SINGLE);
    CHECK_INT(t.toks[4].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    CHECK_INT(t.toks[7].mark, NE_QM_RIGHT_SINGLE);                 /* closes ‘fake news’ */
    CHECK_INT(t.toks[7].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    CHECK_INT(t.toks[10].kind, NE_TOK_WORD);                        /* no quote open: possessive */
    CHECK_INT(t.toks[16].mark, NE_QM_RIGHT_SINGLE);
    CHECK_INT(t.toks[16].flags & NE_TF_CLOSE, NE_TF_CLOSE);
    CHECK_INT(t.toks[17].mark, NE_QM_RIGHT_DOUBLE);
    CHECK_INT(t.toks[17].flags & NE_TF_CLOSE, NE_TF_CLOSE);
    ne_text_clear(&t);

    /* ’ misused as an opening mark counts as one only when a closing ’ follows */
    ANALYZE(t, "The so-called ’Russian dossier’ was fake.");
    CHECK_STR(joined(&t), "The|so-called|’|Russian|dossier|’|was|fake|.");
    CHECK_INT(t.toks[2].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    CHECK_INT(t.toks[5].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    ne_text_clear(&t);
}

TEST(text_guillemets_and_low_quotes)
{
    ne_text t = {0};
    ANALYZE(t, "«Bonjour», dit-il. „Guten Tag“, sagte er.");
    CHECK_STR(joined(&t), "«|Bonjour|»|,|dit-il|.|„|Guten|Tag|“|,|sagte|er|.");
    CHECK_INT(t.toks[0].mark, NE_QM_GUILLEMET_LEFT);
    CHECK_INT(t.toks[0].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    CHECK_INT(t.toks[2].mark, NE_QM_GUILLEMET_RIGHT);
    CHECK_INT(t.toks[2].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    CHECK_INT(t.toks[6].mark, NE_QM_LOW_DOUBLE);
    CHECK_INT(t.toks[6].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_OPEN);
    /* German style: “ closes the quotation „ opened */
    CHECK_INT(t.toks[9].mark, NE_QM_LEFT_DOUBLE);
    CHECK_INT(t.toks[9].flags & (NE_TF_OPEN | NE_TF_CLOSE), NE_TF_CLOSE);
    CHECK_INT(t.nsents, 2);
    ne_text_clear(&t);
}

TEST(text_doubled_straight_singles_are_double_quotes)
{
    ne_text t = {0};
    /* the NYT archive writes '' for a double quotation mark */
    ANALYZE(t, "''I'm here,'' Mr. Weiner wrote, ''it's 'old-school.'''");
    CHECK_STR(joined(&t), "''|I'm|here|,|''|Mr.|Weiner|wrote|,|''|it's|'|old-school|.|'|''");
    CHECK_INT(t.toks[0].mark, NE_QM_STRAIGHT_DOUBLE);
    CHECK_INT(t.toks[0].flags & NE_TF_OPEN, NE_TF_OPEN);
    CHECK_INT(t.toks[4].flags & NE_TF_CLOSE, NE_TF_CLOSE);
    CHECK_INT(t.toks[11].mark, NE_QM_STRAIGHT_SINGLE);
    CHECK_INT(t.toks[11].flags & NE_TF_OPEN, NE_TF_OPEN);
    CHECK_INT(t.toks[14].mark, NE_QM_STRAIGHT_SINGLE);   /* the single closes first */
    CHECK_INT(t.toks[14].flags & NE_TF_CLOSE, NE_TF_CLOSE);
    CHECK_INT(t.toks[15].mark, NE_QM_STRAIGHT_DOUBLE);
    CHECK_INT(t.toks[15].flags & NE_TF_CLOSE, NE_TF_CLOSE);
    ne_text_clear(&t);
}

/* ---- sentences and paragraphs ----------------------------------------- */

TEST(text_sentences_in_a_paragraph)
{
    ne_text t = {0};
    ANALYZE(t, "Trump arrived in Vietnam on Friday. He met Putin! Did they talk? "
               "Well… He said so. It was, er... fine. Prices rose 3.5 percent in 2016. "
               "Growth slowed.");
    CHECK_INT(t.nsents, 8);
    CHECK_SENT(t, 0, "Trump arrived in Vietnam on Friday.");
    CHECK_SENT(t, 1, "He met Putin!");
    CHECK_SENT(t, 2, "Did they talk?");
    CHECK_SENT(t, 3, "Well…");
    CHECK_SENT(t, 4, "He said so.");
    CHECK_SENT(t, 5, "It was, er... fine.");              /* ellipsis before lower case */
    CHECK_SENT(t, 6, "Prices rose 3.5 percent in 2016.");   /* 3.5 is one number */
    CHECK_SENT(t, 7, "Growth slowed.");
    CHECK_INT(t.sents[3].para, 0);
    CHECK(t.toks[t.sents[4].tok_start].flags & NE_TF_SENT_START);
    CHECK(!(t.toks[t.sents[4].tok_start + 1].flags & NE_TF_SENT_START));
    ne_text_clear(&t);
}

TEST(text_closing_quote_ends_with_its_sentence)
{
    ne_text t = {0};
    ANALYZE(t, "“He said he didn’t meddle. He said he didn’t meddle,” Trump told reporters aboard "
               "Air Force One. “I asked him again. You can only ask so many times.” Then he left.");
    CHECK_INT(t.nsents, 5);
    CHECK_SENT(t, 0, "“He said he didn’t meddle.");
    CHECK_SENT(t, 1, "He said he didn’t meddle,” Trump told reporters aboard Air Force One.");
    CHECK_SENT(t, 2, "“I asked him again.");
    CHECK_SENT(t, 3, "You can only ask so many times.”");
    CHECK_SENT(t, 4, "Then he left.");
    ne_text_clear(&t);
}

TEST(text_paragraphs_and_blank_lines)
{
    ne_text t = {0};
    const char *s = "  Denials from Kremlin  \n\n\nPutin also rejected it. Manafort is charged.\r\n"
                    "   \t \n"
                    "A line without a stop\nends its sentence.\n\n";
    ANALYZE(t, s);
    CHECK_INT(t.nparas, 4);
    CHECK_SPAN(s + t.paras[0].start, t.paras[0].end - t.paras[0].start, "Denials from Kremlin");
    CHECK_SPAN(s + t.paras[1].start, t.paras[1].end - t.paras[1].start,
               "Putin also rejected it. Manafort is charged.");
    CHECK_SPAN(s + t.paras[2].start, t.paras[2].end - t.paras[2].start, "A line without a stop");
    CHECK_SPAN(s + t.paras[3].start, t.paras[3].end - t.paras[3].start, "ends its sentence.");
    CHECK_INT(t.paras[0].start, 2);
    CHECK_INT(t.paras[1].tok_start, 3);
    CHECK_INT(t.nsents, 5);
    CHECK_SENT(t, 0, "Denials from Kremlin");
    CHECK_SENT(t, 3, "A line without a stop");
    CHECK_INT(t.sents[3].para, 2);
    CHECK_INT(t.sents[4].para, 3);
    long i = find_tok(&t, "Putin");
    CHECK(i >= 0);
    CHECK_INT(t.toks[i].flags & (NE_TF_PARA_START | NE_TF_SENT_START | NE_TF_SPACE_BEFORE),
              NE_TF_PARA_START | NE_TF_SENT_START | NE_TF_SPACE_BEFORE);
    CHECK_INT(t.toks[i].para, 1);
    ne_text_clear(&t);
}

TEST(text_reanalyze_replaces_layers)
{
    ne_text t = {0};
    ANALYZE(t, "One. Two. Three.\n\nFour.");
    CHECK_INT(t.nsents, 4);
    ANALYZE(t, "Just one");
    CHECK_INT(t.ntoks, 2);
    CHECK_INT(t.nsents, 1);
    CHECK_INT(t.nparas, 1);
    CHECK_STR(joined(&t), "Just|one");
    ne_text_clear(&t);
    CHECK(t.toks == NULL && t.ntoks == 0);
}

/* ---- robustness ------------------------------------------------------- */

TEST(text_empty_and_blank_input)
{
    ne_text t = {0};
    CHECK_INT(ne_text_analyze(&t, "", 0), 0);
    CHECK_INT(t.ntoks + t.nsents + t.nparas, 0);
    CHECK_INT(ne_text_analyze(&t, NULL, 0), 0);
    CHECK_INT(t.ntoks + t.nsents + t.nparas, 0);
    ANALYZE(t, " \n\r\n\t \xc2\xa0 \n");
    CHECK_INT(t.ntoks + t.nsents + t.nparas, 0);
    CHECK_INT(ne_text_analyze(&t, NULL, 4), -1);
    CHECK(t.toks == NULL);
    CHECK_INT(ne_text_analyze(NULL, "x", 1), -1);
    ne_text_clear(&t);
}

TEST(text_invalid_utf8_bytes_are_symbols)
{
    ne_text t = {0};
    /* stray continuation, 0xFF, overlong "/" (C0 AF), a surrogate (ED A0 80),
     * a lead byte before a space, a truncated sequence at the very end */
    const char s[] = "\x80\xff ab\xc0\xaf \xed\xa0\x80 x\xc3 \xe2\x80";
    ANALYZE(t, s);
    CHECK_INT(t.ntoks, 12);
    CHECK_TOK(t, 2, "ab");
    CHECK_TOK(t, 8, "x");
    for (size_t i = 0; i < t.ntoks; i++) {
        if (i == 2 || i == 8) continue;
        CHECK_INT(t.toks[i].end - t.toks[i].start, 1);
        CHECK_INT(t.toks[i].kind, NE_TOK_SYMBOL);
    }
    ne_text_clear(&t);
}

/* Every prefix of tricky text, copied into a buffer of exactly that size
 * (no NUL after it), so that AddressSanitizer sees any read past len. */
TEST(text_never_reads_past_len)
{
    const char *s = "Mr. J. U.S. a.m. 1,000 10:3 3. ’90s ’n’ ''x'' \"q\" ‘y’ “z” "
                    "#t @h a@b.co https://x.y/z. AT&T F-16 No. 2 ’Open’ …\xf0\x9f\x91\x8d\xe2\x80\x8d"
                    "\xf0\x9f\x94\xa5\xef\xb8\x8f Đà\xc2\xa0x\r\n\xe2\x80\xa8y";
    size_t n = strlen(s);
    ne_text t = {0};
    for (size_t k = 0; k <= n; k++) {
        char *buf = malloc(k ? k : 1);
        CHECK(buf != NULL);
        memcpy(buf, s, k);
        int rc = ne_text_analyze(&t, buf, k);
        const char *err = layer_errors(&t);
        free(buf);
        t.s = NULL;
        CHECK_INT(rc, 0);
        CHECK_STR(err, "");
    }
    ne_text_clear(&t);
}

TEST(text_random_bytes_keep_invariants)
{
    /* bytes drawn mostly from the characters the lexer treats specially */
    static const char alphabet[] = "aZ09 .,;:!?'\"-&@#()\n\r\t\xe2\x80\x99\x9c\x9d\xa6\x94\xc2\xa0\xab\xbb\xff\xc3\xa9";
    uint32_t seed = 12345;
    char buf[300];
    ne_text t = {0};
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % (int)sizeof buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        CHECK_INT(ne_text_analyze(&t, buf, n), 0);
        CHECK_STR(layer_errors(&t), "");
    }
    ne_text_clear(&t);
}

/* ---- the seed articles ------------------------------------------------ */

TEST(text_seed_000)
{
    const char *path = test_data_path("seeds/000_5ef9211fc8905507.txt");
    if (!path) SKIP("seeds/000_5ef9211fc8905507.txt not found");
    size_t len;
    char *s = test_read_file(path, &len);
    CHECK(s != NULL);
    ne_text t = {0};
    CHECK_INT(ne_text_analyze(&t, s, len), 0);
    CHECK_STR(layer_errors(&t), "");
    /* 25 non-blank lines, the title and the comment prompts included */
    CHECK_INT(t.nparas, 25);
    CHECK_SPAN(s + t.paras[0].start, t.paras[0].end - t.paras[0].start,
               "Trump: Putin Says He Didn’t Meddle in the US Election");
    CHECK_SPAN(s + t.paras[24].start, t.paras[24].end - t.paras[24].start,
               "Your email address will not be published.");
    /* the caption keeps "Donald J. Trump" in one sentence */
    CHECK_INT(t.sents[1].para, 1);
    CHECK_INT(t.paras[2].tok_start, t.sents[2].tok_start);
    /* paragraph 4: two quotes, seven sentences; each closing ” stays with its sentence */
    size_t first = 0, count = 0;
    for (size_t i = 0; i < t.nsents; i++)
        if (t.sents[i].para == 4) { if (!count++) first = i; }
    CHECK_INT(count, 7);
    CHECK_SENT(t, first, "“He said he didn’t meddle.");
    CHECK_SENT(t, first + 1, "He said he didn’t meddle,” Trump told reporters aboard Air Force One.");
    CHECK_SENT(t, first + 6, "He did not do what they are saying he did,” Trump said on Air Force One "
                             "leaving Vietnam.");
    /* "U.S. electoral" does not end a sentence */
    long us = find_tok(&t, "U.S.");
    CHECK(us >= 0);
    CHECK(t.toks[us].flags & NE_TF_ABBREV);
    CHECK(!(t.toks[us + 1].flags & NE_TF_SENT_START));
    /* the non-breaking space after "acknowledge" separates words */
    CHECK(find_tok(&t, "acknowledge") >= 0);
    CHECK(find_tok(&t, "al-Assad’s") >= 0);
    CHECK(find_tok(&t, "leaders’") >= 0);
    size_t quotes = 0;
    for (size_t i = 0; i < t.ntoks; i++) quotes += t.toks[i].kind == NE_TOK_QUOTE;
    CHECK_INT(quotes, 22);   /* 10 “…” pairs and the straight pair in the comment prompt */
    CHECK_INT(t.nsents, 45);
    ne_text_clear(&t);
    free(s);
}

TEST(text_seed_001)
{
    const char *path = test_data_path("seeds/001_caa47b06f91fe0da.txt");
    if (!path) SKIP("seeds/001_caa47b06f91fe0da.txt not found");
    size_t len;
    char *s = test_read_file(path, &len);
    CHECK(s != NULL);
    ne_text t = {0};
    CHECK_INT(ne_text_analyze(&t, s, len), 0);
    CHECK_STR(layer_errors(&t), "");
    CHECK_INT(t.nparas, 29);   /* one paragraph per line */
    CHECK_SPAN(s + t.paras[0].start, t.paras[0].end - t.paras[0].start,
               "Trump confronts Putin again over election claims");
    /* the ellipsis before a capital ends the quoted sentence */
    size_t first = 0, count = 0;
    for (size_t i = 0; i < t.nsents; i++)
        if (t.sents[i].para == 4) { if (!count++) first = i; }
    CHECK_INT(count, 2);
    CHECK_SENT(t, first, "“You can only ask so many times…");
    CHECK_SENT(t, first + 1, "He said he absolutely did not meddle in our election,” said the President.");
    /* closing quote after the full stop belongs to the sentence */
    long q = find_tok(&t, "fantasies");
    CHECK(q >= 0);
    CHECK_TOK(t, (size_t)q + 2, "”");
    CHECK(t.toks[q + 2].flags & NE_TF_CLOSE);
    CHECK_INT(t.toks[q + 3].para, t.toks[q].para + 1);
    /* "Mr Trump" without a period; "Mr" is still a known abbreviation */
    long mr = find_tok(&t, "Mr");
    CHECK(mr >= 0);
    CHECK(!(t.toks[mr].flags & NE_TF_ABBREV));
    CHECK(ne_text_is_abbrev(s + t.toks[mr].start, 2));
    CHECK(find_tok(&t, "news.sky.com") >= 0);
    CHECK_INT(t.nsents, 30);
    ne_text_clear(&t);
    free(s);
}


TEST(text_hard_wrapped_lines_are_spaces)
{
    ne_text t = {0};
    ANALYZE(t, NE_TEST_WIRE_STORY);
    CHECK_INT((long)t.wrap_width, 71);   /* the longest line */
    /* the headline and the four indented paragraphs */
    CHECK_INT(t.nparas, 5);
    long sen = find_tok(&t, "Sen."), john = find_tok(&t, "John"), tower = find_tok(&t, "Tower");
    CHECK(sen >= 0 && john == sen + 1 && tower == john + 1);
    CHECK_INT(t.toks[tower].para, t.toks[john].para);
    CHECK(!(t.toks[tower].flags & NE_TF_PARA_START));
    CHECK(t.toks[tower].flags & NE_TF_SPACE_BEFORE);
    /* the quoted sentence runs over two line breaks and stays one */
    size_t q = 0;
    while (q < t.nsents && t.s[t.sents[q].start] != '"') q++;
    CHECK_SENT(t, q, "\"We have asked the White House for the documents three times and we\n"
                     "have received nothing that would let us judge the decision,\" Tower told\n"
                     "reporters after a closed meeting of the committee.");
    CHECK_SPAN(t.s + t.paras[0].start, t.paras[0].end - t.paras[0].start,
               "TOWER SAYS SENATE PANEL TO HOLD ARMS HEARINGS");
    ne_text_clear(&t);

    /* blank lines between paragraphs, \r\n line ends: the same layers */
    char buf[2048];   /* the story is under 1,000 bytes; at most two bytes out per byte in */
    CHECK(2 * strlen(NE_TEST_WIRE_STORY) + 1 <= sizeof buf);
    size_t n = 0;
    for (const char *p = NE_TEST_WIRE_STORY; *p; p++) {
        if (*p == '\n' && p[1] == ' ') { memcpy(buf + n, "\r\n\r\n", 4); n += 4; while (p[1] == ' ') p++; continue; }
        if (*p == '\n') buf[n++] = '\r';
        buf[n++] = *p;
    }
    buf[n] = '\0';
    ANALYZE(t, buf);
    CHECK_INT((long)t.wrap_width, 71);
    CHECK_INT(t.nparas, 5);
    CHECK_INT(t.toks[find_tok(&t, "Tower")].para, t.toks[find_tok(&t, "John")].para);
    ne_text_clear(&t);
}

TEST(text_unwrapped_lines_stay_paragraphs)
{
    /* one line a paragraph, short ones among them: no width in common */
    ne_text t = {0};
    ANALYZE(t, "Putin denies meddling\n"
               "Russian President Vladimir Putin again denied any interference in the election.\n"
               "He spoke in Da Nang.\n"
               "Trump said he believed Putin meant it when he said he did not meddle in the vote.\n"
               "The Kremlin said the two leaders had agreed a joint statement on Syria.\n"
               "Officials declined to comment further.\n");
    CHECK_INT((long)t.wrap_width, 0);
    CHECK_INT(t.nparas, 6);
    ne_text_clear(&t);
    /* short lines of one width (a list, a poem) are not wrapped prose */
    ANALYZE(t, "Line one of the list\nLine two of the list\nLine three of the list\nLine four of the list\n");
    CHECK_INT((long)t.wrap_width, 0);
    CHECK_INT(t.nparas, 4);
    ne_text_clear(&t);
    /* wrapped, but a short line still ends its paragraph */
    ANALYZE(t, "The committee will hold its hearings next week, the chairman said on\n"
               "Monday, and officials from the State and Defense departments will be\n"
               "asked to testify.\n"
               "The White House declined to comment on the hearings or on the letter\n"
               "that the chairman sent to the President on Friday about the decision.\n");
    CHECK_INT((long)t.wrap_width, 69);
    CHECK_INT(t.nparas, 2);
    ne_text_clear(&t);
}

/* ---- page furniture in plain-text bodies (ne_text_analyze_body) ---------- */

/* True when a token of t starts inside the first occurrence of `what`. */
static int tokens_in(const ne_text *t, const char *what)
{
    const char *p = strstr(t->s, what);
    if (!p) return -1;
    uint32_t b = (uint32_t)(p - t->s), e = b + (uint32_t)strlen(what);
    for (size_t i = 0; i < t->ntoks; i++)
        if (t->toks[i].start >= b && t->toks[i].start < e) return 1;
    return 0;
}

/* A Reuters story as feeds deliver it (written for this test in the
 * agency's house style): byline, dateline, a photo caption with its
 * credit, a related-coverage list, a promo, and the credit block. */
static const char REUTERS_STORY[] =
    "By Jonathan Landay and Mark Hosenball, Reuters\n\n"
    "WASHINGTON (Reuters) - The U.S. Senate on Tuesday confirmed Mike Pompeo as secretary of "
    "state, a key victory for President Donald Trump.\n\n"
    "\"This is a great day for America,\" Senate Majority Leader Mitch McConnell told reporters.\n\n"
    "FILE PHOTO: CIA Director Mike Pompeo testifies before the Senate Intelligence Committee on "
    "Capitol Hill in Washington, U.S., February 13, 2018. REUTERS/Leah Millis/File Photo\n\n"
    "Democrats said Pompeo was too hawkish for the job.\n\n"
    "Related Coverage\n"
    "Pompeo heads to NATO talks\n"
    "Senate panel backs Pompeo\n\n"
    "Sign up for our Politics newsletter to get the latest news.\n\n"
    "(Reporting by Patricia Zengerle and Richard Cowan; Additional reporting by Doina Chiacu; "
    "Writing by Susan Heavey; Editing by Bill Trott)\n";

TEST(text_body_furniture_paragraphs_get_no_tokens)
{
    ne_text t = {0};
    CHECK_INT(ne_text_analyze_body(&t, REUTERS_STORY, strlen(REUTERS_STORY), NULL, 0), 0);
    CHECK_INT(tokens_in(&t, "By Jonathan Landay"), 0);
    CHECK_INT(tokens_in(&t, "FILE PHOTO"), 0);
    CHECK_INT(tokens_in(&t, "Pompeo heads to NATO talks"), 0);
    CHECK_INT(tokens_in(&t, "Senate panel backs"), 0);
    CHECK_INT(tokens_in(&t, "Sign up"), 0);
    CHECK_INT(tokens_in(&t, "(Reporting by"), 0);
    CHECK_INT(tokens_in(&t, "Patricia Zengerle"), 0);
    /* the article's paragraphs keep theirs */
    CHECK_INT(tokens_in(&t, "WASHINGTON (Reuters)"), 1);
    CHECK_INT(tokens_in(&t, "This is a great day"), 1);
    CHECK_INT(tokens_in(&t, "Democrats said"), 1);
    CHECK_INT(t.nparas, 3);
    CHECK(t.paras[2].start == (uint32_t)(strstr(REUTERS_STORY, "Democrats") - REUTERS_STORY));
    ne_text_clear(&t);
}

TEST(text_plain_analysis_keeps_every_paragraph)
{
    ne_text t = {0};
    CHECK_INT(ne_text_analyze(&t, REUTERS_STORY, strlen(REUTERS_STORY)), 0);
    CHECK_INT(tokens_in(&t, "(Reporting by"), 1);
    CHECK_INT(tokens_in(&t, "By Jonathan Landay"), 1);
    ne_text_clear(&t);
}

TEST(text_closing_credit_inside_a_paragraph_gets_no_tokens)
{
    static const char s[] =
        "Shares of the company fell 3 percent in early trading, he said. (Reporting by Jane Doe "
        "in London; Editing by Mark Potter)\n\nThe next line stays.";
    ne_text t = {0};
    CHECK_INT(ne_text_analyze_body(&t, s, strlen(s), NULL, 0), 0);
    CHECK_INT(tokens_in(&t, "he said."), 1);
    CHECK_INT(tokens_in(&t, "Jane Doe"), 0);
    CHECK_INT(tokens_in(&t, "The next line"), 1);
    /* a parenthesis that does not close the paragraph is the article's */
    static const char s2[] =
        "The panel (reporting by the inspector general found no fault) met on Friday.";
    CHECK_INT(ne_text_analyze_body(&t, s2, strlen(s2), NULL, 0), 0);
    CHECK_INT(tokens_in(&t, "inspector general"), 1);
    ne_text_clear(&t);
}

TEST(text_byline_is_told_from_a_sentence_opening_with_by)
{
    CHECK(ne_text_byline("By Jonathan Landay and Mark Hosenball, Reuters", 46));
    CHECK(ne_text_byline("BY JANE DOE, Associated Press Writer", 36));
    CHECK(ne_text_byline("By Maria Sacchetti and Nick Miroff", 34));
    CHECK(!ne_text_byline("By Tuesday, the firm had lost half its value.", 45));
    CHECK(!ne_text_byline("By contrast, the Senate bill keeps the mandate", 46));
    CHECK(!ne_text_byline("By 2020 the program will cost $4 billion", 40));
    CHECK(!ne_text_byline("By the time police arrived, the gunman had fled", 47));
}

TEST(text_captions_credits_and_promos_are_furniture)
{
    static const char *const yes[] = {
        "FILE PHOTO: U.S. President Donald Trump speaks in the Oval Office in Washington, U.S., "
        "May 1, 2018. REUTERS/Kevin Lamarque/File Photo",
        "President Donald Trump waves as he boards Air Force One. (AP Photo/Evan Vucci)",
        "Photo: Chip Somodevilla/Getty Images",
        "Supporters cheer at a rally in Tampa. Joe Raedle/Getty Images",
        "Sign up for our newsletter to get the best of the news in your inbox",
        "Download the Fox News app for the latest updates",
        "Read more: Trump says he will meet Kim in Singapore",
        "Reporting by Steve Holland; Editing by Peter Cooney",
        "Associated Press writer Jill Colvin contributed to this report.",
        "The FAKE NEWS media is not my enemy! pic.twitter.com/abc123",
        "\xE2\x80\x94 Donald J. Trump (@realDonaldTrump) February 17, 2017",
    };
    static const char *const no[] = {
        "Getty Images said on Tuesday it would cut 300 jobs.",
        "Trump said he would sign the bill, according to a photo caption the White House released later that day.",
        "Subscribers to the service said the price rise was unfair.",
        "Reporters asked him about the deal.",
        "\"We will download the data and look at it,\" she said.",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!ne_text_furniture(yes[i], strlen(yes[i]))) CHECK(!yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (ne_text_furniture(no[i], strlen(no[i]))) CHECK(!no[i]);
}

TEST(text_repeated_headline_gets_no_tokens)
{
    static const char title[] = "Biden meets Xi in Bali | CNN Politics";
    static const char s[] = "Biden meets Xi in Bali\n\nPresident Joe Biden met Chinese leader Xi "
                            "Jinping in Bali on Monday.\n\nBiden meets Xi in Bali again, aides said.";
    ne_text t = {0};
    CHECK_INT(ne_text_analyze_body(&t, s, strlen(s), title, strlen(title)), 0);
    CHECK_INT(t.nparas, 2);
    CHECK_STR(joined(&t), "President|Joe|Biden|met|Chinese|leader|Xi|Jinping|in|Bali|on|Monday|.|"
                          "Biden|meets|Xi|in|Bali|again|,|aides|said|.");
    ne_text_clear(&t);
}

TEST(text_title_site_name_gets_no_tokens)
{
    static const struct { const char *title, *tokens; } cases[] = {
        {"Pelosi says House will vote on the bill next week - TheHill",
         "Pelosi|says|House|will|vote|on|the|bill|next|week"},
        {"Newsom signs housing bill into law - SFGate", "Newsom|signs|housing|bill|into|law"},
        {"Biden meets Xi in Bali | CNN Politics", "Biden|meets|Xi|in|Bali"},
        {"Trump fires FBI director | Politics | The Guardian", "Trump|fires|FBI|director"},
        /* not a site name: lower-case words, or a short headline */
        {"Markets slide as oil jumps - and bonds rally", "Markets|slide|as|oil|jumps|-|and|bonds|rally"},
        {"Brexit - The Latest", "Brexit|-|The|Latest"},
    };
    ne_text t = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(ne_text_analyze_title(&t, cases[i].title, strlen(cases[i].title)), 0);
        CHECK_STR(joined(&t), cases[i].tokens);
    }
    ne_text_clear(&t);
}

TEST(text_byline_authors_are_the_people_it_names)
{
    size_t n = 0;
    char **a = ne_text_byline_authors(REUTERS_STORY, strlen(REUTERS_STORY), &n);
    CHECK_INT(n, 2);
    CHECK_STR(a[0], "Jonathan Landay");
    CHECK_STR(a[1], "Mark Hosenball");
    for (size_t i = 0; i < n; i++) free(a[i]);
    free(a);
    static const char ap[] = "BY JILL COLVIN, Associated Press\n\nWASHINGTON (AP) - The White House said.";
    a = ne_text_byline_authors(ap, strlen(ap), &n);
    CHECK_INT(n, 1);
    CHECK_STR(a[0], "JILL COLVIN");
    free(a[0]);
    free(a);
    static const char none[] = "By Tuesday, the firm had lost half its value.\n\nShares fell.";
    CHECK(ne_text_byline_authors(none, strlen(none), &n) == NULL);
    CHECK_INT(n, 0);
}

TEST(text_embedded_post_and_its_account_line_get_no_tokens)
{
    static const char s[] =
        "President Donald Trump lashed out at the press on Saturday.\n\n"
        "The FAKE NEWS media is not my enemy, it is the enemy of the American People!\n"
        "\xE2\x80\x94 Donald J. Trump (@realDonaldTrump) February 17, 2017\n\n"
        "Critics said the remarks were dangerous.\n\n"
        "Just landed in Paris. Great to be here! \xE2\x80\x94 Jane Roe (@janeroe) March 3, 2017";
    ne_text t = {0};
    size_t at, nm, ne;
    CHECK_INT(ne_text_analyze_body(&t, s, strlen(s), NULL, 0), 0);
    CHECK_INT(tokens_in(&t, "The FAKE NEWS"), 0);
    CHECK_INT(tokens_in(&t, "realDonaldTrump"), 0);
    CHECK_INT(tokens_in(&t, "Just landed"), 0);
    CHECK_INT(tokens_in(&t, "Critics said"), 1);
    CHECK_INT(t.nparas, 2);
    const char *line = strstr(s, "Just landed");
    CHECK(ne_text_post_account(line, strlen(line), &at, &nm, &ne));
    CHECK_SPAN(line, at, "Just landed in Paris. Great to be here! ");
    CHECK_SPAN(line + nm, ne - nm, "Jane Roe");
    CHECK(!ne_text_post_account("Follow him on Twitter (@jroe) for updates.", 41, &at, &nm, &ne));
    /* Instagram's embed text */
    static const char ig[] = "A post shared by Jane Roe (@janeroe) on Mar 3, 2017 at 5:00pm PST";
    CHECK(ne_text_post_account(ig, strlen(ig), &at, &nm, &ne));
    CHECK_INT(at, 0);
    CHECK_SPAN(ig + nm, ne - nm, "Jane Roe");
    ne_text_clear(&t);
}
