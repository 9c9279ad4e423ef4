"""Question files for `qa eval`: JSONL (as ../shared/eval/dev_qa.jsonl) or CSV (as Excel writes it).

One record per question: `id`, `q`, `answer` (key strings that must all occur in the answer), `evidence`
(strings one cited passage must hold), `unanswerable`, and optionally `reference` (a free-text reference
answer for character-level F1). In CSV, list cells are joined by `|`; the file may start with a BOM.

A bad row (missing `q`, broken JSON, a list where text is expected …) becomes a `RowError` naming its line and
the rest of the file is still read. Only a file that cannot be read at all raises `EvalError`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import UserError
from qa.text import normal_form
from qa.types import Passage

#: Cell separator inside CSV list columns (`answer`, `evidence`, `reference` alternatives).
LIST_SEPARATOR = "|"
_TRUE = {"true", "1", "yes", "y", "t", "是", "对", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "错", "假", ""}


class EvalError(UserError):
    """A question file, output folder, baseline or option `qa eval` cannot use; the message is Chinese."""


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    q: str
    answer: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    unanswerable: bool = False
    #: Free-text reference answers (any one may match: F1 takes the best), empty when the file gives none.
    reference: tuple[str, ...] = ()
    line: int = 0
    #: Gold alternatives of reading-comprehension sets: the answer must contain at least one of them.
    answer_any: tuple[str, ...] = ()
    #: …and one cited passage must hold at least one of them.
    evidence_any: tuple[str, ...] = ()

    @property
    def keyed(self) -> bool:
        return bool(self.answer or self.answer_any)

    @property
    def evidenced(self) -> bool:
        return bool(self.evidence or self.evidence_any)

    def expected(self) -> dict[str, object]:
        data: dict[str, object] = {"answer": list(self.answer), "evidence": list(self.evidence),
                                   "unanswerable": self.unanswerable}
        if self.answer_any:
            data["answer_any"] = list(self.answer_any)
        if self.reference:
            data["reference"] = self.reference[0] if len(self.reference) == 1 else list(self.reference)
        return data


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.message}"


class _BadRow(ValueError):
    pass


def _text(value: object, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _BadRow(f"{field} 应为文本")
    return str(value).strip()


def _strings(value: object, field: str, split: bool) -> tuple[str, ...]:
    """A list of non-empty strings from a JSON list/str or a `|`-joined CSV cell."""
    if value is None:
        return ()
    if isinstance(value, list):
        items = [_text(v, field) for v in value]
    else:
        text = _text(value, field)
        items = text.split(LIST_SEPARATOR) if split else [text]
    return tuple(s.strip() for s in items if s.strip())


def _flag(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _BadRow(f"unanswerable 应为 true/false，而不是「{value}」")


def _record(row: dict[str, object], line: int, split: bool) -> EvalQuestion:
    q = _text(row.get("q"), "q")
    if not q:
        raise _BadRow("缺少问题（q 字段为空或不存在）")
    qid = _text(row.get("id"), "id") or f"L{line}"
    return EvalQuestion(
        id=qid, q=q,
        answer=_strings(row.get("answer"), "answer", split),
        evidence=_strings(row.get("evidence"), "evidence", split),
        unanswerable=_flag(row.get("unanswerable")),
        reference=_strings(row.get("reference"), "reference", split),
        line=line,
    )


def _parse_jsonl(text: str) -> tuple[list[EvalQuestion], list[RowError]]:
    questions: list[EvalQuestion] = []
    errors: list[RowError] = []
    for n, raw in enumerate(text.split("\n"), start=1):  # JSON Lines ends lines at \n only (U+2028 is text)
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(RowError(n, f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列），已跳过"))
            continue
        if not isinstance(row, dict):
            errors.append(RowError(n, "应为一个 JSON 对象（{…}），已跳过"))
            continue
        try:
            questions.append(_record(row, n, split=False))
        except _BadRow as exc:
            errors.append(RowError(n, f"{exc}，已跳过"))
    return questions, errors


def _delimiter(text: str) -> str:
    """Comma, unless the header line is only separable by `;` (Excel in some locales) or a tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    for sep in (",", ";", "\t"):
        if "q" in (c.strip().strip('"').lower() for c in header.split(sep)):
            return sep
    return ","


