"""Traditional and Simplified script: questions in either script are answered from a corpus in either script.

Matching happens in one canonical form — Simplified characters, one for one (`qa.text.simplified_chars`, part of
`fold`), so offsets into the verbatim text never move. On top of that, a Traditional question asked of a
Simplified corpus is converted with OpenCC's Taiwan-phrase table (tw2sp: 人工智慧 → 人工智能, 軟體 → 软件), the
words a mainland report writes; asked of a Traditional corpus it keeps its own words (the corpus says 軟體 too).
Simplified text is never run through tw2sp: it would also rewrite mainland words that happen to be Taiwan
software terms (新增 → 添加). Messages the assistant writes itself (refusals) follow the question's script.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import opencc

from qa.text import simplified_chars, traditional_share

#: A corpus is written in Traditional script when at least this share of its ideographs are Traditional forms.
#: Measured: every DRCD dev context ≥ 0.178, every CMRC 2018 trial context ≤ 0.017 and the bundled report 0.0;
#: 0.1 sits in the gap.
TRADITIONAL_CORPUS_SHARE = 0.1
#: Characters of each passage looked at to tell a corpus's script (enough, and bounded at 100,000 passages).
_SAMPLED_CHARS = 40
_SAMPLED_PASSAGES = 4000


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    """The text holds Traditional forms (99.8 % of DRCD dev questions, 0.3 % of CMRC 2018 trial questions)."""
    return traditional_share(text) > 0


def written_traditional(text: str) -> bool:
    """A text (a sentence, a window) written in Traditional script, by the corpus's measure — not merely holding
    a Traditional form or two, as Simplified text quoting a name may."""
    return traditional_share(text) >= TRADITIONAL_CORPUS_SHARE


def corpus_is_traditional(texts: Iterable[str]) -> bool:
    """Whether a corpus is written in Traditional script, from the openings of (at most 4,000 of) its texts."""
    sample = "".join(t[:_SAMPLED_CHARS] for _, t in zip(range(_SAMPLED_PASSAGES), texts))
    return written_traditional(sample)


def to_simplified(text: str, traditional_corpus: bool = False) -> str:
    """The question in the corpus's words: Simplified characters for a Traditional corpus, Simplified script
    with mainland wording for a Simplified one; unchanged when it is Simplified already."""
    if not is_traditional(text):
        return text
    return simplified_chars(text) if traditional_corpus else _converter("tw2sp").convert(text)


def in_corpus_script(text: str, traditional_corpus: bool) -> str:
    """The question in the corpus's own script, its words kept (character conversion only, no phrase table): what
    the transformer reader reads beside the verbatim passage, as it was trained (DRCD's Traditional questions
    beside Traditional text, CMRC's Simplified beside Simplified). Measured on the last 40 DRCD dev articles: the
    reader's span char-F1 on the chosen sentence 0.263 when it read the Simplified form, 0.309 in the corpus's."""
    if traditional_corpus:
        return text if is_traditional(text) else _converter("s2t").convert(text)
    return to_simplified(text)


def to_traditional(text: str) -> str:
    """The assistant's own wording in Traditional script with Taiwan phrasing (报告 → 報告, 内容 → 內容)."""
    return _converter("s2twp").convert(text)
