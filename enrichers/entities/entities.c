/* entities — the entities stage (see entities.h for what it does): its
 * state, and the steps of a document in order. Each step has its file
 * (entities_int.h lists them):
 *   tag, merge, prepare    entities_mentions.c (the gazetteer's matches:
 *                          entities_gazetteer.c)
 *   cluster                entities_cluster.c
 *   coreference            entities_coref.c
 *   canonical names, emit  entities_output.c
 *
 * Every scratch array lives in the stage state and only grows, so a
 * document costs no allocation beyond the entities it outputs (their ids,
 * names and mention arrays, which the document owns).
 */
#include "enrichers/entities/entities_int.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the coreference model: one per process ------------------------------------------ */

/* Every worker's stage state shares one loaded coreference model (it is
 * read-only; each state has its own workspace). A state configured with
 * another path loads its own. */
static pthread_mutex_t coref_lock = PTHREAD_MUTEX_INITIALIZER;
static ne_coref_model *coref_shared;
static unsigned coref_refs;
static char coref_path[PATH_MAX + 64];

static ne_coref_model *coref_acquire(const char *path, char *err, size_t errlen)
{
    ne_coref_model *m = NULL;
    pthread_mutex_lock(&coref_lock);
    if (coref_shared && strcmp(coref_path, path) == 0) {
        m = coref_shared;
        coref_refs++;
    } else {
        m = ne_coref_load(path, err, errlen);
        if (m && !coref_shared) {
            coref_shared = m;
            coref_refs = 1;
            snprintf(coref_path, sizeof coref_path, "%s", path);
        }
    }
    pthread_mutex_unlock(&coref_lock);
    return m;
}

static void coref_release(ne_coref_model *m)
{
    if (!m) return;
    pthread_mutex_lock(&coref_lock);
    if (m == coref_shared) {
        if (--coref_refs == 0) {
            ne_coref_free(m);
            coref_shared = NULL;
        }
    } else {
        ne_coref_free(m);
    }
    pthread_mutex_unlock(&coref_lock);
}

/* ---- the stage ------------------------------------------------------------------------ */

/* All the steps of one document. */
static void find_entities(ent_state *st, ne_doc *doc)
{
    st->nc = st->ncl = st->nalias = 0;
    ent_tag_document(st, doc);
    ent_merge_field(st, doc, NE_FIELD_BODY);
    ent_merge_field(st, doc, NE_FIELD_TITLE);
    ent_prepare_candidates(st, doc);
    ent_cluster(st, doc);
    /* Coreference is an English model: on text in another language
     * (lang.h) only the name fits run, as without a model. */
    ne_coref_model *coref = st->coref;
    if (doc->non_english) st->coref = NULL;
    ent_coref(st, doc);
    st->coref = coref;
    ent_choose_canonical(st, doc);
    ent_emit_entities(st, doc);
    if (ent_add_post_authors(st, doc)) ent_unique_ids(st, doc);
}

int ne_entities_process(void *state, ne_doc *doc)
{
    ent_state *st = state;
    if (!st->enabled || !doc->body) return 0;
    find_entities(st, doc);
    if (!doc->non_english) doc->stats.ran |= 1u << NE_RAN_NER | 1u << NE_RAN_COREF;
    return 0;
}

void ne_entities_destroy(void *state)
{
    ent_state *st = state;
    if (!st) return;
    ne_ner_free(st->model);
    ne_ner_ws_free(st->ws);
    coref_release(st->coref);
    ne_coref_ws_free(st->cws);
    ent_gz_free(&st->gz);
    free(st->ntok); free(st->nsent); free(st->tags); free(st->tokmap); free(st->piece); free(st->uncased);
    free(st->spans);
    free(st->keep); free(st->alias); free(st->pcl);
    free(st->gzc); free(st->c); free(st->cl); free(st->order); free(st->buf); free(st->slug);
    free(st->cspans); free(st->cscand); free(st->cm); free(st->cref); free(st->cmerge); free(st->cfit); free(st->xm);
    ne_map_free(&st->m_recent); ne_map_free(&st->m_first); ne_map_free(&st->m_short);
    ne_map_free(&st->m_given); ne_map_free(&st->m_keys); ne_map_free(&st->m_alias);
    ne_map_free(&st->m_coref);
    free(st);
}

static int build_gazetteer(gazetteer *gz, const char *path, const ne_config *cfg, char *err, size_t errlen);

/* Loads the NER model, the coreference model and the gazetteer beside
 * it, then the watchlist. */
