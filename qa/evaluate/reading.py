"""Reading-comprehension data sets (CMRC 2018, SQuAD, DRCD style JSON) as a corpus plus questions.

A user evaluates the assistant on a standard data set with one command: the contexts become one text file per
context in a corpus folder (title on the first line, so the document carries it), and every question becomes an
`EvalQuestion` whose gold answers are alternatives — the answer must contain any one of them, a cited passage
must hold one of them, and the short answer is scored against them (exact match and character F1).

Two layouts are read: CMRC's `[{context_id, title, context_text, qas: [{query_id, query_text, answers}]}]` and
SQuAD's `{"data": [{title, paragraphs: [{context, qas: [{id, question, answers: [{text}]}]}]}]}`.
Gold answers that are not strings (a few CMRC records) are skipped, as the CMRC scorer does.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from qa.evaluate.questions import EvalError, EvalQuestion

_UNSAFE_NAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Context:
    id: str
    title: str
    text: str

    @property
    def file_name(self) -> str:
        return file_name_of(self.id)


def file_name_of(context_id: str) -> str:
    """The corpus file a context is written to (its id made safe as a file name)."""
    return f"{_UNSAFE_NAME.sub('_', context_id)[:80]}.txt"


@dataclass(frozen=True)
class ReadingSet:
    contexts: list[Context]
    questions: list[EvalQuestion]
    #: context id of every question, to group them (cross-validation by article)
    context_of: dict[str, str]


def is_reading_set(text: str) -> bool:
    """A JSON document (not JSON lines) in one of the two layouts."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("[", "{")):
        return False
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError:
        return False
    return _layout(data) is not None


def _layout(data: Any) -> str | None:
    if isinstance(data, list) and data and isinstance(data[0], dict) and "context_text" in data[0]:
        return "cmrc"
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return "squad"
    return None


def _golds(answers: Any) -> tuple[str, ...]:
    items = answers if isinstance(answers, list) else [answers]
    texts = [a.get("text") if isinstance(a, dict) else a for a in items]
    return tuple(dict.fromkeys(t.strip() for t in texts if isinstance(t, str) and t.strip()))


def _records(data: Any) -> Iterator[tuple[Context, list[tuple[str, str, tuple[str, ...]]]]]:
    if _layout(data) == "cmrc":
        for n, article in enumerate(data):
            ctx = Context(str(article.get("context_id") or f"C{n}"), str(article.get("title") or ""),
                          str(article.get("context_text") or ""))
            yield ctx, [(str(q.get("query_id") or f"{ctx.id}_Q{i}"), str(q.get("query_text") or ""),
                         _golds(q.get("answers"))) for i, q in enumerate(article.get("qas") or [])]
        return
    for a, article in enumerate(data["data"]):
        for p, para in enumerate(article.get("paragraphs") or []):
            ctx = Context(str(para.get("id") or f"A{a}P{p}"), str(article.get("title") or ""),
                          str(para.get("context") or ""))
            yield ctx, [(str(q.get("id") or f"{ctx.id}_Q{i}"), str(q.get("question") or ""),
                         _golds(q.get("answers"))) for i, q in enumerate(para.get("qas") or [])]


def parse_reading_set(text: str) -> ReadingSet:
    """Contexts and questions; questions without a usable gold answer or text are left out."""
    data = json.loads(text.lstrip("\ufeff"))
    if _layout(data) is None:
        raise EvalError("JSON 文件不是 CMRC/SQuAD 格式（需要 context_text/qas 或 data/paragraphs/qas）")
    contexts: list[Context] = []
    questions: list[EvalQuestion] = []
    context_of: dict[str, str] = {}
    for ctx, qas in _records(data):
        if not ctx.text.strip():
            continue
        contexts.append(ctx)
        for qid, q, golds in qas:
            if q.strip() and golds and qid not in context_of:
                questions.append(EvalQuestion(qid, q.strip(), answer_any=golds, evidence_any=golds,
                                              reference=golds, line=len(questions) + 1))
                context_of[qid] = ctx.id
    if not questions:
        raise EvalError("数据集中没有可评测的问题（每题需要问题文本和至少一个文本答案）")
    return ReadingSet(contexts, questions, context_of)


def write_corpus(contexts: list[Context], folder: Path) -> None:
    """One UTF-8 text file per context (title line, blank line, text); files of other contexts are removed so the
    folder holds exactly this data set. Each file is written to a temporary name and renamed (never half-written)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        wanted = {c.file_name for c in contexts}
        for old in folder.glob("*.txt"):
            if old.name not in wanted:
                old.unlink()
        for ctx in contexts:
            body = f"{ctx.title}\n\n{ctx.text.strip()}\n" if ctx.title else f"{ctx.text.strip()}\n"
            target = folder / ctx.file_name
            if target.exists() and target.read_text(encoding="utf-8") == body:
                continue
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, target)
    except OSError as exc:
        raise EvalError(f"无法写入语料目录 {folder}：{exc.strerror or exc}") from None
