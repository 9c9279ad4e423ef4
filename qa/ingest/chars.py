"""Character-level repair every reader's text goes through: invisible control characters out, radicals mapped.

Control characters (a stray NUL, a vertical tab, zero-width spaces, bidi marks) would otherwise reach passages,
tokens and the chat's HTML. Radical code points are how many Chinese PDFs encode ordinary characters ("⺠" for
民, "⼈" for 人): without mapping them back, "人民币" in a PDF could never be found or quoted. The table is
Unicode's own (`data/radicals.txt`); a real radical in running text is rare enough to give up.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

#: Line structure survives cleaning: newlines separate lines, form feeds mark pages, tabs become spaces later.
_KEPT_CONTROLS = "\n\f\t"
#: Where control and format characters live (Basic Multilingual Plane, plane 1, the tag characters of plane 14).
_CONTROL_RANGES = (range(0x20000), range(0xE0000, 0xE1000))


@lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    """`str.translate` table: radicals → ideographs, control and format characters → removed."""
    table: dict[int, str | None] = {
        code: None for codes in _CONTROL_RANGES for code in codes
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs") and chr(code) not in _KEPT_CONTROLS
    }
    text = resources.files("qa.ingest").joinpath("data/radicals.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        points, target = (part.strip() for part in line.split(";"))
        first, _, last = points.partition("..")
        for code in range(int(first, 16), int(last or first, 16) + 1):
            table[code] = chr(int(target, 16))
    return table


def clean_chars(text: str) -> str:
    """`text` with radicals mapped to the ideographs they stand for and control/format characters removed."""
    return text.translate(_table())
