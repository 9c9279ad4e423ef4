"""The Milvus side of an index: one collection per build, the live build behind an alias.

Used instead of bm25s + FAISS when `--milvus URI` (or `QA_MILVUS`) is given: a URI ending in `.db` is Milvus Lite
embedded in the process, `http://host:port` a Milvus server or cluster. The replica then holds no BM25 matrix and
no FAISS index: the engine ranks passages (its own BM25 over the product's tokens, the dense vectors, RRF).

Each build is a new collection `<prefix>_<build>`; when it is complete, loaded and the build folder is live, the
alias `<prefix>_live` is moved to it in one call and every older `<prefix>_*` collection is dropped. The prefix
comes from the index folder's path, so a CMRC evaluation index and the report's index never replace each other
in one Milvus.

Rows: `pos` (the passage's position in the build folder's passages.jsonl, the primary key), `pid` (its stable
id, checked on the way back), `source`, `page`, `terms` (the passage's index text cut by the product's own
Segmenter, each token written as an ASCII word — see `term_word` — joined with spaces; Milvus's BM25 function
turns it into a sparse vector), `dense` (the passage vector), and what the answer layer reads about the passage
(`passage`, `statements`, `tags`: `qa.index.milvus_rows`, which also writes the documents' text to `<build>_text`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from qa.errors import UserError
from qa.index.milvus_rows import MilvusRows, row_fields, text_chunks
from qa.index.skeleton import Skeleton
from qa.index.store import Manifest
from qa.segment.tokenizer import Segmenter
from qa.types import Document, Passage

#: Dense index types offered for the collection (`--milvus-index`): HNSW by default, FLAT for exact search,
#: IVF_FLAT / IVF_SQ8 / HNSW_SQ for large corpora where memory matters more (BENCHMARKS.md, capacity plan).
DENSE_INDEX_TYPES = ("HNSW", "FLAT", "IVF_FLAT", "IVF_SQ8", "HNSW_SQ")
#: Same graph degree, build and search breadth as the FAISS HNSW index (`qa.index.dense`).
HNSW_PARAMS = {"M": 32, "efConstruction": 80}
HNSW_EF = 96
IVF_NLIST = 1024
IVF_NPROBE = 32
#: Rows per insert call: keeps a gRPC message well under Milvus's 64 MB limit (384-d float vectors + text).
INSERT_BATCH = 2_000
MAX_TEXT_BYTES = 65_535
#: How long to wait for a server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10
#: The manifest's `dense_kind` of a Milvus build: `milvus:hnsw`, `milvus:ivf_sq8`, …
DENSE_KIND_PREFIX = "milvus:"


class MilvusUnavailable(UserError):
    """Milvus cannot be used as asked (extra not installed, server unreachable, collection missing)."""


def is_milvus_lite(uri: str) -> bool:
    """A path ending in `.db` is Milvus Lite, run inside this process."""
    return uri.endswith(".db") and "://" not in uri


def term_word(token: str) -> str:
    """A token as one lowercase ASCII word: every Milvus analyzer (Milvus Lite's `\\w+`, the server's standard or
    whitespace tokenizer) keeps it whole and unchanged, so the engine counts exactly the product's tokens —
    "62.44%", "ai" or a company name with a space are never cut again or lower-cased into another token."""
    digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=10).digest()
    return "t" + base64.b32encode(digest).decode("ascii").lower()


def term_text(tokens: Iterable[str]) -> str:
    """The BM25 field's text for a token list."""
    return " ".join(term_word(t) for t in tokens)


_CLIENTS: dict[str, Any] = {}


def connect(uri: str) -> Any:
    """One `MilvusClient` per URI for the process (a hot-swapped index reuses the connection)."""
    if uri in _CLIENTS:
        return _CLIENTS[uri]
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise MilvusUnavailable("未安装 Milvus 支持：请运行 pip install '.[milvus]'") from exc
    # pymilvus logs every failed call with its traceback; the caller reports it as one Chinese line instead
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    if is_milvus_lite(uri):
        Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        target = str(Path(uri).expanduser().resolve())
    elif uri.startswith(("http://", "https://", "tcp://", "unix:")):
        target = uri
    else:
        raise MilvusUnavailable(f"无法识别的 Milvus 地址 {uri}：请给出以 .db 结尾的本地文件，或 http://主机:端口")
    try:
        client = MilvusClient(target, timeout=CONNECT_TIMEOUT_S)
    except Exception as exc:  # pymilvus raises its own and grpc's errors: all mean "cannot reach it"
        raise MilvusUnavailable(f"无法连接 Milvus {uri}：{exc}") from exc
    _CLIENTS[uri] = client
    return client


