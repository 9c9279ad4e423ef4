"""Where a question is understood: as typed → as asked (follow-up resolved) → as searched, with its kind and
constraints, in one `Understood` object the retrieval and answer stages share.

Order matters: a follow-up is resolved on the words the user typed ("那朝阳区呢？" takes the previous question's
frame); script and numerals are folded next (a Traditional question is matched in Simplified, "十二亿" as "12亿");
names are corrected to the corpus's spelling last, on the folded text, and only within the part the encoder reads
(`max_encoded_chars`), so a 500-character question costs no more to correct than a normal one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from qa.config import Settings
from qa.segment.numerals import arabic_numerals
from qa.segment.script import in_corpus_script, is_traditional, to_simplified
from qa.segment.tokenizer import Segmenter
from qa.understand.constraints import Constraints, read_constraints
from qa.understand.english import in_chinese
from qa.understand.followup import rewrite_followup
from qa.understand.kind import QuestionType, classify
from qa.understand.spelling import NameCorrector, Vocabulary
from qa.understand.validate import analysed_part, clean_question
from qa.understand.written import in_written_words
from qa.understand.years import full_years


@dataclass(frozen=True)
class Understood:
    """One question, understood."""

    #: as typed (cleaned: control characters dropped, whitespace collapsed)
    typed: str
    #: the question answered: `typed`, or a follow-up rewritten with the previous question's frame
    asked_as: str
    #: asked in Traditional script: the assistant's own words (refusals …) are written in it
    traditional: bool
    #: what retrieval and the answer layer read: Simplified, Arabic numerals, the corpus's spelling of names
    searched: str
    qtype: QuestionType
    constraints: Constraints
    #: what the transformer reader reads: `asked_as` in the corpus's script (`in_corpus_script`)
    read_as: str

    @property
    def rewritten(self) -> bool:
        """A follow-up was resolved against the previous question."""
        return self.asked_as != self.typed


class QuestionReader:
    """Understands questions about one loaded corpus (its segmenter, vocabulary and script)."""

    def __init__(self, settings: Settings, segmenter: Segmenter, terms: Vocabulary, in_corpus: Callable[[str], bool],
                 traditional_corpus: bool) -> None:
        self._settings = settings
        self._segmenter = segmenter
        self._names = NameCorrector(segmenter, terms, in_corpus)
        self._in_corpus = in_corpus
        #: the corpus is written in Traditional script: questions keep their own words (see `to_simplified`)
        self._traditional_corpus = traditional_corpus

    def _searched_form(self, text: str) -> str:
        """The question as it is searched and analysed: Simplified characters (and, for a Simplified corpus,
        mainland words: `to_simplified`), Arabic numerals, two-digit years the corpus writes whole ("19年" →
        2019年: `full_years`), English words of what is asked in the Chinese the corpus writes for them
        (`in_chinese`: "founded" → 成立) and chat words with one written form in it (`in_written_words`: 美金 →
        美元), names the corpus spells otherwise corrected to its spelling within the part the encoder reads (3 of
        1,610 CMRC trial and report questions are longer)."""
        text = full_years(arabic_numerals(to_simplified(text, self._traditional_corpus)), self._in_corpus)
        text = in_written_words(in_chinese(text, self._segmenter, self._in_corpus), self._segmenter, self._in_corpus)
        limit = self._settings.retrieval.max_encoded_chars
        return self._names.corrected(text[:limit]) + text[limit:]

    def understand(self, question: object, previous: str | None = None) -> Understood:
        """Validate `question` (a Chinese `QuestionError` when it cannot be asked), resolve it against the
        `previous` question of the conversation when it is an elliptic follow-up, and read it."""
        typed = clean_question(question, self._settings.answer.max_question_chars)
        asked_as = rewrite_followup(typed, previous, self._segmenter)
        searched = analysed_part(self._searched_form(asked_as), self._settings.answer)
        return Understood(typed, asked_as, is_traditional(typed), searched, classify(searched),
                          read_constraints(searched, self._segmenter),
                          in_corpus_script(asked_as, self._traditional_corpus))
