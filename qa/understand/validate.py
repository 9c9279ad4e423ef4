"""What a question must be before anything reads it: text, not empty, not oversized, with some letter or digit.

A user's mistake gets a Chinese message (`QuestionError`; HTTP answers 400, or 413 for `QuestionTooLong`), never a
traceback; control characters and unpaired surrogates are dropped rather than refused (a pasted question carries
them), and a very long question is analysed by its head and tail only (`analysed_part`) so its cost is bounded.
"""

from __future__ import annotations

import unicodedata

from qa.config import AnswerSettings
from qa.errors import UserError


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


def analysed_part(text: str, settings: AnswerSettings) -> str:
    """The part of a question that is searched and answered: all of it, or its head and tail when it is very long
    (bounds the work per question, BM25's segmentation included; see `AnswerSettings.max_analysed_chars`)."""
    if len(text) <= settings.max_analysed_chars:
        return text
    head = settings.max_analysed_chars - settings.analysed_tail_chars
    return f"{text[:head]}…{text[-settings.analysed_tail_chars:]}"