def _parse_csv(text: str) -> tuple[list[EvalQuestion], list[RowError]]:
    questions: list[EvalQuestion] = []
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                if "q" not in header:
                    raise EvalError(f"第 {line} 行：CSV 表头缺少 q 列（需要 id,q,answer,evidence,unanswerable）")
                continue
            if len(cells) > len(header):
                errors.append(RowError(line, f"有 {len(cells)} 列，多于表头的 {len(header)} 列，已跳过"))
                continue
            row = dict(zip(header, cells))
            try:
                questions.append(_record(row, line, split=True))
            except _BadRow as exc:
                errors.append(RowError(line, f"{exc}，已跳过"))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"CSV 格式错误（{exc}），其后的行未读取"))
    if header is None:
        raise EvalError("文件为空：没有表头，也没有问题")
    return questions, errors


def _dedupe(questions: list[EvalQuestion], errors: list[RowError]) -> list[EvalQuestion]:
    seen: dict[str, int] = {}
    kept: list[EvalQuestion] = []
    for q in questions:
        if q.id in seen:
            errors.append(RowError(q.line, f"id「{q.id}」与第 {seen[q.id]} 行重复，已跳过"))
            continue
        seen[q.id] = q.line
        kept.append(q)
    errors.sort(key=lambda e: e.line)
    return kept


def parse_questions(text: str, fmt: str) -> tuple[list[EvalQuestion], list[RowError]]:
    """Parse file text as `fmt` ("jsonl" or "csv"); a leading BOM is ignored."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise EvalError("文件为空，没有可评测的问题")
    questions, errors = (_parse_csv if fmt == "csv" else _parse_jsonl)(text)
    return _dedupe(questions, errors), errors


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    return "jsonl" if text.lstrip("\ufeff \t\r\n").startswith("{") else "csv"


def read_question_text(path: Path) -> str:
    """The text of a question file; missing, unreadable and non-UTF-8 files raise `EvalError`."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise EvalError(f"找不到问题文件：{path}") from None
    except IsADirectoryError:
        raise EvalError(f"{path} 是一个目录，请给出 .jsonl 或 .csv 文件") from None
    except OSError as exc:
        raise EvalError(f"无法读取问题文件 {path}：{exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EvalError(f"{path} 第 {line} 行不是 UTF-8 编码（Excel 请选择「CSV UTF-8」另存）") from None


def read_questions(path: Path) -> tuple[list[EvalQuestion], list[RowError]]:
    """Read a JSONL or CSV question file; unreadable/undecodable/empty files raise `EvalError`."""
    text = read_question_text(path)
    return parse_questions(text, detect_format(Path(path), text))


def evidence_passage(question: EvalQuestion, passages: Iterable[Passage]) -> Passage | None:
    """The passage holding the question's first evidence string (else its first key), compared in normal form:
    where the fact a report question asks about sits, for the training and calibration scripts (which leave out
    facts of a table: table operations answer them, not sentences)."""
    evidence = normal_form(question.evidence[0]) if question.evidence else normal_form(question.answer[0])
    return next((p for p in passages if evidence in normal_form(p.text)), None)


def sentence_facts(questions: Iterable[EvalQuestion],
                   passages: Sequence[Passage]) -> list[tuple[EvalQuestion, Passage]]:
    """The answerable, keyed questions whose fact sits in a passage of text, each with that passage: what the
    training and calibration scripts learn sentence answers from (a table's facts are answered by table
    operations, not sentences)."""
    found = []
    for question in questions:
        home = evidence_passage(question, passages) if question.answer and not question.unanswerable else None
        if home is not None and not home.cells:
            found.append((question, home))
    return found
