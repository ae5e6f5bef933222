#!/usr/bin/env python3
"""Builds the language-detection evaluation set from ../shared/data, on stdout.

One line per text: `label<TAB>group<TAB>text`, the text with backslash,
tab and newline escaped (\\\\, \\t, \\n). Nothing here was used to tune the
detector: the library's own models decide, and the only choices made (the
examined prefix, the English gate's threshold) are fixed in lang.h before
this set was read.

  en  polnear-dev   84 PolNeAR dev articles (US political news, 2016)
  en  gum           239 GUM documents (14 genres, news excluded), sentences joined
  en  ud-ewt-dev    UD EWT dev sentences of >= 40 bytes (web text; short texts)
  en  webextract    gold main text of the English webextract pages (>= 200 bytes)
  xx  webextract    the 15 non-English pages of Mozilla's Readability tests,
                    labelled by reading them (their <html lang> is wrong for one)
  xx  written       short news-style samples in de fr es ru it pt nl written for
                    this set (three each)

  /usr/bin/python3 scripts/lang_eval_set.py > /tmp/lang-eval.tsv
"""
import glob
import gzip
import json
import os
import sys

DATA = os.environ.get("NEWSENRICH_DATA",
                      os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))

# Readability test pages in other languages, labelled by reading their text.
# liberation-1 says <html lang="en"> but is French.
NON_ENGLISH_PAGES = {
    "aktualne": "cs", "heise": "de", "cnet-svg-classes": "es", "folha": "pt",
    "la-nacion": "es", "nytimes-5": "es", "lemonde-1": "fr", "liberation-1": "fr",
    "videos-2": "fr", "gmw": "zh", "pixnet": "zh", "qq": "zh", "youth": "zh",
    "yahoo-4": "ja", "hukumusume": "ja",
}
# Test fixtures of Readability that are Lorem ipsum or a few words, not language.
SKIP_PAGES = {"basic-tags-cleaning", "dev418", "rtl-1", "rtl-2", "rtl-3", "rtl-4",
              "social-buttons", "svg-parsing", "remove-extra-brs", "remove-extra-paragraphs",
              "remove-script-tags", "replace-brs", "replace-font-tags", "style-tags-removal",
              "comment-inside-script-parsing", "normalize-spaces", "003-metadata-preferred",
              "004-metadata-space-separated-properties", "metadata-content-missing",
              "parsely-metadata", "base-url", "base-url-base-element",
              "base-url-base-element-relative", "embedded-videos", "title-and-h1-discrepancy",
              "title-en-dash", "hidden-nodes", "visibility-hidden", "remove-aria-hidden",
              "005-unescape-html-entities", "invalid-attributes", "js-link-replacement",
              "lazy-image-3", "ol", "reordering-paragraphs"}

