/* html_int — the page model shared by html_parse.c, html_extract.c and
 * html_meta.c (not part of the module's contract).
 *
 * Elements are stored in document (pre-)order, so a parent's index is
 * below its children's and an element's descendants are the indices
 * [i + 1, end). Text blocks are the runs of inline text between block
 * boundaries, also in document order: the blocks inside element i are
 * [blk_first, blk_end). Skipped subtrees (scripts, styles, navigation, …)
 * leave no elements and no blocks.
 */
#ifndef NE_HTML_INT_H
#define NE_HTML_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/xalloc.h"
#include "enrichers/html/html.h"

#define HX_NONE UINT32_MAX

enum hx_tag {
    T_OTHER = 0, T_HTML, T_HEAD, T_BODY, T_TITLE, T_META, T_LINK, T_SCRIPT,
    T_A, T_P, T_DIV, T_SECTION, T_ARTICLE, T_MAIN, T_HEADER, T_H1, T_H2, T_H3, T_H4,
    T_H5, T_H6, T_UL, T_OL, T_LI, T_DL, T_DT, T_DD, T_TABLE, T_TR, T_TD, T_TH,
    T_PRE, T_BLOCKQUOTE, T_BR, T_IMG, T_INPUT, T_FORM, T_TIME, T_ADDRESS,
    T_FIGURE, T_EMBED, T_SPAN, T_INLINE, T_SKIP, T_HR, T_NAV, T_FIGCAPTION,
    T__COUNT
};

enum hx_elem_flag {
    EF_UNLIKELY = 1 << 0,   /* class/id/role says navigation, comments, ads, … */
    EF_BOILER   = 1 << 1,   /* class/id says share, caption, credit, promo, … */
    EF_DROP     = 1 << 2,   /* left out of the text (set by the extractor) */
    EF_CAND     = 1 << 3,   /* has a readability score */
    EF_HIDDEN   = 1 << 4,   /* hidden / aria-hidden / display:none */
    EF_SEMANTIC = 1 << 5,   /* nav, aside, footer, figcaption */
    EF_POST     = 1 << 6,   /* an embedded social post (<blockquote class="twitter-tweet">)
                               or inside one (set on descendants by html_extract.c) */
};

/* Counts over an element's content: bytes of text and of link text,
 * commas, <p> blocks, <li>, <img>, <input>, <embed>, and paragraphs of
 * text standing in a <div> (80+ bytes, under a quarter links), headings
 * that are mostly link text (a teaser's headline). */
typedef struct hx_agg {
    uint32_t text, link, commas;
    uint32_t n_p, n_li, n_img, n_input, n_embed, n_divp, n_hlink;
} hx_agg;

typedef struct hx_elem {
    uint32_t parent, end;              /* descendants are (index, end) */
    uint32_t blk_first, blk_end;
    hx_agg   own;                      /* its direct content (html_parse.c) */
    hx_agg   a;                        /* with its descendants not dropped (html_extract.c) */
    float    score;
    uint32_t cls;                      /* hash of the class attribute, 0: none */
    int16_t  weight;                   /* class/id weight: -50 … 50 */
    uint8_t  tag;                      /* enum hx_tag */
    uint8_t  flags;                    /* enum hx_elem_flag */
} hx_elem;

/* BF_OUTSIDE: a candidate block outside the best-scoring element, joined
 * by the sibling or climbing rules (set per attempt by html_extract.c, a
 * feature of the block filter). */
enum hx_block_flag { BF_HEADING = 1, BF_LI = 2, BF_H1 = 4, BF_PRE = 8, BF_OUTSIDE = 16 };

typedef struct hx_block {
    uint32_t owner;                    /* element whose direct content it is */
    uint32_t off, len;                 /* in the text arena, collapsed, trimmed */
    uint32_t link;                     /* bytes inside <a> */
    uint16_t commas;
    uint8_t  flags;
} hx_block;

/* Metadata candidates as read, before the choice (html_meta.c). */
enum hx_meta {
    M_OG_TITLE, M_TW_TITLE, M_TITLE, M_H1, M_LD_HEADLINE, M_CANONICAL, M_OG_URL,
    M_LANG, M_CONTENT_LANG, M_OG_LOCALE, M_PUBLISHED, M_LD_PUBLISHED, M_TIME, M_META_DATE,
    M_SITE_NAME, M_LD_PUBLISHER, M_APP_NAME,
    M__COUNT
};

#define HX_MAX_AUTHORS 8
#define HX_MAX_BYLINES 4
#define HX_MAX_POST_HANDLES 16

typedef struct hx_buf { char *s; size_t len, cap; } hx_buf;

typedef struct hx_model {
    hx_elem  *el;   size_t nel, capel;
    hx_block *bl;   size_t nbl, capbl;
    hx_buf    text;                  /* block texts */
    char     *meta[M__COUNT];        /* first value seen for each */
    char     *authors[HX_MAX_AUTHORS]; size_t nauthors;   /* meta, JSON-LD */
    char     *bylines[HX_MAX_BYLINES]; size_t nbylines;   /* byline elements */
    struct { uint32_t el; char *handle; } post_handles[HX_MAX_POST_HANDLES];
    size_t    npost_handles;         /* Facebook posts' accounts, from cite= */
    hx_buf    ld;                    /* JSON-LD scripts, one after the other */
    size_t    nld;
    int       truncated;
} hx_model;

/* html_parse.c */
int  hx_parse(const char *html, size_t len, hx_model *m);
void hx_model_free(hx_model *m);
void hx_buf_add(hx_buf *b, const char *s, size_t n);
/* Whitespace-collapsed, trimmed copy (NULL when nothing is left). */
char *hx_clean_dup(const char *s, size_t n);
/* Adds the names in an author string ("By A, B and C") to m->authors, or
 * to m->bylines when `byline` (read from the page's elements: used only
 * when the metadata names nobody, since sidebars list authors too). */
void hx_add_author(hx_model *m, const char *s, size_t n, int byline);

/* html_extract.c: the main text of a parsed model (malloc'd, "" if none);
 * a first heading equal to title is left out. */
char *hx_extract_text(hx_model *m, size_t *len, const char *title);

/* html_meta.c: fills the page's metadata from the model. */
void hx_meta_choose(hx_model *m, ne_html_page *page);

/* html_blocks.c: the learned block filter over the candidate blocks cand[]
 * of step 4 (html_extract.c). hx_block_keep: keep candidate c. The
 * features (at most HX_BLOCK_MAXF hashed ids) and their weight sum are
 * exposed for the training tool (tools/eval_html.c --train), which sets a
 * per-thread trace: hx_block_trace() then hands it every candidate of the
 * chosen text (and hx_block_keep keeps them all). */
#define HX_BLOCK_MAXF 32
#define HX_BLOCK_DIM 16384   /* hashed feature slots (a power of two) */
typedef void (*hx_trace_fn)(void *ctx, const char *s, size_t n, const uint32_t *f, size_t nf);
void   hx_set_trace(hx_trace_fn fn, void *ctx);
size_t hx_block_features(const hx_model *m, const uint32_t *cand, size_t ncand, size_t c, uint32_t *f);
float  hx_block_weight_sum(const uint32_t *f, size_t n);
int    hx_block_keep(const hx_model *m, const uint32_t *cand, size_t ncand, size_t c);
void   hx_block_trace(const hx_model *m, const uint32_t *cand, size_t ncand);

#endif
