"""Whether a string occurs anywhere in the corpus's text, without scanning the text for it.

Why: the answer layer asks this for every question term its lexical index lacks (a term can occur segmented
differently: 智能企 inside 人工智能企业), and for misspelt names. Python's `in` scans the whole text: 6-10 ms per
absent term at 100,000 passages (15 M characters), so a question of a few absent words cost more than the
rest of its answer. Here the text's positions are grouped by character once (one sort when the index is
loaded: 1.5 s and 8 bytes per character at 100,000 passages); a lookup takes the positions of the term's
rarest character and keeps those where the term's other characters, rarest first, follow in place — numpy work
in proportion to that character's count, not to the corpus's size, and exactly the answer of `in`. Measured on
the synthetic 100,000-passage corpus of `bench/bench_scale.py`: 0.5-0.7 ms per term (at most ~5 ms, for a term
of only common characters) against 9.7 ms for `in`.
"""

from __future__ import annotations

import numpy as np


def _codes(text: str) -> np.ndarray:
    """The text's code points, one uint32 per character."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


class CorpusText:
    """Substring membership over one text (`term in corpus_text`), answered from positions grouped by character."""

    def __init__(self, text: str) -> None:
        self._codes = _codes(text)
        order = np.argsort(self._codes, kind="stable")
        grouped = self._codes[order]
        #: every position of the text, grouped by its character (`_chars` order)
        self._positions = order.astype(np.int32 if len(order) < 2**31 else np.int64)
        del order
        #: the distinct characters, where each one's positions start in `_positions`, and how many there are
        changes = np.flatnonzero(grouped[1:] != grouped[:-1]) + 1
        self._starts = np.concatenate(([0], changes)) if len(grouped) else changes
        self._chars = grouped[self._starts]
        self._counts = np.diff(np.append(self._starts, len(grouped)))

    def __contains__(self, term: object) -> bool:
        if not isinstance(term, str):
            raise TypeError("CorpusText holds strings")
        if not term:
            return True
        codes = _codes(term)
        slots = np.searchsorted(self._chars, codes)
        if np.any(slots >= len(self._chars)) or np.any(self._chars[np.minimum(slots, len(self._chars) - 1)] != codes):
            return False  # a character the corpus never has
        by_rarity = np.argsort(self._counts[slots], kind="stable")  # the rarest characters narrow the most
        rarest = int(by_rarity[0])
        first = self._starts[slots[rarest]]
        starts = self._positions[first:first + self._counts[slots[rarest]]].astype(np.int64) - rarest
        starts = starts[(starts >= 0) & (starts + len(codes) <= len(self._codes))]
        for offset in by_rarity[1:]:
            starts = starts[self._codes[starts + offset] == codes[offset]]
            if not starts.size:
                return False
        return bool(starts.size)
