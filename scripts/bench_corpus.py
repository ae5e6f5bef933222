#!/usr/bin/env python3
"""bench_corpus — the corpora of `make bench` (scripts/bench.sh).

  bench_corpus.py POLNEAR_DIR OUT_DIR [--articles N] [--synthetic N]

Writes, unless already there with the same parameters:
  OUT_DIR/polnear-varied.jsonl  the PolNeAR train + dev articles repeated and
      varied to N records (default 50,000): every copy gets its own id, a
      dateline of its own ("OSLO, March 3 (Wire 17) -- ") and light word
      substitutions (about one word in sixty), so dedup sees near
      duplicates, not exact ones (an exact duplicate skips most of the
      chain and would inflate the figure). Copy 0 of each article is the
      original text.
  OUT_DIR/synthetic.jsonl  N generated news-like articles (default 20,000;
      people, places, organisations, direct and indirect quotes, 6 to 14
      paragraphs), for scale.
Deterministic: same arguments, same bytes.
"""
import json
import random
import re
import sys
from pathlib import Path

SUBST = {
    "big": "large", "large": "big", "also": "too", "said": "said", "start": "begin",
    "began": "started", "buy": "purchase", "help": "assist", "show": "reveal",
    "quick": "fast", "fast": "quick", "many": "numerous", "often": "frequently",
    "important": "significant", "major": "key", "new": "fresh", "old": "former",
    "people": "residents", "week": "weekend", "month": "season", "year": "term",
    "very": "highly", "small": "minor", "hard": "difficult", "get": "obtain",
}
CITIES = ["OSLO", "LISBON", "NAIROBI", "QUITO", "RIGA", "SEOUL", "TUNIS", "VIENNA", "DENVER",
          "AUSTIN", "BOSTON", "CHICAGO", "LAGOS", "LIMA", "PERTH", "DUBLIN", "MADRID", "ATHENS"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WORD = re.compile(r"[A-Za-z]+")


def vary(text, rng):
    def sub(m):
        w = m.group(0)
        r = SUBST.get(w)
        if r and rng.random() < 0.35:
            return r
        return w
    return WORD.sub(sub, text)


def polnear(src, dst, n):
    docs = []
    for split in ("train", "dev"):
        for line in open(src / f"{split}.jsonl", encoding="utf-8"):
            d = json.loads(line)
            docs.append(d)
    rng = random.Random(8)
    with open(dst, "w", encoding="utf-8") as out:
        for i in range(n):
            d = docs[i % len(docs)]
            copy = i // len(docs)
            body, title = d["text"], d.get("title")
            if copy:
                dateline = (f"{CITIES[rng.randrange(len(CITIES))]}, {MONTHS[i % 12]} "
                            f"{1 + i % 28} (Wire {copy}) -- ")
                body = dateline + vary(body, rng)
                title = vary(title, rng) if title else title
            out.write(json.dumps({"id": f"{d['doc_id']}#{copy}", "title": title,
                                  "source": d.get("publisher"), "body": body}) + "\n")


FIRST = ["Anna", "Boris", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
         "Kofi", "Lena", "Marta", "Nikolai", "Olga", "Pedro", "Rosa", "Samir", "Tomas", "Yuki"]
LAST = ["Keller", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka", "Varga",
        "Weber", "Mendes", "Haddad", "Larsen", "Ibrahim", "Kowalski", "Moreau", "Fischer"]
PLACES = ["Lisbon", "Nairobi", "Oslo", "Quito", "Riga", "Seoul", "Tunis", "Utrecht", "Vienna",
          "Denver", "Lagos", "Lima", "Perth", "Dublin", "Madrid", "Athens"]
ORGS = ["the Harbour Authority", "the Central Bank", "the Transport Ministry", "Nordwind AG",
        "the University of Riga", "the City Council", "the Red Cross", "the Energy Agency",
        "Helios Systems", "the Supreme Court", "the Teachers' Union", "Atlas Shipping"]
TOPICS = ["the budget", "the new bridge", "fuel prices", "the election", "the port expansion",
          "school funding", "the drought", "rail fares", "the housing plan", "the strike"]
VERBS = ["said", "told reporters", "added", "warned", "insisted", "argued", "claimed"]
FILLER = ("Officials met on Tuesday to discuss {t}, which has divided {o} for months. "
          "The debate in {p} drew hundreds of residents, many of whom had waited since "
          "early morning. Critics say the plan costs too much and helps too few, while "
          "supporters point to figures released last week. ")


def synthetic(dst, n):
    rng = random.Random(21)
    with open(dst, "w", encoding="utf-8") as out:
        for i in range(n):
            people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
            place, org, topic = rng.choice(PLACES), rng.choice(ORGS), rng.choice(TOPICS)
            paras = [f"{place.upper()} -- {people[0]} of {org} spoke on {topic} on day {i}."]
            for k in range(rng.randrange(6, 15)):
                who = rng.choice(people)
                r = rng.random()
                if r < 0.35:
                    paras.append(f"\u201cWe will not accept {topic} in its current form,\u201d "
                                 f"{who} {rng.choice(VERBS)}. \u201cThe people of {place} "
                                 f"deserve better than case {i}-{k}.\u201d")
                elif r < 0.6:
                    paras.append(f"{who} {rng.choice(VERBS)} that {org} would review {topic} "
                                 f"before the end of the year, item {i}-{k}.")
                else:
                    paras.append(FILLER.format(t=topic, o=org, p=place) + f"Reference {i}-{k}.")
            out.write(json.dumps({"id": f"syn-{i}", "title": f"{people[0]} on {topic} ({i})",
                                  "source": "synthetic", "body": "\n\n".join(paras)}) + "\n")


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = Path(args[0]), Path(args[1])
    n_pol, n_syn = 50000, 20000
    if "--articles" in args:
        n_pol = int(args[args.index("--articles") + 1])
    if "--synthetic" in args:
        n_syn = int(args[args.index("--synthetic") + 1])
    dst.mkdir(parents=True, exist_ok=True)
    stamp = dst / "params"
    want = f"v1 {n_pol} {n_syn}\n"
    if stamp.exists() and stamp.read_text() == want and (dst / "polnear-varied.jsonl").exists() \
            and (dst / "synthetic.jsonl").exists():
        return 0
    polnear(src, dst / "polnear-varied.jsonl", n_pol)
    synthetic(dst / "synthetic.jsonl", n_syn)
    stamp.write_text(want)
    return 0


if __name__ == "__main__":
    sys.exit(main())
