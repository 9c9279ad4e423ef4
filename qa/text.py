"""The text conventions every stage shares: normal forms, punctuation, sentences, clauses and heading patterns.

One module so that ingest (cutting passages), segment (tokens), answer (spans) and evaluate (answer keys) agree
on what a sentence is and when two strings are "the same" — a second normaliser elsewhere would make an answer
key match in one stage and miss in another.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

import opencc

#: CJK ideographs, radicals, kana, CJK and full-width punctuation: written without spaces around them.
CJK_CHARS = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_IS_CJK = re.compile(rf"[{CJK_CHARS}]")
_WHITESPACE = re.compile(r"\s+")

#: Characters that end a sentence, and the closing quotes/brackets that may follow them.
SENTENCE_END = "。！？!?"
CLOSING_AFTER_END = "”’」』）)"
#: Characters after which a sentence may be cut into clauses (outside brackets and quotes).
CLAUSE_BREAK = "，,；;：:"
#: Where a clause ends, a sentence's end included: a name's own clause holds its figure.
CLAUSE_END = re.compile(rf"[{CLAUSE_BREAK}{SENTENCE_END}]")
#: Softer sentence breaks, used to cut an overlong sentence (then clause breaks, then spaces, then anywhere).
SOFT_BREAK = "；;"
OPEN_BRACKETS = "（(《“‘「【"
CLOSE_BRACKETS = "）)》”’」】"
#: Punctuation an extracted span may end with; an answer is closed with "。" instead.
TRAILING_PUNCT = "。！？!?；;，,：:"

_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}]+[{CLOSING_AFTER_END}]*|$)")
#: Brackets a sentence end inside of does not end the sentence: a title "《CDTV×Sacas！》", a note "（见下！）".
#: Quotes are not among them: a quote often holds whole sentences of its own.
_ENCLOSING = {"《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】"}
#: An opening bracket not closed within this many characters is a stray one (damaged extraction): ignored.
MAX_ENCLOSED_CHARS = 60
#: Ever finer places to cut an overlong sentence: after a semicolon, a clause break or "、", a space.
_CUTS = tuple(re.compile(rf"[^{chars}]*(?:[{chars}]+|$)") for chars in (SOFT_BREAK, CLAUSE_BREAK + "、", r"\s"))
_CLOSED_QUOTE = re.compile(rf"[{SENTENCE_END}][{CLOSING_AFTER_END}]+$")

#: Heading and block patterns of Chinese reports (numbering conventions, not any one report's wording).
CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")
SECTION = re.compile(r"^\d{1,2}[\.．、](?!\d)")
LIST_ITEM = re.compile(r"^([一二三四五六七八九十])是")  # group 1: the item's number
SUB_ITEM = re.compile(r"^[(（](\d+)[)）]")
CAPTION = re.compile(r"^图\s*(\d+)\s*(.+)$")
TABLE_TITLE = re.compile(r"^表\s*(\d+)\s*(.+)$")
FIGURE_POINTER = re.compile(r"[如见][图表]\d+")
#: "2,173": a comma between digit groups separates thousands; it does not end a clause.
_THOUSANDS_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def without_thousands_separators(text: str) -> str:
    """The text with "2,173" written "2173": what is left of its commas are clause breaks."""
    return _THOUSANDS_SEPARATOR.sub("", text)


def nfkc(text: str) -> str:
    """Compatibility forms unified: full-width digits and letters become ASCII, ligatures split."""
    return unicodedata.normalize("NFKC", text)


#: CJK ideographs whose Traditional form OpenCC (t2s) maps to another single character (3,761 of them).
_IDEOGRAPHS = (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))


@lru_cache(maxsize=1)
def _simplified_chars() -> dict[int, str]:
    """Traditional character → its Simplified character, one character for one (OpenCC's t2s table applied to
    each ideograph alone; ~80 ms once). Character for character, so a text keeps its length and every offset in
    it — unlike phrase conversion (tw2sp: 軟體 → 软件), which would move spans away from the verbatim text."""
    chars = [chr(c) for c in _IDEOGRAPHS]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {ord(t): s for t, s in zip(chars, converted) if t != s and len(s) == 1}


def simplified_chars(text: str) -> str:
    """The text with every Traditional character replaced by its Simplified one (same length, same offsets):
    the script a Traditional passage and a Simplified question are matched in ("擴張" and "扩张" alike)."""
    return text.translate(_simplified_chars())


def traditional_share(text: str) -> float:
    """Share of the text's CJK ideographs that are Traditional forms (0 for Simplified text; ~0.2 for Taiwan
    Wikipedia text): tells a corpus or a question written in Traditional script."""
    table = _simplified_chars()
    ideographs = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    return sum(ord(ch) in table for ch in ideographs) / len(ideographs) if ideographs else 0.0


def fold(text: str) -> str:
    """`nfkc`, lower case and Simplified characters (`simplified_chars`); whitespace kept. Every stage compares
    text in this form, so a corpus in either script answers questions in either script."""
    return simplified_chars(nfkc(text).lower())


def key_form(text: str) -> str:
    """NFKC, lower case, no whitespace — the script kept: the form answer keys are scored in
    (../shared/NOTES.md), so a Simplified answer never passes for a Traditional key."""
    return _WHITESPACE.sub("", nfkc(text).lower())


def f1_chars(text: str) -> list[str]:
    """Characters compared by char-F1: NFKC, lowercase, without punctuation, separators, controls or whitespace
    (the script kept, as in `key_form`)."""
    text = nfkc(text).lower()
    return [ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith(("P", "Z", "C"))]


def char_f1(prediction: str, reference: str) -> float:
    """Character-level F1 as in CMRC 2018 / SQuAD-zh: overlap of the two character multisets (the evaluation
    scores short answers with it; the answer layer uses it to tell whether two phrases agree)."""
    pred, ref = f1_chars(prediction), f1_chars(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


@lru_cache(maxsize=1 << 16)
def normal_form(text: str) -> str:
    """`fold` without any whitespace: the form in which answer keys, evidence and question terms are compared."""
    return _WHITESPACE.sub("", fold(text))


def is_cjk(char: str) -> bool:
    """True for CJK ideographs and full-width punctuation."""
    return bool(_IS_CJK.match(char))


def _cut(text: str, start: int, end: int, max_chars: int, level: int = 0) -> list[tuple[int, int]]:
    """(start, end) pieces of `text[start:end]`, none longer than `max_chars`: cut at the coarsest break that
    does it; without any break (a 20,000-character line), every `max_chars` characters."""
    if end - start <= max_chars:
        return [(start, end)]
    if level == len(_CUTS):
        return [(s, min(s + max_chars, end)) for s in range(start, end, max_chars)]
    pieces: list[tuple[int, int]] = []
    for m in _CUTS[level].finditer(text, start, end):
        if m.end() > m.start():
            pieces.extend(_cut(text, m.start(), m.end(), max_chars, level + 1))
    return pieces


def _enclosed(text: str) -> list[tuple[int, int]]:
    """(open, close) positions of the bracketed stretches of `text` (outermost only, each closed within
    MAX_ENCLOSED_CHARS)."""
    found: list[tuple[int, int]] = []
    at = 0
    while at < len(text):
        closing = _ENCLOSING.get(text[at])
        end = text.find(closing, at + 1, at + 1 + MAX_ENCLOSED_CHARS) if closing else -1
        if end > 0:
            found.append((at, end))
            at = end
        at += 1
    return found


def _raw_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by end punctuation, with the pieces a bracketed stretch cut apart joined again."""
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.start() < m.end()]
    enclosed = _enclosed(text)
    if not enclosed:
        return spans
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and any(a < joined[-1][1] - 1 < b for a, b in enclosed):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def sentence_spans(text: str, offset: int = 0, max_chars: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence, shifted by `offset`; a sentence longer than `max_chars` is cut into
    pieces no longer than that (at semicolons, else clause breaks, else spaces, else anywhere)."""
    spans: list[tuple[int, int]] = []
    for start, end in _raw_sentences(text):
        pieces = _cut(text, start, end, max_chars) if max_chars is not None else [(start, end)]
        spans.extend((offset + s, offset + e) for s, e in pieces)
    return spans


def split_sentences(text: str) -> list[str]:
    """The non-blank sentences of `text`, verbatim."""
    return [text[s:e] for s, e in sentence_spans(text) if text[s:e].strip()]


def _split_after(sentence: str, breaks: str) -> list[str]:
    """Cut a sentence after each of `breaks` that is not inside brackets or quotes."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(sentence):
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif ch in breaks and depth == 0 and not _THOUSANDS_SEPARATOR.match(sentence, i):
            out.append(sentence[start:i + 1])
            start = i + 1
    if start < len(sentence):
        out.append(sentence[start:])
    return [c for c in out if c.strip()]


def clauses(sentence: str) -> list[str]:
    """Cut a sentence after each clause break that is not inside brackets or quotes."""
    return _split_after(sentence, CLAUSE_BREAK)


def split_statements(text: str) -> list[str]:
    """The units an answer quotes: sentences, cut again after each semicolon outside brackets — in Chinese a
    "；" joins statements that each stand alone ("全国…新增44家；全国获得过风险投资的…1259家"), so one long
    sentence does not carry several facts into every answer that needs only one."""
    return [part for sentence in split_sentences(text) for part in _split_after(sentence, SOFT_BREAK)]


def close_sentence(text: str) -> str:
    """A span cut at a comma ends with "。" instead; a sentence closed inside a quote or bracket stays as it is."""
    text = text.strip()
    if _CLOSED_QUOTE.search(text):
        return text
    return (text.rstrip(TRAILING_PUNCT) or text) + "。"


#: A Latin code written before the Chinese word it qualifies: the round of "D轮", "B+轮", "pre-A轮".
CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\+?)(?=[\u4e00-\u9fff])([\u4e00-\u9fff])")


def coded_words(text_norm: str) -> set[str]:
    """The coded words of a normal-form text ("d轮", "b+轮"): code and the Chinese character it qualifies."""
    return {code + head for code, head in CODE.findall(text_norm)}


def as_written(word: str, text: str) -> str:
    """`word`, found case-insensitively in `text`, as `text` writes it ("gdp" in "…GDP的比重" → "GDP"): the answer
    layer compares folded words, but a message should name the user's own word. When the whole word is not there
    (a group the question wrote in short: "c轮及以后" of "C轮以后"), each Latin word of it as `text` writes that word."""
    at = text.lower().find(word.lower())
    if len(text.lower()) != len(text):
        return word
    if at < 0:
        return _LATIN_RUN.sub(lambda run: _written_run(run.group(), text), word)
    return text[at:at + len(word)]


_LATIN_RUN = re.compile(r"[A-Za-z]+")


def _written_run(run: str, text: str) -> str:
    """A Latin word as `text` writes it standing alone (not inside a longer word), else as it is."""
    found = re.search(rf"(?<![A-Za-z]){re.escape(run)}(?![A-Za-z])", text, re.IGNORECASE)
    return found.group() if found else run