def disconnect(uri: str) -> None:
    """Close this process's connection to `uri` (Milvus Lite lets one process at a time open a `.db` file)."""
    client = _CLIENTS.pop(uri, None)
    if client is not None:
        client.close()


def collection_prefix(index_dir: Path) -> str:
    """`qa_<hash of the index folder's path>`: the builds of one index folder, apart from any other's."""
    return "qa_" + hashlib.sha256(str(index_dir.resolve()).encode("utf-8")).hexdigest()[:10]


def alias_of(index_dir: Path) -> str:
    return collection_prefix(index_dir) + "_live"


#: The documents' text of a build sits in `<collection>_text`, behind `<alias>_text`.
TEXT_SUFFIX = "_text"


@dataclass(frozen=True)
class MilvusBuild:
    """Where one build's passages live in Milvus: the URI, the build's own collection and the live alias."""

    uri: str
    collection: str
    alias: str
    #: the dense index type (`DENSE_INDEX_TYPES`), for the search parameters
    index_type: str = "HNSW"

    @classmethod
    def recorded(cls, uri: str, manifest: Manifest) -> "MilvusBuild":
        """The build a manifest names, searched at `uri`."""
        return cls(uri, manifest.milvus_collection, manifest.milvus_alias,
                   manifest.dense_kind.removeprefix(DENSE_KIND_PREFIX).upper())

    @property
    def client(self) -> Any:
        return connect(self.uri)

    def load(self) -> None:
        """Have the engine hold the build (passages and documents' text) in memory for searching (a no-op when it
        already does; Milvus Lite forgets it when the process that loaded it ends)."""
        try:
            for name in (self.collection, self.collection + TEXT_SUFFIX):
                self.client.load_collection(name)
        except MilvusUnavailable:
            raise
        except Exception as exc:
            raise MilvusUnavailable(f"Milvus {self.uri} 无法载入集合 {self.collection}：{exc}") from exc

    def exists(self) -> bool:
        """Whether the build's collection is still there (a newer build drops it)."""
        try:
            return bool(self.client.has_collection(self.collection))
        except MilvusUnavailable:
            raise
        except Exception as exc:
            raise MilvusUnavailable(f"无法连接 Milvus {self.uri}：{exc}") from exc

    def rows(self, dim: int, skeleton: Skeleton, segmenter: Segmenter) -> MilvusRows:
        """The answer layer's per-passage data of the live build, fetched as needed."""
        return MilvusRows(self.client, self.alias, self.alias + TEXT_SUFFIX, dim, skeleton, segmenter)


