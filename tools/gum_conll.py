#!/usr/bin/python3
"""gum_conll — GUM's named mentions as CoNLL-2003 style NER data.

    gum_conll.py GUM_DIR SPLIT > out.conll      (SPLIT: train or dev)

Reads the GUM CoNLL-U files of one split (splits.md: "dev" lists the dev
documents, "test" the test ones, every other GUM_* file is train; GENTLE_*
files, GUM's out-of-domain test2, are left out of both) and writes one
-DOCSTART- document per file, one token per line, `token POS _ LABEL`,
labels in IOB2 (B-TYPE opens a name).

What is a name, and its type (GUM has 10 entity types for every mention,
named or not; CoNLL-2003 tags names only, in 4 types):
  - a mention's name is its run of proper nouns (UPOS PROPN), with "of",
    "the", "&", "for", "de" between two of them ("Bank of America"), and
    the capitalised words of the mention next to it ("United Kingdom",
    where "United" is no PROPN), determiners and pronouns aside; a leading
    title (Mr, Mrs, Ms, Dr, Prof, Sir) is left out, as CoNLL does; e-mail
    addresses and web addresses are no names; a mention without a proper
    noun is no name;
  - type: person -> PER, organization -> ORG, place -> LOC; event, object,
    abstract, substance, animal, plant -> MISC ("World War II", "iPhone");
    time -> none (CoNLL does not tag "February"), nor are "Figure",
    "Table", months and days (FURNITURE);
  - nested mentions: the longest name wins and the ones inside it are no
    names of their own ("University of Toronto", not "Toronto");
  - a capitalised adjective outside any name that looks like a nationality
    ("Spanish", "Swiss" no, "German", "Islamic": ending -an -ian -ese
    -ish -ch -i -ic), not first in its sentence and in a sentence mostly
    lower-case (not a heading), is MISC, CoNLL's convention, which GUM does
    not mark.
Deterministic: files in sorted order.
"""
import os
import re
import sys

TYPES = {"person": "PER", "organization": "ORG", "place": "LOC", "event": "MISC", "object": "MISC",
         "abstract": "MISC", "substance": "MISC", "animal": "MISC", "plant": "MISC"}
LINKS = {"of", "the", "&", "for", "de"}
NATIONALITY = re.compile(r"(an|ian|ese|ish|ch|i|ic)$")
# words GUM's annotators took as proper nouns that CoNLL never tags:
# document furniture and calendar words
FURNITURE = {"Figure", "figure", "Table", "Listing", "Extract", "Extracts", "Appendix", "Section", "Chapter",
             "January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
             "Saturday", "Sunday"}
TITLES = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Prof", "Prof.", "Sir"}


def split_docs(gum_dir):
    """The document names of splits.md's dev and test lists."""
    lists, cur = {}, None
    with open(os.path.join(gum_dir, "splits.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"##\s+(\w+)", line)
            if m:
                cur = lists.setdefault(m.group(1), set())
            elif cur is not None and line.strip().startswith("* "):
                cur.add(line.strip()[2:].strip())
    return lists


def entity_events(misc):
    """Opens (id, etype) and closes (id) of a token's Entity= field, in order."""
    m = re.search(r"(?:^|\|)Entity=([^|]*)", misc)
    if not m:
        return []
    s, out, i = m.group(1), [], 0
    while i < len(s):
        if s[i] == "(":
            j = i + 1
            while j < len(s) and s[j] not in "()":
                j += 1
            parts = s[i + 1:j].split("-")
            out.append(("open", parts[0], parts[1] if len(parts) > 1 else ""))
            if j < len(s) and s[j] == ")":
                out.append(("close", parts[0], ""))
                j += 1
            i = j
        else:
            j = i
            while j < len(s) and s[j] != ")":
                j += 1
            out.append(("close", s[i:j], ""))
            i = j + 1
    return out


def capitalised_word(tok):
    form, upos, _ = tok
    return (form[:1].isupper() and upos not in ("DET", "PRON", "PUNCT") and form not in TITLES
            and form not in FURNITURE)


def sentence_labels(toks):
    """IOB2 labels of one sentence: toks are (form, upos, misc)."""
    n = len(toks)
    open_m, mentions = {}, []
    for k, (_, _, misc) in enumerate(toks):
        for ev, eid, etype in entity_events(misc):
            if ev == "open":
                open_m.setdefault(eid, []).append((k, etype))
            elif open_m.get(eid):
                a, etype = open_m[eid].pop()
                mentions.append((a, k + 1, etype))
    names = []
    for a, b, etype in mentions:
        t = TYPES.get(etype)
        if not t:
            continue
        propn = [k for k in range(a, b) if toks[k][1] == "PROPN" and toks[k][0] not in TITLES
                 and toks[k][0] not in FURNITURE
                 and not re.search(r"[@/]|\.[a-z]", toks[k][0])]
        if not propn:
            continue
        # runs of proper nouns, linked by LINKS words; the longest is the name
        runs, s = [], propn[0]
        for x, y in zip(propn, propn[1:]):
            if y == x + 1 or all(toks[z][0] in LINKS for z in range(x + 1, y)):
                continue
            runs.append((s, x + 1))
            s = y
        runs.append((s, propn[-1] + 1))
        s, e = max(runs, key=lambda r: (r[1] - r[0], -r[0]))
        while s > a and capitalised_word(toks[s - 1]):
            s -= 1
        while e < b and capitalised_word(toks[e]):
            e += 1
        names.append((s, e, t))
    labels = ["O"] * n
    for s, e, t in sorted(names, key=lambda r: (-(r[1] - r[0]), r[0])):
        if any(labels[k] != "O" for k in range(s, e)):
            continue
        labels[s] = "B-" + t
        for k in range(s + 1, e):
            labels[k] = "I-" + t
    words = [f for f, u, _ in toks if u != "PUNCT"]
    lower = sum(1 for f in words if f[:1].islower())
    for k, (form, upos, _) in enumerate(toks):
        if (labels[k] == "O" and upos == "ADJ" and form[:1].isupper() and k > 0 and
                NATIONALITY.search(form) and 2 * lower > len(words)):
            labels[k] = "B-MISC"
    return labels


def convert(path, out):
    out.write("-DOCSTART- -X- -X- O\n\n")
    toks = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if toks:
                    for (form, upos, _), lab in zip(toks, sentence_labels(toks)):
                        out.write("%s %s _ %s\n" % (form.replace(" ", "_"), upos, lab))
                    out.write("\n")
                toks = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 10 or not cols[0].isdigit():   # multiword tokens, empty nodes
                continue
            toks.append((cols[1], cols[3], cols[9]))


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("train", "dev"):
        sys.stderr.write("usage: gum_conll.py GUM_DIR train|dev\n")
        return 2
    gum_dir, split = sys.argv[1], sys.argv[2]
    lists = split_docs(gum_dir)
    held = lists.get("dev", set()) | lists.get("test", set())
    for name in sorted(os.listdir(gum_dir)):
        if not name.startswith("GUM_") or not name.endswith(".conllu"):
            continue
        doc = name[:-len(".conllu")]
        if (split == "dev") != (doc in lists.get("dev", set())):
            continue
        if split == "train" and doc in held:
            continue
        convert(os.path.join(gum_dir, name), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
