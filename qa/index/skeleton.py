"""The few passages and facts the answer layer reads corpus-wide, picked once at build time.

Why: with `--milvus` a replica holds no passage list (the engine returns passages with the hits), yet a few
answers look across the whole corpus — the outline (`section_tree`: the first passage of each section path), the
tables (every table row), the figures and tables a question names (captions, table titles, and the sentences
that point to them: "详见图1"), the document titles for citations, and whether the corpus is written in
Traditional script. Those passages are a small share of a corpus (headings, captions and table rows, not its
text), so they are written to `skeleton.json` in the build folder and the replica loads only them. Each keeps
its position in the index, so its neighbours can be fetched from the engine like a hit's.

Selecting them is exact, not a sample: every scan the answer layer makes over `AnswerContext.passages` finds
the same passage in the skeleton as in the whole list (`tests/test_corpus_rows.py` checks it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from qa.segment.script import corpus_is_traditional
from qa.types import Document, Passage, PassageKind

SKELETON = "skeleton.json"
#: A sentence that points to a numbered figure or table ("详见图1", "如表 2 所示"): `qa.answer.document`.
_POINTER = re.compile(r"[图表]\s*\d")
_KEPT_KINDS = (PassageKind.CAPTION, PassageKind.TABLE_TITLE, PassageKind.TABLE_ROW)


@dataclass(frozen=True)
class Skeleton:
    """Corpus-wide facts: outline, table and figure passages (with their index positions), titles, script."""

    #: (position in the index, passage), in index order
    passages: tuple[tuple[int, Passage], ...]
    #: document title by source, in corpus order
    titles: dict[str, str]
    traditional: bool


def _kept(passages: Iterable[Passage]) -> Iterable[tuple[int, Passage]]:
    opened: set[tuple[str, ...]] = set()
    for position, p in enumerate(passages):
        if p.kind in _KEPT_KINDS:
            yield position, p
        elif p.kind in (PassageKind.TEXT, PassageKind.HEADING) and p.section and p.section not in opened:
            opened.add(p.section)  # the first passage of a section path opens it (and every prefix it starts)
            yield position, p
        elif p.kind is PassageKind.TEXT and any(_POINTER.search(s) for s in p.statements):
            yield position, p


def skeleton_of(passages: list[Passage], documents: Iterable[Document]) -> Skeleton:
    return Skeleton(tuple(_kept(passages)), {d.source: d.title for d in documents},
                    corpus_is_traditional(p.text for p in passages))


def write_skeleton(folder: Path, skeleton: Skeleton) -> None:
    data = {"traditional": skeleton.traditional, "titles": skeleton.titles,
            "passages": [[position, p.to_json()] for position, p in skeleton.passages]}
    (folder / SKELETON).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_skeleton(folder: Path) -> Skeleton:
    data = json.loads((folder / SKELETON).read_text(encoding="utf-8"))
    return Skeleton(tuple((int(pos), Passage.from_json(p)) for pos, p in data["passages"]), dict(data["titles"]),
                    bool(data["traditional"]))
