#!/usr/bin/env python3
"""given_names.py — models/given_names.tsv, the gender hints of common
given names, from the US Census Bureau's 1990 first-name lists.

Source: the PyPI package `names` 0.3.0 (MIT licence, Trey Hunner), which
carries the Census files dist.male.first (1,219 names) and
dist.female.first (4,275), public domain. Each row there is a name and its
share, in per cent, of the men (women) counted. A name becomes a hint when
one sex holds at least SHARE of its combined share (men and women were
counted in about equal numbers, so the shares compare): "Mandy" F, "Colin"
M; "Jean" (0.90 F, and a man's name in French Canada), "Robin", "Leslie",
"Lee", "Chris" and "Jordan" stay without one. A name more frequent as a
surname (dist.all.last, same file) gets none either: news writes Chinese
names surname first ("Lu Kang", "Li Keqiang"; Lu and Li are in the
women's list), and "Grant", "May" or "Young" open names of either sex.
Names under 0.002 per cent in both lists are left out: the lists print
three decimals, so 0.001 against 0 says nothing about a name's sex.

The entities stage reads the hints only for the gender of a person it has
already found, from the first word of a full name ("Mandy Gallear"), and
only when models/gazetteer.tsv's own MALE/FEMALE lists do not name the
word; they never make a word a name or a person (entities_gazetteer.c).

Usage: given_names.py [DIR]   DIR holds dist.male.first,
dist.female.first and dist.all.last; default: the installed `names` package
(scripts/install-deps.sh --train). Writes the table to stdout, sorted, so
the same source gives the same bytes.
"""
import os
import sys

SHARE = 0.95
MIN_PERCENT = 0.002   # the lists' last digit: 0.001 against 0 says nothing


def load(path):
    out = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].isalpha():
                out[parts[0].capitalize()] = float(parts[1])
    return out


def main():
    if len(sys.argv) > 1:
        src = sys.argv[1]
    else:
        try:
            import names  # noqa: the data files sit beside the module
        except ImportError:
            sys.exit("given_names.py: the PyPI package names==0.3.0 is not installed "
                     "(scripts/install-deps.sh --train)")
        src = os.path.dirname(names.__file__)
    male = load(os.path.join(src, "dist.male.first"))
    female = load(os.path.join(src, "dist.female.first"))
    surname = load(os.path.join(src, "dist.all.last"))
    print("# given_names.tsv — gender hints of given names (tools/given_names.py; make given-names)")
    print("# source: US Census 1990 first names (public domain), via PyPI names 0.3.0 (MIT);")
    print("# a name is listed when one sex holds >= %.2f of its combined share and it is" % SHARE)
    print("# more frequent as a given name than as a surname, and at least %.3f per cent" % MIN_PERCENT)
    rows = []
    for name in sorted(set(male) | set(female)):
        m, f = male.get(name, 0.0), female.get(name, 0.0)
        if max(m, f) < MIN_PERCENT or max(m, f) <= surname.get(name, 0.0):
            continue
        if m >= SHARE * (m + f):
            rows.append((name, "M"))
        elif f >= SHARE * (m + f):
            rows.append((name, "F"))
    for name, g in rows:
        print("%s\t%s" % (name, g))


if __name__ == "__main__":
    main()