static int load_resources(ent_state *st, const ne_config *cfg, char *err, size_t errlen)
{
    char path[PATH_MAX + 64], nerr[256];
    const char *model = cfg->entities.model ? cfg->entities.model : "models/ner.model";
    if (ne_entities_resolve_path(model, path, sizeof path) < 0) {
        snprintf(err, errlen, "entities.model: cannot read %s (looked in the current directory "
                 "and in ../models beside the program): %s", model, strerror(ENOENT));
        return -1;
    }
    if (!(st->model = ne_ner_load(path, nerr, sizeof nerr))) {
        snprintf(err, errlen, "entities.model: %s: %s", path, nerr);
        return -1;
    }
    char *slash = strrchr(path, '/');
    if (slash) snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "coref.model");
    else snprintf(path, sizeof path, "coref.model");
    if (!(st->coref = coref_acquire(path, nerr, sizeof nerr))) {
        snprintf(err, errlen, "entities: coreference model %s (beside entities.model): %s", path, nerr);
        return -1;
    }
    if (slash) snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "gazetteer.tsv");
    else snprintf(path, sizeof path, "gazetteer.tsv");
    return build_gazetteer(&st->gz, path, cfg, err, errlen);
}

/* The bundled gazetteer beside the model, with the watchlist's people. */
static int build_gazetteer(gazetteer *gz, const char *path, const ne_config *cfg, char *err, size_t errlen)
{
    ne_text t = {0};
    int rc = ent_gz_load_file(gz, &t, path, err, errlen);
    for (size_t p = 0; rc == 0 && p < cfg->watchlist.npeople; p++)
        if (ent_gz_add_person(gz, &t, &cfg->watchlist.people[p], (uint32_t)p) < 0) {
            /* the tokenizer still reports out-of-memory (text.h) */
            snprintf(err, errlen, "entities: out of memory loading the watchlist");
            rc = -1;
        }
    ne_text_clear(&t);
    return rc;
}

/* A new watchlist (pipeline.h, reconfigure): the gazetteer is built again
 * beside the old (the bundled file is 15 KB: about a millisecond) and
 * swapped in only when complete, so a failure changes nothing. */
int ne_entities_reconfigure(void *state, const ne_config *cfg, char *err, size_t errlen)
{
    ent_state *st = state;
    if (!st->enabled) { st->cfg = cfg; return 0; }
    char path[PATH_MAX + 64];
    const char *model = cfg->entities.model ? cfg->entities.model : "models/ner.model";
    if (ne_entities_resolve_path(model, path, sizeof path) < 0) {
        snprintf(err, errlen, "entities.model: cannot read %s", model);
        return -1;
    }
    char *slash = strrchr(path, '/');
    if (slash) snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "gazetteer.tsv");
    else snprintf(path, sizeof path, "gazetteer.tsv");
    gazetteer gz;
    memset(&gz, 0, sizeof gz);
    if (build_gazetteer(&gz, path, cfg, err, errlen) < 0) {
        ent_gz_free(&gz);
        return -1;
    }
    ent_gz_free(&st->gz);
    st->gz = gz;
    free(st->pcl);
    st->pcl = ne_xcalloc(cfg->watchlist.npeople + 1, sizeof *st->pcl);
    st->cfg = cfg;
    return 0;
}

void *ne_entities_create(const ne_config *cfg, char *err, size_t errlen)
{
    ent_state *st = ne_xcalloc(1, sizeof *st);
    st->cfg = cfg;
    st->enabled = cfg->entities.enabled;
    if (!st->enabled) return st;
    if (load_resources(st, cfg, err, errlen) < 0) goto fail;
    st->pcl = ne_xcalloc(cfg->watchlist.npeople + 1, sizeof *st->pcl);
    st->ws = ne_ner_ws_new();
    st->cws = ne_coref_ws_new();
    return st;
fail:
    ne_entities_destroy(st);
    return NULL;
}


/* ---- the model's path ------------------------------------------------------------ */

int ne_entities_resolve_path(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s", path);
    if (access(path, R_OK) == 0 || path[0] == '/') return access(path, R_OK) == 0 ? 0 : -1;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return -1;
    *slash = '\0';
    /* build/newsenrich finds models/ner.model as build/../models/ner.model,
     * whether the path names the models folder or only the file. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char cand[PATH_MAX + 64];
    snprintf(cand, sizeof cand, "%s/../%s", exe, path);
    if (access(cand, R_OK) == 0) { snprintf(out, cap, "%s", cand); return 0; }
    snprintf(cand, sizeof cand, "%s/../models/%s", exe, base);
    if (access(cand, R_OK) == 0) { snprintf(out, cap, "%s", cand); return 0; }
    return -1;
}
