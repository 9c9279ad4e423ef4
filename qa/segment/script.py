"""Traditional-script questions ("哪個區的人工智慧企業最多？") are searched in the report's Simplified script.

OpenCC's Taiwan-phrase table (tw2sp) converts characters and regional terms (人工智慧 → 人工智能,
軟體 → 软件); Simplified text passes through unchanged.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def to_simplified(text: str) -> str:
    """The text in Simplified Chinese with mainland wording."""
    return _converter().convert(text)