def _schema(client: Any, dim: int) -> Any:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, description="report-qa passages of one build")
    schema.add_field("pos", DataType.INT64, is_primary=True)
    # VARCHAR lengths count bytes: a Chinese file name takes three per character, and a passage id holds its name
    schema.add_field("pid", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_field("source", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_field("page", DataType.INT64)
    schema.add_field("terms", DataType.VARCHAR, max_length=MAX_TEXT_BYTES, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    for name in ("passage", "statements", "tags"):  # `qa.index.milvus_rows.row_fields`
        schema.add_field(name, DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_function(Function(name="terms_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["terms"], output_field_names=["sparse"]))
    return schema


def _text_schema(client: Any) -> Any:
    """The documents' text in chunks (`qa.index.milvus_rows.text_chunks`); a Milvus collection must hold a vector
    field, so a two-dimensional one stands unused."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, description="report-qa document text of one build")
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc", DataType.INT64)
    schema.add_field("seq", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)
    return schema


def dense_index_params(index_type: str) -> dict[str, Any]:
    """The dense field's index parameters for one of `DENSE_INDEX_TYPES`."""
    if index_type in ("HNSW", "HNSW_SQ"):
        return dict(HNSW_PARAMS, **({"sq_type": "SQ8"} if index_type == "HNSW_SQ" else {}))
    if index_type in ("IVF_FLAT", "IVF_SQ8"):
        return {"nlist": IVF_NLIST}
    return {}


def dense_search_params(index_type: str) -> dict[str, Any]:
    if index_type in ("HNSW", "HNSW_SQ"):
        return {"ef": HNSW_EF}
    if index_type in ("IVF_FLAT", "IVF_SQ8"):
        return {"nprobe": IVF_NPROBE}
    return {}


def check_index_type(index_type: str) -> str:
    """The index type in upper case, or a Chinese message naming the ones there are."""
    upper = index_type.upper()
    if upper not in DENSE_INDEX_TYPES:
        raise MilvusUnavailable(f"不支持的 Milvus 向量索引类型 {index_type}：可选 {'、'.join(DENSE_INDEX_TYPES)}")
    return upper


@dataclass(frozen=True)
class AnswerData:
    """What the answer layer reads about each passage, written beside the ranking fields: the quotable sentences'
    vectors (rows in passage order) and POS tags, and the documents whose text it searches."""

    statement_vectors: np.ndarray
    tags: list[str | None]
    documents: list[Document]


def _insert(client: Any, collection: str, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            client.insert(collection, batch)
            batch = []
    if batch:
        client.insert(collection, batch)
    client.flush(collection)


def _passage_rows(passages: list[Passage], token_lists: list[list[str]], vectors: np.ndarray,
                  answer: AnswerData) -> Iterable[dict[str, Any]]:
    first = 0
    for pos, (p, tokens, vector) in enumerate(zip(passages, token_lists, vectors)):
        last = first + len(p.statements)
        row = {"pos": pos, "pid": p.id, "source": p.source, "page": -1 if p.page is None else p.page,
               "terms": term_text(tokens), "dense": vector.tolist(),
               **row_fields(p, answer.statement_vectors[first:last], answer.tags[first:last])}
        first = last
        if max(len(v.encode("utf-8")) for v in row.values() if isinstance(v, str)) > MAX_TEXT_BYTES:
            raise MilvusUnavailable(
                f"段落 {p.id} 过长，超出 Milvus 字段上限（{MAX_TEXT_BYTES} 字节）：请减小段落长度")
        yield row


def write_build(uri: str, index_dir: Path, build_name: str, passages: list[Passage], token_lists: list[list[str]],
                vectors: np.ndarray, index_type: str, answer: AnswerData) -> MilvusBuild:
    """Create the build's collections (passages; documents' text), insert every row, index and load them. Not yet
    live (`make_live`)."""
    client = connect(uri)
    prefix = collection_prefix(index_dir)
    index_type = check_index_type(index_type)
    build = MilvusBuild(uri, f"{prefix}_{build_name}", alias_of(index_dir), index_type)
    params = client.prepare_index_params()
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    params.add_index("dense", index_type=index_type, metric_type="IP", params=dense_index_params(index_type))
    text_params = client.prepare_index_params()
    text_params.add_index("unused", index_type="FLAT", metric_type="L2")
    text = build.collection + TEXT_SUFFIX
    for name in (build.collection, text):
        if client.has_collection(name):  # a killed build of the same name: start it again
            client.drop_collection(name)
    client.create_collection(build.collection, schema=_schema(client, int(vectors.shape[1])), index_params=params)
    client.create_collection(text, schema=_text_schema(client), index_params=text_params)
    _insert(client, build.collection, _passage_rows(passages, token_lists, vectors, answer))
    _insert(client, text, text_chunks(answer.documents))
    client.load_collection(build.collection)
    client.load_collection(text)
    return build


def make_live(build: MilvusBuild) -> None:
    """Point the aliases at this build (one call each: searches go to the old build or the new, never to neither),
    then drop the older builds of the same index folder."""
    client = build.client
    prefix = build.alias[: -len("_live")]
    aliases = client.list_aliases().get("aliases", [])
    for collection, alias in ((build.collection, build.alias),
                              (build.collection + TEXT_SUFFIX, build.alias + TEXT_SUFFIX)):
        if alias in aliases:
            client.alter_alias(collection, alias)
        else:
            client.create_alias(collection, alias)
    for name in client.list_collections():
        if name.startswith(prefix + "_") and name not in (build.collection, build.collection + TEXT_SUFFIX):
            client.drop_collection(name)
