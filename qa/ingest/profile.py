"""What a corpus may teach the assistant about itself: `qa.toml` beside the documents (every key optional).

Report-specific knowledge lives here as data, not in code — any report works without the file:

    [segment]
    words = ["产业集群", "海淀区 ns"]     # words jieba must keep whole, optionally with a POS tag
    [chat]
    examples = ["哪个区的人工智能企业最多？"] # clickable example questions in the chat
    [cleanup]
    page_start = "indent"               # how the text marks a new PDF page: "form-feed" (default) or "indent"
    [aliases]
    "字节跳动" = ["ByteDance"]           # other names a question may use for the report's own names
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from qa.ingest.read import PROFILE_NAME, CorpusError

#: How a plain-text extraction marks the first line of a page.
PAGE_STARTS = ("form-feed", "indent")
MAX_EXAMPLES = 8


@dataclass(frozen=True)
class CorpusProfile:
    """The settings a corpus brings with it; the defaults suit any report."""

    words: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    page_start: str = "form-feed"
    #: (the report's name, another name a question may use for it)
    aliases: tuple[tuple[str, str], ...] = ()


def _strings(table: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CorpusError(f"{where}：{key} 必须是字符串列表")
    return tuple(v.strip() for v in value if v.strip())


def _table(data: dict[str, object], key: str, where: str) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise CorpusError(f"{where}：[{key}] 必须是一个表")
    return value


def _aliases(names: dict[str, object], where: str) -> tuple[tuple[str, str], ...]:
    """`[aliases]`: each of the report's names with the other names a question may use for it."""
    pairs = tuple((name.strip(), alias) for name in names for alias in _strings(names, name, where))
    if any(not name or "=" in name + alias for name, alias in pairs):
        raise CorpusError(f"{where}：[aliases] 的名称不能为空，也不能含“=”")
    return pairs


def parse_profile(text: str, where: str = PROFILE_NAME) -> CorpusProfile:
    """Parse `qa.toml` text; a malformed file is a `CorpusError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{where} 格式错误：{exc}") from None
    page_start = _table(data, "cleanup", where).get("page_start", "form-feed")
    if page_start not in PAGE_STARTS:
        raise CorpusError(f"{where}：cleanup.page_start 只能是 {' 或 '.join(PAGE_STARTS)}")
    return CorpusProfile(
        words=_strings(_table(data, "segment", where), "words", where),
        aliases=_aliases(_table(data, "aliases", where), where),
        examples=_strings(_table(data, "chat", where), "examples", where)[:MAX_EXAMPLES],
        page_start=str(page_start),
    )


def read_profile(corpus_dir: Path) -> CorpusProfile:
    """The corpus's `qa.toml`, or the defaults when it has none."""
    path = corpus_dir / PROFILE_NAME
    if not path.is_file():
        return CorpusProfile()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"无法读取 {path}：{exc.__class__.__name__}") from None
    return parse_profile(text, str(path))