WRITTEN = [
    ("de", "Die Bundesregierung hat am Mittwoch neue Hilfen für Unternehmen beschlossen, die unter den hohen Energiepreisen leiden. Finanzminister Lindner sagte, das Paket werde rund zehn Milliarden Euro kosten."),
    ("de", "„Wir werden die Zusage einhalten“, sagte der Kanzler nach dem Treffen in Brüssel. Interne Dokumente zeigen jedoch, dass das Ministerium schon im Frühjahr Zweifel hatte."),
    ("de", "Nach dem Unwetter sind in Bayern mehrere Straßen gesperrt. Die Polizei bittet Autofahrer, die betroffenen Gebiete weiträumig zu umfahren."),
    ("fr", "Le gouvernement a présenté mercredi un projet de loi destiné à réduire la dépense publique. Selon le ministre de l'Économie, les économies atteindront douze milliards d'euros d'ici à 2026."),
    ("fr", "« Nous ne céderons pas », a déclaré le président lors d'une conférence de presse à l'Élysée, avant de rencontrer les représentants des syndicats."),
    ("fr", "Les pompiers sont intervenus toute la nuit pour maîtriser l'incendie qui a ravagé plusieurs hectares de forêt dans le sud du pays."),
    ("es", "El Gobierno aprobó este martes una reforma de las pensiones que, según el ministro, garantizará la sostenibilidad del sistema durante las próximas décadas."),
    ("es", "«No vamos a permitir que esto vuelva a ocurrir», afirmó la alcaldesa tras la reunión con los vecinos afectados por las inundaciones."),
    ("es", "La policía detuvo a tres personas en relación con el robo de obras de arte en un museo de Sevilla, informaron fuentes de la investigación."),
    ("ru", "Президент России Владимир Путин провёл в среду переговоры с главой правительства Китая. Стороны обсудили торговлю и поставки энергоносителей."),
    ("ru", "«Мы не допустим повторения подобных событий», заявил министр иностранных дел на пресс-конференции в Москве."),
    ("ru", "В Санкт-Петербурге из-за сильного ветра отменены десятки рейсов, сообщила пресс-служба аэропорта Пулково."),
    ("it", "Il governo ha approvato ieri il decreto sulle infrastrutture, che prevede investimenti per otto miliardi di euro nei prossimi tre anni, ha annunciato il ministro."),
    ("it", "«Non accetteremo compromessi», ha detto il sindaco di Milano durante la conferenza stampa convocata dopo l'incidente."),
    ("it", "Le forti piogge hanno provocato frane e allagamenti in diverse regioni del nord, dove la protezione civile ha diramato l'allerta rossa."),
    ("pt", "O governo anunciou nesta quarta-feira um novo pacote de medidas para conter a inflação, que atingiu o nível mais alto dos últimos cinco anos."),
    ("pt", "“Não vamos recuar”, disse o ministro da Fazenda em entrevista coletiva em Brasília, ao comentar as críticas do Congresso."),
    ("pt", "As fortes chuvas causaram deslizamentos de terra em várias cidades do litoral, e a Defesa Civil pediu que os moradores deixassem as áreas de risco."),
    ("nl", "Het kabinet heeft woensdag een nieuw pakket maatregelen gepresenteerd om de woningnood aan te pakken. Volgens de minister worden er jaarlijks honderdduizend huizen gebouwd."),
    ("nl", "„We gaan hier niet mee akkoord”, zei de burgemeester van Amsterdam na afloop van het overleg met de politie."),
    ("nl", "Door de storm zijn op Schiphol tientallen vluchten geannuleerd, meldt de luchthaven op haar website."),
]


def emit(label, group, text):
    text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")
    sys.stdout.write(f"{label}\t{group}\t{text}\n")


def open_any(path):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")


def conllu_texts(path):
    doc = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("# text = "):
            doc.append(line[len("# text = "):].rstrip("\n"))
    return doc


def main():
    if not os.path.isdir(DATA):
        sys.exit(f"lang_eval_set: no data at {DATA}")
    for line in open(os.path.join(DATA, "polnear", "dev.jsonl"), encoding="utf-8"):
        emit("en", "polnear-dev", json.loads(line)["text"])
    for path in sorted(glob.glob(os.path.join(DATA, "gum", "*.conllu"))):
        emit("en", "gum", " ".join(conllu_texts(path)))
    for sent in conllu_texts(os.path.join(DATA, "ud_ewt", "en_ewt-ud-dev.conllu")):
        if len(sent.encode()) >= 40:
            emit("en", "ud-ewt-dev", sent)
    for path in sorted(glob.glob(os.path.join(DATA, "webextract", "*.jsonl*"))):
        for line in open_any(path):
            d = json.loads(line)
            name = d["id"].split("/", 1)[-1]
            if d["dataset"] == "readability" and name in NON_ENGLISH_PAGES:
                emit(NON_ENGLISH_PAGES[name], "webextract", d["text"])
            elif d["dataset"] == "readability" and name in SKIP_PAGES:
                continue
            elif d["text"].lstrip().startswith("Lorem ipsum"):
                continue   # placeholder text in two pages: no language
            elif len(d["text"].encode()) >= 200:
                emit("en", "webextract", d["text"])
    for label, text in WRITTEN:
        emit(label, "written", text)


if __name__ == "__main__":
    main()
