"""Chinese word segmentation for the lexical index and for matching question terms in sentences.

jieba (search mode, so 人工智能 also yields 人工/智能) plus the corpus's own vocabulary: the words its `qa.toml`
lists and the names in its tables (the index records them, so questions are cut exactly as passages were).
Numbers, percentages, dates and Latin words are cut out *before* jieba so "62.44%", "2011-10" and "Geek+"
stay whole; "2017年6月" additionally yields "2017.6", the form tables use. Stopwords and punctuation never
reach the index.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources
from typing import Sequence

import jieba
import jieba.posseg

from qa.text import fold, is_cjk, normal_form, simplified_chars

_ATOM = re.compile(r"[a-z0-9][a-z0-9.%+\-]*[a-z0-9%+]|[a-z0-9]")
_YEAR_MONTH = re.compile(r"(\d{4})年(\d{1,2})月")
#: A Chinese character, letter or digit: a piece of text without one is punctuation or space.
HAS_WORD_CHAR = re.compile(r"[\u4e00-\u9fff\w]")
#: A place named with its administrative level ("海淀区", "上海市", "浙江省") and the name without it: a real place,
#: where jieba's ns tag alone also covers common words ("扎堆", "沾边", "城市").
ADMINISTRATIVE_LEVELS = "省市区县州镇乡村"
ADMINISTRATIVE_PLACE = re.compile(rf"([\u4e00-\u9fff]{{2,}})[{ADMINISTRATIVE_LEVELS}]")
#: Part-of-speech tags of names that a question may ask about and a report may lack: places, people,
#: organisations, Latin words.
NAME_TAGS = frozenset({"ns", "nt", "eng", "nrt", "nrfg"})
#: jieba also tags rare common nouns as person/other names (英文名 → nr, dictionary count 3), so these
#: tags count only for words its dictionary knows well (华为 373, 腾讯 98, 李彦宏 24).
WEAK_NAME_TAGS = frozenset({"nr", "nz"})
MIN_WEAK_NAME_FREQ = 20
#: The tag `Segmenter.question_words` gives a number or Latin word (cut before jieba sees the text).
ATOM = "atom"
#: jieba dictionary tags of function words: prepositions, conjunctions, particles, modal words, interjections and
#: onomatopoeia. A one-character word so tagged ("跟", "着", "呗") links or colours a question and says nothing a
#: sentence must repeat; longer words with these tags ("根据", "因为") can carry meaning and stay terms.
FUNCTION_TAGS = frozenset({"p", "c", "u", "uj", "uz", "ul", "ug", "uv", "ud", "y", "e", "o"})
#: The superlative adverb, which jieba's HMM glues to the one character it grades ("最缺", "最火").
SUPERLATIVE = "最"
#: The demonstratives that open a pointing phrase ("那笔", "这家", "那轮").
DEMONSTRATIVES = frozenset("这那")
#: Chinese measure words (classifiers) of counting things, kinds and parts: a closed class of the language.
MEASURE_WORDS = frozenset("个家种类项条位名所座件只款部张批笔份块样轮次届期")
#: jieba's HMM re-cuts runs of single characters its dictionary does not join (a 500-character random question
#: took 1.7 s in `names`). Its POS Viterbi costs ~0.2 ms per character it has emission states for and ~2.8 ms per
#: Chinese character it has none for (all 256 states are tried). So a text's runs get the HMM only while they hold
#: at most `MAX_HMM_CHARS` characters and at most `MAX_HMM_UNKNOWN` of the expensive ones — per text, not per
#: piece, since Latin letters between Chinese characters cut a text into many pieces (random CJK mixed with
#: letters took 150 ms). Beyond that the dictionary cut is used as it is, so `names` costs at most ~13 ms. Of
#: 1,610 CMRC trial and report questions, Simplified (as the answer layer sees them) or as typed (Traditional,
#: as a chat follow-up is read), each gets the same names as with the earlier per-piece bound: the work per
#: question stays bounded (issue 11) and nothing changes for ordinary questions.
MAX_HMM_CHARS = 12
MAX_HMM_UNKNOWN = 4
_HAN = re.compile("[\u4e00-\u9fd5]")  # the characters jieba's Viterbi sees (`jieba.posseg.re_han_detail`)

jieba.setLogLevel(logging.WARNING)


def _data_lines(name: str) -> list[str]:
    text = resources.files("qa.segment").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


#: The dictionary count given to question words jieba lacks (`data/question_words.txt`): jieba takes the cut whose
#: words' counts multiply highest, so 哪类 must outweigh a dictionary word of its measure word and the next character
#: (类人 162): 哪类/人. Measured: 10 is the lowest count that keeps every listed word whole before 人, 人才, 企业, 公司,
#: 问题, 领域 and 行业 (5 leaves 15 of 63 cut, 2 leaves 27); ten times that for words not tried.
QUESTION_WORD_FREQ = 100


#: How a vocabulary entry gives another name of a corpus word: "字节跳动=bytedance" (`qa.toml`'s `[aliases]`).
CORPUS_ALIAS = "="

#: English words and abbreviations → the Chinese forms reports write; words of a chat → the written words.
#: English words that say what is asked of a thing ("founded" → 成立): also put in Chinese in the question itself.
_ASKED_IN_ENGLISH = "english_asked.txt"
_ALIAS_FILES = ("aliases.txt", "synonyms.txt", _ASKED_IN_ENGLISH)
#: Chat words jieba cannot cut out of a chat sentence, each with its one written form (`qa.understand.written`).
_WRITTEN_WORDS = "written_words.txt"


def _aliases(files: tuple[str, ...] = _ALIAS_FILES) -> dict[str, tuple[str, ...]]:
    """Words a question may use for what reports write otherwise (`data/aliases.txt`: "ai" → 人工智能;
    `data/synonyms.txt`: 份额 → 占比; `data/english_asked.txt`: "founded" → 成立)."""
    found: dict[str, tuple[str, ...]] = {}
    for line in (line for name in files for line in _data_lines(name)):
        if not line.startswith("#"):
            alias, _, forms = line.partition("\t")
            found[alias.strip()] = tuple(forms.split())
    return found


class Segmenter:
    """jieba with the corpus's vocabulary, in its own `jieba.Tokenizer` so other users are unaffected.

    `vocabulary` entries are a word, optionally followed by a space and a jieba POS tag ("海淀区 ns"), or another name
    of a corpus word a question may use (`CORPUS_ALIAS`: "字节跳动=bytedance", from the corpus's `qa.toml`)."""

    def __init__(self, vocabulary: tuple[str, ...] = ()) -> None:
        self.vocabulary = vocabulary
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        named = [entry.partition(CORPUS_ALIAS) for entry in vocabulary if CORPUS_ALIAS in entry]
        words = [entry for entry in vocabulary if CORPUS_ALIAS not in entry]
        self._added = frozenset(entry.strip().partition(" ")[0] for entry in words) - {""}
        for entry in words:
            word, _, tag = entry.strip().partition(" ")
            if word:
                self._jieba.add_word(word, None, tag.strip() or None)
        for word in (line for line in _data_lines("question_words.txt") if not line.startswith("#")):
            self._jieba.add_word(word, QUESTION_WORD_FREQ, "r")
        self._pos = jieba.posseg.POSTokenizer(self._jieba)
        self.stopwords = frozenset(_data_lines("stopwords.txt"))
        self.fillers = frozenset(_data_lines("fillers.txt"))
        self.not_names = frozenset(line for line in _data_lines("not_names.txt") if not line.startswith("#"))
        corpus_names = {alias.strip().lower(): (word.strip(),) for word, _, alias in named}
        self.aliases = _aliases() | corpus_names
        for word in self.aliases:  # a chat word jieba would cut ("风投" → 风/投) is kept whole, to be read as written
            if len(word) > 1 and all(is_cjk(ch) for ch in word) and not self._jieba.FREQ.get(word):
                self._jieba.add_word(word)
        #: the English words a question is read with in Chinese (`qa.understand.english`), with their forms; the
        #: corpus's other names of its own words too ("ByteDance" → 字节跳动): a name is read as the report writes it
        self.asked_in_english = _aliases((_ASKED_IN_ENGLISH,)) | corpus_names
        #: chat words with one written form, put in it in the question's text (`qa.understand.written`: 美金 → 美元)
        self.written_forms = {word: forms[0] for word, forms in _aliases((_WRITTEN_WORDS,)).items() if forms}
        self._phrases = tuple(a for a in self.aliases if " " in a)
        self._known_tags: dict[str, str] = {}

    def _pieces(self, text: str) -> list[tuple[str, bool]]:
        """Split normalised text into (piece, is_atom): atoms are numbers/Latin words, the rest goes to jieba."""
        pieces: list[tuple[str, bool]] = []
        last = 0
        for m in _ATOM.finditer(text):
            if m.start() > last:
                pieces.append((text[last:m.start()], False))
            pieces.append((m.group(), True))
            last = m.end()
        if last < len(text):
            pieces.append((text[last:], False))
        return pieces

    def words(self, text: str) -> list[str]:
        """Precise-mode words (no stopword removal): the units a question's terms are matched with."""
        out: list[str] = []
        for piece, is_atom in self._pieces(fold(text)):
            out.extend([piece] if is_atom else [part for w in self._jieba.lcut(piece) for part in self._unglued(w)])
        return [w for w in out if HAS_WORD_CHAR.search(w)]

    def _unglued(self, word: str) -> list[str]:
        """A word jieba's HMM made around the particle 的 ("哪些公司是在2018年下半年融的资" → 融的资), cut at it, and
        one it made of the superlative 最 and what it grades ("眼下最缺的是哪类人" → 最缺), cut after it: the particle
        only links what stands around it, 最 only grades, and the made-up word would weigh as a rare term the report
        lacks (缺 is in the report's 短缺, 最缺 nowhere)."""
        if self.in_dictionary(word) or self.in_vocabulary(word):
            return [word]
        if word.startswith(SUPERLATIVE) and len(word) > 1:
            return [SUPERLATIVE, *self._unglued(word[1:])]
        at = word.find("的", 1, len(word) - 1)
        if at < 0:
            return [word]
        return [w for w in (word[:at], "的", *self._unglued(word[at + 1:])) if w]

    def index_tokens(self, text: str) -> list[str]:
        """Tokens for BM25: search-mode words and atoms, plus year.month forms and the Chinese forms of English
        aliases ("AI" also yields 人工智能, on both the passage and the question side), without stopwords."""
        norm = fold(text)
        tokens: list[str] = []
        for piece, is_atom in self._pieces(norm):
            tokens.extend([piece] if is_atom else self._jieba.lcut_for_search(piece))
        tokens.extend(f"{y}.{int(m)}" for y, m in _YEAR_MONTH.findall(norm))
        for alias in [t for t in tokens if t in self.aliases] + [p for p in self._phrases if p in norm]:
            for form in self.aliases[alias]:
                tokens.extend(self._jieba.lcut_for_search(form))
        return [t for t in tokens if t not in self.stopwords and HAS_WORD_CHAR.search(t)]

    def alias_forms(self, term: str) -> tuple[str, ...]:
        """The Chinese forms a report writes for an English word or abbreviation ("ai" → 人工智能), and for a place
        named with its administrative level the name alone ("西城区" → 西城: "1家位于西城"); none for others."""
        forms = self.aliases.get(term, ())
        if (place := ADMINISTRATIVE_PLACE.fullmatch(term)) and self.is_listed_place(term):
            return (*forms, place[1])
        return forms

    def written_in(self, word: str, text_norm: str) -> bool:
        """The word, or one of the forms a report writes it in (`alias_forms`: "ai" as 人工智能), occurs in the text
        (in normal form): whether a passage says it at all."""
        word = normal_form(word)
        return any(form in text_norm for form in (word, *(normal_form(f) for f in self.alias_forms(word))))

    def content_terms(self, text: str) -> list[str]:
        """Distinct precise-mode words that carry meaning (no stopwords), in order of appearance."""
        seen: dict[str, None] = {}
        for w in self.words(text):
            if w not in self.stopwords:
                seen.setdefault(w, None)
        return list(seen)

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """jieba words with POS tags over the text as given (not folded), so offsets stay verbatim; the words
        concatenate back to `text`. Traditional text is cut as its Simplified characters (jieba's dictionary is
        Simplified: "擴張" would fall apart into single characters), the words keeping the text's own script. Cached, and for the corpus's sentences read from the index (`remember_tags`)."""
        return _tagged(self, text)

    def remember_tags(self, texts: Sequence[str], encoded: Sequence[str | None]) -> None:
        """Tags computed for these texts when the index was built (`encode_tags`), so a question's candidate
        sentences are not tagged again. Why: jieba's POS HMM is pure Python (~1 ms for a sentence of 150
        characters) and at 100,000 passages nearly every question brings sentences no earlier question did —
        first sight cost more than the rest of the answer layer. Replaces what an earlier index left: the tags
        of a text are the same under one vocabulary, and a text without them is simply tagged."""
        self._known_tags = {t: e for t, e in zip(texts, encoded) if e is not None}

    def add_tags(self, texts: Sequence[str], encoded: Sequence[str | None], keep: int) -> None:
        """Tags of a few more texts (rows fetched from an engine, `qa.index.milvus_rows`), keeping at most the
        last `keep` texts' tags, so a replica that never loads the corpus's tags does not collect them all.
        Callers serialise their calls; readers only look texts up."""
        known = self._known_tags
        for text, tags in zip(texts, encoded):
            if tags is not None:
                known.pop(text, None)
                known[text] = tags
        while len(known) > keep:
            del known[next(iter(known))]

    def token_share(self, word: str) -> float:
        """How common the word is in Chinese at large: its share of all words in jieba's dictionary counts (0 for a
        word the dictionary lacks). Tells a common word a report happens not to use ("做") from a rare one."""
        return self._jieba.FREQ.get(word, 0) / self._jieba.total

    def in_dictionary(self, word: str) -> bool:
        """A word of jieba's own dictionary — not one its HMM makes up, nor a name the corpus's vocabulary adds."""
        return word not in self._added and self._jieba.FREQ.get(word, 0) > 0

    def in_vocabulary(self, word: str) -> bool:
        """A word the corpus's vocabulary adds ("融资总额"): a real word of the corpus, though jieba's dictionary
        lacks it."""
        return word in self._added

    def is_filler(self, word: str) -> bool:
        """A word that only makes a question chatty ("到底", "来着", "那会儿"; `data/fillers.txt`): the answer
        never repeats it, so it is no term to match."""
        return word in self.fillers

    def is_deictic(self, word: str) -> bool:
        """A demonstrative with its measure or place word ("地平线那笔钱", "青云这家公司", "云知声那轮融资", "深圳那边"):
        it points back at what the question itself names, so the answer never repeats it and a report that never
        writes it still answers. jieba tags these pronouns (r); the ones its dictionary lacks (那轮) are two
        characters its HMM joined — not a demonstrative and a verb ("这是", of the book title 「這是恐龍」)."""
        if len(word) < 2 or word[0] not in DEMONSTRATIVES:
            return False
        tags = self._pos.word_tag_tab
        return tags.get(word) == "r" or (word not in tags and len(word) == 2
                                          and not tags.get(word[1], "").startswith("v"))

    def is_measure_word(self, word: str) -> bool:
        """A one-character measure word (jieba's tag q, or one of `MEASURE_WORDS`, which its dictionary tags
        otherwise: 种 m, 条 n, 块 zg): after 这/那 it only points back ("那张名单", which jieba cuts 那/张/名单, unlike
        "那笔" that it keeps whole), after 哪 it belongs to the question word ("哪一类")."""
        return len(word) == 1 and (word in MEASURE_WORDS or self._pos.word_tag_tab.get(word) == "q")

    def is_function_word(self, word: str) -> bool:
        """A one-character word whose jieba dictionary tag is a function word's (`FUNCTION_TAGS`): "北京跟AI沾边的
        公司" asks nothing of "跟", and a report that never writes it still answers the question."""
        return len(word) == 1 and self._pos.word_tag_tab.get(word) in FUNCTION_TAGS

    def is_listed_place(self, word: str) -> bool:
        """A place name of jieba's dictionary (tag ns): not a word its HMM guessed from unknown characters
        ("锦地罗不" of "锦地罗不需要"), nor a common noun the dictionary tags as a person ("帝王") or as a place
        (`data/not_names.txt`: 城市, 上市)."""
        return self._pos.word_tag_tab.get(word) == "ns" and word not in self.not_names

    def names_a_place(self, word: str) -> bool:
        """A place name of jieba's dictionary, alone or with its level: "石景山", which the dictionary tags a person,
        is a place as 石景山区 is one."""
        return self.is_listed_place(word) or any(self.is_listed_place(word + level)
                                                 for level in ADMINISTRATIVE_LEVELS)

    def is_name(self, word: str, flag: str) -> bool:
        """A proper name by its jieba POS tag (a weakly tagged word only when jieba knows it well), never a common
        word the dictionary tags as one (`data/not_names.txt`: 城市, 东西 — "光北京一个城市" names no second place)."""
        if word in self.not_names:
            return False
        if flag in NAME_TAGS:
            return True
        return flag in WEAK_NAME_TAGS and self._jieba.FREQ.get(word, 0) >= MIN_WEAK_NAME_FREQ

    def names(self, text: str) -> list[str]:
        """Proper names and Latin words in a question (jieba POS), e.g. 广州, ChatGPT (cached: the answer layer
        asks for the same question's names several times)."""
        return list(_names(self, text))

    def question_words(self, text: str) -> list[tuple[str, str]]:
        """A question's words (folded) with jieba POS tags, the HMM used only within the text's `HmmBudget`
        (numbers and Latin words are `ATOM`s): what names and misspelt names are looked for in. Cached — cheap
        for any question, where tagging a long run of unknown characters costs ~250 ms."""
        return list(_question_words(self, text))

    def _find_names(self, text: str) -> tuple[str, ...]:
        """Names, never a filler word jieba tags as one ("那阵子", nr)."""
        return tuple(word for word, flag in _question_words(self, text)
                     if len(word) > 1 and not self.is_filler(word) and (
                         self.is_name(word, flag) if flag != ATOM else word.isascii() and any(c.isalpha() for c in word)))

    def _budget_tagged(self, text: str) -> tuple[tuple[str, str], ...]:
        found: list[tuple[str, str]] = []
        budget = HmmBudget()  # for the whole text (see MAX_HMM_CHARS)
        for piece, is_atom in self._pieces(fold(text)):
            if is_atom:
                found.append((piece, ATOM))
            else:
                found.extend((p.word, p.flag) for p in self._tagged(piece, budget))
        return tuple(found)

    def _tagged(self, piece: str, budget: "HmmBudget") -> list[jieba.posseg.pair]:
        """POS-tagged words of a piece, with the HMM only while the text's `budget` covers what it would re-cut."""
        plain = self._pos.lcut(piece, HMM=False)
        return _hmm_words(self, piece) if budget.spend(_single_char_runs(plain)) else plain


class HmmBudget:
    """What jieba's HMM may still re-cut in one text: `MAX_HMM_CHARS` characters, `MAX_HMM_UNKNOWN` of them
    characters it has no emission states for."""

    def __init__(self) -> None:
        self.chars = MAX_HMM_CHARS
        self.unknown = MAX_HMM_UNKNOWN

    def spend(self, run_chars: str) -> bool:
        """Take these characters from the budget if it covers them all; False (nothing taken) otherwise."""
        unknown = sum(1 for ch in run_chars if _HAN.match(ch) and ch not in jieba.posseg.char_state_tab_P)
        if len(run_chars) > self.chars or unknown > self.unknown:
            return False
        self.chars -= len(run_chars)
        self.unknown -= unknown
        return True


def _single_char_runs(words: list[jieba.posseg.pair]) -> str:
    """The characters in runs of two or more single-character words: what the HMM would re-cut."""
    found: list[str] = []
    run: list[str] = []
    for pair in [*words, None]:
        if pair is not None and len(pair.word) == 1:
            run.append(pair.word)
            continue
        if len(run) > 1:
            found.extend(run)
        run = []
    return "".join(found)


_THOUSANDS = re.compile(r"\d{3}(?!\d)")


def _join_thousands(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """"2", ",", "173" → "2,173": a comma between digit groups is a thousands separator, not a clause break."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        word, flag = words[i]
        while (i + 2 < len(words) and words[i + 1][0] == "," and word[-1:].isdigit()
               and _THOUSANDS.match(words[i + 2][0])):
            word, flag = word + "," + words[i + 2][0], "m"
            i += 2
        out.append((word, flag))
        i += 1
    return out


@lru_cache(maxsize=4096)
def _names(segmenter: Segmenter, text: str) -> tuple[str, ...]:
    return segmenter._find_names(text)


@lru_cache(maxsize=4096)
def _question_words(segmenter: Segmenter, text: str) -> tuple[tuple[str, str], ...]:
    return segmenter._budget_tagged(text)


@lru_cache(maxsize=4096)
def _hmm_words(segmenter: Segmenter, piece: str) -> list[jieba.posseg.pair]:
    """A piece's POS words with the HMM, cached: the answer layer looks for names in the question's head and then
    in the whole question, so most pieces come twice."""
    return segmenter._pos.lcut(piece)


@lru_cache(maxsize=65536)
def _tagged(segmenter: Segmenter, text: str) -> list[tuple[str, str]]:
    known = segmenter._known_tags.get(text)
    if known is not None:
        return decode_tags(text, known)
    words: list[tuple[str, str]] = []
    at = 0
    for p in segmenter._pos.lcut(simplified_chars(text)):
        words.append((text[at:at + len(p.word)], p.flag))
        at += len(p.word)
    return _join_thousands(words)


def encode_tags(text: str, tagged: list[tuple[str, str]]) -> str | None:
    """A text's tagged words as "flag:length …" (the words are the text, cut at those lengths); None when they
    do not concatenate back to the text (then it is tagged when needed)."""
    if "".join(word for word, _ in tagged) != text:
        return None
    return " ".join(f"{flag}:{len(word)}" for word, flag in tagged)


def decode_tags(text: str, encoded: str) -> list[tuple[str, str]]:
    """The tagged words `encode_tags` wrote for `text`."""
    words: list[tuple[str, str]] = []
    at = 0
    for item in encoded.split(" ") if encoded else ():
        flag, _, length = item.rpartition(":")
        words.append((text[at:at + int(length)], flag))
        at += int(length)
    return words


@lru_cache(maxsize=4)
def get_segmenter(vocabulary: tuple[str, ...] = ()) -> Segmenter:
    """One segmenter per vocabulary and process: loading jieba's dictionary costs ~1 s, so it is done once."""
    return Segmenter(vocabulary)
