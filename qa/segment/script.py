"""Traditional-script questions ("哪個區的人工智慧企業最多？") are searched in the report's Simplified script.

Only text that has Traditional characters is converted, with OpenCC's Taiwan-phrase table (tw2sp:
人工智慧 → 人工智能, 軟體 → 软件). Simplified text is left alone: tw2sp would also rewrite mainland words
that happen to be Taiwan software terms (新增 → 添加).
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """The text in Simplified Chinese with mainland wording; unchanged when it is Simplified already."""
    if _converter("t2s").convert(text) == text:
        return text
    return _converter("tw2sp").convert(text)
