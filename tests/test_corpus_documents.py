"""A corpus of real documents through `qa index` and `qa ask`: unreadable files reported and skipped, PDF pages
cited, only changed documents re-encoded."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from qa.cli import main
from qa.config import ChunkingSettings, Settings
from qa.index.build import build_index
from qa.ingest.passages import build_passages
from qa.ingest.read import CorpusError, read_corpus
from qa.ingest.readers.plaintext import text_document

from index_fakes import HashEmbedder

DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"


def make_corpus(folder: Path, outside: Path) -> Path:
    """The fixture documents plus every kind of file that must be skipped."""
    shutil.copytree(DOCUMENTS, folder)
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.symlink(outside, folder / "passwd.txt")
    os.symlink(folder / "data.md", folder / "data_link.md")  # stays inside: read like the file itself
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\t\n\u3000\n", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrash")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    return folder


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, int, str, str]:
    """The corpus indexed once with the real embedder by `qa index`; (settings, exit code, stdout, stderr)."""
    root = tmp_path_factory.mktemp("documents")
    corpus = make_corpus(root / "corpus", root / "passwd")
    settings = Settings(corpus_dir=corpus, index_dir=root / "index")
    import io
    from contextlib import redirect_stderr, redirect_stdout
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["index", "--corpus", str(corpus), "--index", str(settings.index_dir)])
    return settings, code, out.getvalue(), err.getvalue()


def test_qa_index_reports_each_skipped_file_in_one_line_and_builds_the_rest(indexed):
    _, code, out, err = indexed
    assert code == 0 and "Traceback" not in err
    lines = err.splitlines()
    expected = {"passwd.txt": "语料目录之外", "empty.txt": "文件为空", "blank.md": "没有可提取的文字",
                "image.txt": "二进制", "broken.pdf": "无法解析", "sheet.xlsx": "不支持的文件类型"}
    for name, reason in expected.items():
        assert [line for line in lines if line.startswith(f"跳过 {name}：") and reason in line], name
    assert not [line for line in lines if "data_link.md" in line]
    assert any(line.startswith("读取完成：文档 7 个，PDF 页 4 页") and "跳过文件 6 个" in line for line in lines)
    assert any(line.startswith("需编码 ") and "预计编码用时约" in line for line in lines)
    assert out.startswith("索引已建立：文档 7 个（PDF 共 4 页）")


def test_nothing_outside_the_corpus_is_indexed(indexed):
    settings = indexed[0]
    passages = (settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip() / "passages.jsonl")
    assert "root:x:0:0" not in passages.read_text(encoding="utf-8")


def test_qa_ask_over_a_pdf_cites_its_page_and_title(indexed, capsys):
    settings = indexed[0]
    argv = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    assert main(["ask", "云栖智算科技有限公司是哪一年成立的？", "--json", *argv]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["citations"][0]
    assert data["answered"] and "2015" in data["answer"]
    assert first["source"] == "report.pdf" and first["page"] == 3 and first["title"] == "杭州市数字经济发展报告"
    assert main(["ask", "澜途语音是哪一年成立的？", *argv]) == 0
    human = capsys.readouterr().out
    assert "2018" in human and "[1] 滨江区人工智能产业简报 · 企业名单" in human and "第" not in human.split("[1]")[1][:20]
    assert main(["ask", "云栖智算科技有限公司是哪一年成立的？", *argv]) == 0
    assert "[1] 杭州市数字经济发展报告 · 第3页 · 三、重点企业" in capsys.readouterr().out


def test_a_corpus_without_any_readable_document_is_one_chinese_error(tmp_path: Path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["index", "--corpus", str(tmp_path), "--index", str(tmp_path / "idx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：语料目录中没有可读取的文档") and "跳过 empty.txt：文件为空" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(CorpusError):
        read_corpus(tmp_path)


def test_no_passage_exceeds_the_maximum_whatever_the_punctuation():
    chunking = ChunkingSettings()
    unpunctuated = "数据" * 10_000
    commas = "，".join(["这是一个没有句号的长分句"] * 300)
    text = f"{unpunctuated}\n{commas}\n正常的一句话。\n"
    _, passages = build_passages([text_document(text, "long.txt")], chunking)
    assert max(len(p.text) for p in passages) <= chunking.max_chars
    assert "".join(p.text for p in passages).count("数据") == 10_000


def test_control_characters_are_stripped(tmp_path: Path):
    (tmp_path / "ctrl.txt").write_text("滨江区\x00企业\u200b众多\x1b。\n第二行\x7f。\n", encoding="utf-8")
    document = read_corpus(tmp_path).documents[0]
    _, passages = build_passages([document], ChunkingSettings())
    assert "滨江区企业众多。" in passages[0].text
    assert not any(ch in p.text for p in passages for ch in "\x00\u200b\x1b\x7f")


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting the passages it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def embed_passages(self, texts):
        self.encoded += len(texts)
        return super().embed_passages(texts)


def test_rebuilding_encodes_only_the_passages_of_changed_documents(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DOCUMENTS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    fake = CountingEmbedder()
    first = build_index(settings, fake, show_progress=False)
    assert first.encoded == first.passages
    full = fake.encoded  # passages and their sentences
    (corpus / "extra.md").write_text("# 上城区报告\n\n上城区的金融科技企业有58家。\n", encoding="utf-8")
    second = build_index(settings, fake, show_progress=False)
    assert second.passages > first.passages and second.encoded == 2  # its title passage and its one text passage
    assert 2 <= fake.encoded - full <= 4  # and its one or two sentences
    encoded = fake.encoded
    third = build_index(settings, fake, show_progress=False)
    assert third.encoded == 0 and fake.encoded == encoded
