"""Names in a question that the corpus spells differently: a one-character typo (寒五纪 → 寒武纪), a same-sound
character (第四范试 → 第四范式), or pinyin for a Chinese name (Haidian → 海淀).

Why: a question naming something the corpus never mentions is refused ("报告中没有关于…的内容"), so an
uncorrected typo turns an answerable question into a refusal, and it also misses the name in retrieval. A name
is corrected only to a word of the corpus's own vocabulary (the lexical index's terms), so nothing outside the
corpus is ever introduced; an absent name with no close corpus word still refuses.
Matching: same toneless pinyin (pypinyin) for any length — for a two-character word only when jieba's dictionary
lacks both it and the corpus word (矿视 → 旷视: a name); edit distance 1 (rapidfuzz) for names of at least
`MIN_EDIT_CHARS` characters — on two-character words one edit is too loose (上市 vs 上海); and for a noun jieba's
dictionary lacks, the only corpus word one character away whose differing character has the same pinyin initial
(海定 → 海淀: the slip of a pinyin input method; 上市 and 上海 are dictionary words, left alone). A name the
corpus lacks that may sound — in any reading, zh/ch/sh read flat — like exactly one place of the corpus is that
place, even one jieba's dictionary knows (潮阳, a town in Guangdong, → 朝阳, which reads zhao or chao).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Protocol

from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from qa.segment.tokenizer import WEAK_NAME_TAGS, Segmenter
from qa.text import fold, is_cjk

MIN_EDIT_CHARS = 3
#: Lengths of the question's character windows checked by sound: jieba cuts a misspelt name into pieces
#: ("寒五纪" → 寒/五纪), so names it does not see are looked for as windows the corpus lacks.
WINDOW_CHARS = (4, 3)
_LATIN = re.compile(r"[a-z]+")


@lru_cache(maxsize=1 << 15)
def _sound(word: str) -> str:
    """Toneless pinyin of a Chinese word, or the letters of a Latin one, as one lowercase key; ü as u on both
    sides (pypinyin writes 略 "lve", people type "Minglue" for 明略)."""
    key = "".join(lazy_pinyin(word)) if any(is_cjk(ch) for ch in word) else "".join(_LATIN.findall(word.lower()))
    return key.lower().replace("v", "u")


@lru_cache(maxsize=1 << 15)
def _initial(ch: str) -> str:
    """The pinyin initial consonant of a Chinese character ("" for none: 安, 一)."""
    return pinyin(ch, style=Style.INITIALS, strict=True)[0][0]


#: Initials many speakers, and a pinyin input method's fuzzy setting, do not tell apart (曹阳 for 朝阳).
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
#: At most this many readings of one character are tried (朝: chao, zhao, zhu).
MAX_READINGS = 3


def _loose(reading: str) -> str:
    """A toneless reading with zh/ch/sh read as z/c/s."""
    for retroflex, flat in _FUZZY_INITIALS:
        if reading.startswith(retroflex):
            return flat + reading[len(retroflex):]
    return reading


@lru_cache(maxsize=1 << 15)
def _loose_sounds(word: str) -> frozenset[str]:
    """Every way the word may be read — each character's readings (heteronyms: 朝 is chao or zhao), zh/ch/sh as
    z/c/s — as keys: a misspelt place is matched whichever reading the writer had in mind."""
    keys = [""]
    for readings in pinyin(word, heteronym=True, style=Style.NORMAL):
        keys = [f"{key} {_loose(r)}" for key in keys for r in dict.fromkeys(readings[:MAX_READINGS])]
    return frozenset(keys)


def _one_off_keys(word: str) -> list[tuple[str, str, str]]:
    """One key per character that has an initial: the word around it and the initial (海淀 → (海, "", d), …)."""
    return [(word[:i], word[i + 1:], initial) for i, ch in enumerate(word) if (initial := _initial(ch))]


class Spellings:
    """The corpus vocabulary's Chinese words, indexed by sound and length for typo matching (built on first use)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.words = tuple(w for w in vocabulary if len(w) >= 2 and all(is_cjk(ch) for ch in w))

    @cached_property
    def _by_sound(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for word in self.words:
            found.setdefault(_sound(word), word)
        return found

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for word in self.words:
            found.setdefault(len(word), []).append(word)
        return found

    @cached_property
    def _by_one_off(self) -> dict[tuple[str, str, str], set[str]]:
        found: dict[tuple[str, str, str], set[str]] = {}
        for word in self.words:
            for key in _one_off_keys(word):
                found.setdefault(key, set()).add(word)
        return found

    def one_off(self, word: str) -> str | None:
        """The one corpus word that differs from this one in a single character of the same initial consonant
        (海定 → 海淀: d; the slip of a pinyin input method), or None (none, or several)."""
        close = {w for key in _one_off_keys(word) for w in self._by_one_off.get(key, ()) if w != word}
        return close.pop() if len(close) == 1 else None

    def sounding_like(self, window: str) -> str | None:
        """The corpus word of the same length that sounds exactly like this window, or None."""
        word = self._by_sound.get(_sound(window))
        return word if word is not None and len(word) == len(window) else None

    def closest(self, name: str) -> str | None:
        """The corpus word this absent name most likely means, or None."""
        same_sound = self._by_sound.get(_sound(name))
        if same_sound is not None:
            return same_sound
        if len(name) < MIN_EDIT_CHARS or not all(is_cjk(ch) for ch in name):
            return None
        match = extractOne(name, self._by_length.get(len(name), []), scorer=Levenshtein.distance, score_cutoff=1)
        return match[0] if match else None


class Vocabulary(Protocol):
    """The corpus's segmenter tokens (the lexical index provides them)."""

    def has_term(self, term: str) -> bool: ...

    def vocabulary(self) -> Iterable[str]: ...


class NameCorrector:
    """Corrects a question's names to the corpus's spelling; built once per loaded index, its vocabulary index on
    the first question that needs it."""

    def __init__(self, segmenter: Segmenter, terms: Vocabulary, in_corpus: Callable[[str], bool]) -> None:
        self._segmenter = segmenter
        self._terms = terms
        self._in_corpus = in_corpus

    def _rewrites_a_word(self, window: str, close: str) -> bool:
        """The correction is a word of jieba's dictionary and changes only one-character words of the window:
        "实验是" of "实验是什么" (实验/是) sounds like 实验室 but is no misspelt name. A misspelt name becomes a name
        (特斯连 → 特斯联, not a dictionary word), a misspelt word is wrong inside a word (圆 of 亿/美圆 → 亿美元)."""
        if not self._segmenter.in_dictionary(close):
            return False
        alone, at = set(), 0
        for word in self._segmenter.words(window):
            if len(word) == 1:
                alone.add(at)
            at += len(word)
        return all(i in alone for i, (a, b) in enumerate(zip(window, close)) if a != b)

    def _homophones(self, name: str, close: str) -> bool:
        """Two words of jieba's dictionary with no character in common: a name it knows (成都) is no misspelling of
        another word it knows that only sounds the same (程度). A misspelt name is a word it lacks (寒五纪), or the
        corpus's is (旷世 → 旷视), or the two share most of their characters (冰淇淋 → 霜淇淋)."""
        return (not set(fold(name)) & set(close) and self._segmenter.in_dictionary(fold(name))
                and self._segmenter.in_dictionary(close))

    @cached_property
    def spellings(self) -> Spellings:
        return Spellings(self._terms.vocabulary())

    @cached_property
    def _places_by_sound(self) -> dict[str, set[str]]:
        """The corpus's two-character and longer place names (`Segmenter.names_a_place`) by every loose sound."""
        found: dict[str, set[str]] = {}
        for word in self.spellings.words:
            if self._segmenter.names_a_place(word):
                for key in _loose_sounds(word):
                    found.setdefault(key, set()).add(word)
        return found

    def _place_sounding_like(self, pair: str) -> str | None:
        """The one corpus place that may sound like these two characters (曹阳, 朝杨 → 朝阳), or None."""
        close = {w for key in _loose_sounds(pair) for w in self._places_by_sound.get(key, ()) if len(w) == len(pair)}
        return close.pop() if len(close) == 1 else None

    def corrected(self, question: str) -> str:
        """The question with each name the corpus lacks replaced by the corpus word it most likely means
        ("寒五纪" → "寒武纪", "Haidian" → "海淀"); names with no close corpus word are left as asked."""
        # The corpus is searched last: a close corpus word exists for few names and windows, while a question has
        # ~90 windows and one corpus search costs ~0.5 ms at 100,000 passages even through `CorpusText`.
        for name in self._segmenter.names(question):
            if not self._terms.has_term(name):
                close = self.spellings.closest(name)
                if close is None:  # a place of the corpus read loosely: 潮阳 → 朝阳 (朝 reads zhao or chao)
                    close = self._place_sounding_like(name)
                if close is not None and not self._in_corpus(name) and not self._homophones(name, close):
                    question = re.sub(re.escape(name), close, question, flags=re.IGNORECASE)
        for word in self._rare_names(question):
            # a rare word jieba tags a person's or other name (旷世, "unrivalled": nr, dictionary count 16) that
            # sounds exactly like a name of the corpus jieba's dictionary lacks (旷视): that name misspelt
            close = self.spellings.sounding_like(word)
            if close is not None and not self._segmenter.in_dictionary(close) and not self._in_corpus(word):
                question = question.replace(word, close)
        for word, _ in self._unknown_words(question):
            # two characters of a word jieba's dictionary lacks (its HMM made it of a misspelt name: 矿视, or of one
            # with the word before it: 里清云) that sound exactly like a corpus word the dictionary lacks too (a name:
            # 旷视, 青云) — neither side a dictionary word, as "花是" of "花是什么样的" sounds like 化石 of another
            # article
            # — or like a place of the corpus, read loosely (曹阳区, 比朝杨 → 朝阳: a dialect's or a heteronym's sound)
            for pair in (word[i:i + 2] for i in range(len(word) - 1)):
                close = self.spellings.sounding_like(pair)
                if close is None or self._segmenter.in_dictionary(close):
                    close = self._place_sounding_like(pair)
                if close is not None and not self._in_corpus(pair):
                    question = question.replace(pair, close)
        for pair in self._single_character_pairs(question):
            # two one-character words that sound exactly like a name of the corpus jieba's dictionary lacks (商烫,
            # 商/烫 → 商汤) — not like a dictionary word (花是 of "花是什么样的" is no 化石) — or like a place of the
            # corpus, read loosely (朝/杨 → 朝阳)
            close = self.spellings.sounding_like(pair)
            if close is None or self._segmenter.in_dictionary(close):
                close = self._place_sounding_like(pair)
            if close is not None and not self._in_corpus(pair):
                question = question.replace(pair, close)
        for size in WINDOW_CHARS:
            for start in range(len(question) - size + 1):
                window = question[start:start + size]
                if all(is_cjk(ch) for ch in window):
                    close = self.spellings.sounding_like(window)
                    if close is not None and not self._in_corpus(window) and not self._rewrites_a_word(window, close):
                        question = question.replace(window, close)
        for word, flag in self._unknown_words(question):
            # last, once nothing sounds alike (智车优形 is 智车优行 by its sound, not 优秀 one character away): a noun
            # jieba's HMM made, the one corpus word one character of the same initial away (海定 → 海淀) — a word
            # cut across words ("年比" of 2019年比2018年) or a company's name read as a verb (依图) is tagged otherwise
            close = self.spellings.one_off(word) if flag.startswith("n") else None
            if close is not None and not self._in_corpus(word):
                question = question.replace(word, close)
        return question

    def _single_character_pairs(self, question: str) -> list[str]:
        """Each two adjacent one-character Chinese words of the question, joined — none with a stopword or function
        word ("魏玩是谁的妻子": 玩是 sounds like 万石 of another article, but 是 is the verb of the question)."""
        words = [word for word, _ in self._segmenter.question_words(question)]
        return [a + b for a, b in zip(words, words[1:]) if len(a) == len(b) == 1 and is_cjk(a) and is_cjk(b)
                and not any(w in self._segmenter.stopwords or self._segmenter.is_function_word(w) for w in (a, b))]

    def _rare_names(self, question: str) -> list[str]:
        """The question's Chinese words jieba tags as a name only weakly (`WEAK_NAME_TAGS`: too rare to be one of
        the names it knows, `Segmenter.is_name`, which the loop over names has seen), which the corpus does not
        write."""
        return [word for word, flag in self._segmenter.question_words(question)
                if flag in WEAK_NAME_TAGS and len(word) >= 2 and all(is_cjk(ch) for ch in word)
                and not self._terms.has_term(word)]

    def _unknown_words(self, question: str) -> list[tuple[str, str]]:
        """The question's Chinese words of two or more characters that jieba's dictionary lacks, with their tags."""
        return [(word, flag) for word, flag in self._segmenter.question_words(question)
                if len(word) >= 2 and all(is_cjk(ch) for ch in word) and not self._segmenter.in_dictionary(fold(word))]
