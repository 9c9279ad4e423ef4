"""Training data for the transformer reader: (question, window) pairs with the answer span, or none.

    .venv/bin/python scripts/reader_data.py [--out .cache/reader]

A window is what the reader sees at answer time: a statement of the text with the statement before and after it
(`qa.answer.candidates.Candidate.before/after`). Rows, each with its article as the fold group:

- "gold": the window around the statement that holds the gold answer (span given);
- "shifted": the window around a neighbour statement that still holds the whole answer (span given) — the selector
  sometimes picks the sentence next to the answer;
- "other": a window of the same article without the answer (label 0);
- "swap_<kind>": the question with one constraint (a year, a number, a name, a noun) swapped for a value of the
  same type that occurs elsewhere in the same corpus but not in the article, paired with the gold window (label 0)
  — SQuAD 2.0's recipe for unanswerable questions that look answerable; kept only when no context of the corpus
  holds both the new value and the gold answer.

Data: CMRC 2018 trial (CC BY-SA 4.0, Cui et al. 2019) and DRCD dev (CC BY-SA 3.0, Shao et al. 2018). Held out for
validation: the last 40 DRCD dev articles (the Traditional corpus `qa eval` is measured on) and every fifth CMRC
article (by position). The CMRC 2018 dev set and the DRCD test set are never read.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.evaluate.reading import parse_reading_set
from qa.segment.tokenizer import get_segmenter
from qa.text import split_statements

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
DRCD_VALID_ARTICLES = 40
CMRC_VALID_EVERY = 5
#: Per question at most this many "other" windows (the article's sentences without the answer).
OTHERS_PER_QUESTION = 2
YEAR = re.compile(r"(?<!\d)(1[5-9]\d{2}|20\d{2})(?!\d)")
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
#: jieba POS tags of the names a swap may replace (places, people, organisations, other proper nouns).
NAME_TAGS = ("ns", "nr", "nt", "nz", "nrt", "nrfg")
NOUN_TAGS = ("n", "vn")


@dataclass
class Row:
    group: str
    corpus: str
    split: str
    question: str
    window: str
    start: int
    end: int
    label: int
    made: str


def statement_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each statement of the text, in order (statements found again in the text)."""
    spans, at = [], 0
    for s in split_statements(text):
        begin = text.find(s, at)
        if begin < 0:
            continue
        spans.append((begin, begin + len(s)))
        at = begin + len(s)
    return spans


def window_of(text: str, spans: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """Character range of statement i with the statements before and after it."""
    return spans[max(0, i - 1)][0], spans[min(len(spans) - 1, i + 1)][1]


def typed_words(text: str) -> list[tuple[str, str, int]]:
    """(word, kind, start) of the years, numbers, names and nouns of a text (tagged as Simplified characters)."""
    found: list[tuple[str, str, int]] = []
    for m in YEAR.finditer(text):
        found.append((m.group(), "year", m.start()))
    years = {m.start() for m in YEAR.finditer(text)}
    for m in NUMBER.finditer(text):
        if m.start() not in years:
            found.append((m.group(), "number", m.start()))
    at = 0
    for word, flag in get_segmenter().tagged(text):
        if len(word) > 1 and not any(ch.isdigit() for ch in word):
            if flag in NAME_TAGS:
                found.append((word, "name", at))
            elif flag in NOUN_TAGS:
                found.append((word, "noun", at))
        at += len(word)
    return found


def swapped(question: str, context: str, answer: str, pool: dict[str, list[str]], contexts: list[str],
            rng: random.Random) -> tuple[str, str] | None:
    """The question with one constraint swapped for a same-type value of another article (and the kind), when
    the value is absent from this article and no context holds it together with the answer."""
    constraints = [w for w in typed_words(question) if w[0] in context and w[0] not in answer]
    rng.shuffle(constraints)
    for word, kind, start in constraints:
        values = pool.get(kind, [])
        for _ in range(12):
            if not values:
                break
            value = rng.choice(values)
            if kind == "year":
                value = str(int(word) + rng.choice((-3, -2, -1, 1, 2, 3)))
            if value == word or value in context or len(value) > 12:
                continue
            if any(value in c and answer in c for c in contexts):
                continue
            return question[:start] + value + question[start + len(word):], kind
    return None


def rows_of(name: str, path: Path, valid_articles: set[str], rng: random.Random) -> list[Row]:
    reading = parse_reading_set(path.read_text(encoding="utf-8"))
    texts = {c.id: c.text for c in reading.contexts}
    contexts = list(texts.values())
    pool: dict[str, list[str]] = {}
    for c in reading.contexts:
        for word, kind, _ in typed_words(c.text[:600]):
            pool.setdefault(kind, []).append(word)
    rows: list[Row] = []
    for q in reading.questions:
        context_id = reading.context_of[q.id]
        text = texts[context_id]
        article = context_id.rsplit("-", 1)[0] if name == "drcd" else context_id
        split = "valid" if article in valid_articles else "train"
        answer = next((a for a in q.answer_any if a and a in text), None)
        if answer is None:
            continue
        at = text.find(answer)
        spans = statement_spans(text)
        holding = [i for i, (s, e) in enumerate(spans) if s <= at < e]
        if not holding:
            continue
        gold = holding[0]
        for i, made in ((gold, "gold"), (gold - 1, "shifted"), (gold + 1, "shifted")):
            if not 0 <= i < len(spans):
                continue
            ws, we = window_of(text, spans, i)
            if ws <= at and at + len(answer) <= we and (made == "gold" or rng.random() < 0.5):
                rows.append(Row(article, name, split, q.q, text[ws:we], at - ws, at - ws + len(answer), 1, made))
        others = [i for i in range(len(spans)) if abs(i - gold) > 1]
        for i in rng.sample(others, min(OTHERS_PER_QUESTION, len(others))):
            ws, we = window_of(text, spans, i)
            if answer not in text[ws:we]:
                rows.append(Row(article, name, split, q.q, text[ws:we], -1, -1, 0, "other"))
        swap = swapped(q.q, text, answer, pool, contexts, rng)
        if swap is not None:
            ws, we = window_of(text, spans, gold)
            rows.append(Row(article, name, split, swap[0], text[ws:we], -1, -1, 0, f"swap_{swap[1]}"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "reader")
    args = parser.parse_args()
    rng = random.Random(19)
    drcd = json.loads((SHARED / "drcd_dev.json").read_text(encoding="utf-8"))["data"]
    drcd_valid = {p["id"].rsplit("-", 1)[0] for a in drcd[-DRCD_VALID_ARTICLES:] for p in a["paragraphs"]}
    cmrc = json.loads((SHARED / "cmrc2018_trial.json").read_text(encoding="utf-8"))
    cmrc_valid = {c["context_id"] for i, c in enumerate(cmrc) if i % CMRC_VALID_EVERY == 0}
    rows = (rows_of("cmrc", SHARED / "cmrc2018_trial.json", cmrc_valid, rng)
            + rows_of("drcd", SHARED / "drcd_dev.json", drcd_valid, rng))
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "valid"):
        with open(args.out / f"{split}.jsonl", "w", encoding="utf-8") as f:
            for row in rows:
                if row.split == split:
                    f.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        counts[f"{row.split}:{row.corpus}:{row.made}"] = counts.get(f"{row.split}:{row.corpus}:{row.made}", 0) + 1
    print(json.dumps(dict(sorted(counts.items())), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
