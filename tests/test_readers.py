"""Every format read into the same structured document, on small real files made by tests/fixtures/make_documents.py
(a Chromium-printed PDF with its default header and footer, a python-docx Word file, Markdown, HTML, GBK and
UTF-16 text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.config import ChunkingSettings
from qa.ingest.chars import clean_chars
from qa.ingest.passages import build_passages
from qa.ingest.read import read_corpus
from qa.ingest.readers.plaintext import decode
from qa.ingest.source import Unreadable
from qa.types import Passage, PassageKind

DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"


@pytest.fixture(scope="module")
def built() -> tuple[dict[str, object], list[Passage]]:
    corpus = read_corpus(DOCUMENTS)
    assert not corpus.skipped
    documents, passages = build_passages(corpus.documents, ChunkingSettings())
    return {d.source: d for d in documents}, passages


def of(passages: list[Passage], source: str) -> list[Passage]:
    return [p for p in passages if p.source == source]


def test_pdf_pages_title_and_table(built):
    documents, passages = built
    pdf = of(passages, "report.pdf")
    assert documents["report.pdf"].title == "杭州市数字经济发展报告" and documents["report.pdf"].pages == 4
    def page_of(words: str) -> int | None:
        return next(p.page for p in pdf if words in p.text)

    assert page_of("5675亿元") == 1 and page_of("云栖智算") == 3 and page_of("二是完善数据要素市场") == 4
    row = next(p for p in pdf if p.kind is PassageKind.TABLE_ROW and p.text.startswith("西湖区"))
    assert row.page == 2 and row.cells == (("区县", "西湖区"), ("企业数", "321"), ("占比", "41.2%"))
    assert row.section == ("二、区县分布",)


def test_pdf_page_furniture_never_reaches_a_passage(built):
    documents, passages = built
    text = documents["report.pdf"].text
    for furniture in ("file://", "report.html", " AM", " PM"):
        assert furniture not in text
    assert not re.search(r"\b\d/4\b|\d{1,2}/\d{1,2}/\d{2}", text)
    assert text.count("杭州市数字经济发展报告") == 1  # the title, not the running header on every page
    assert all("file://" not in p.index_text for p in of(passages, "report.pdf"))


def test_pdf_radical_code_points_are_mapped_back(built):
    text = built[0]["report.pdf"].text
    assert "人民币存款" in text and "长三角地区的门户" in text and "见证" in text
    assert not re.search("[\u2e80-\u2fdf]", text)
    assert clean_chars("⼈⺠币⻓⻆⼾") == "人民币长角户"


def test_pdf_paragraph_hard_wraps_are_rejoined(built):
    text = built[0]["report.pdf"].text
    assert "全市人民币存款余额持续增长，长三角地区的门户作用更加明显，数字经济已经成为全市经济增长的主要动力。" in text


def test_docx_headings_by_style_and_table(built):
    documents, passages = built
    assert documents["briefing.docx"].title == "滨江区人工智能产业简报"
    docx = of(passages, "briefing.docx")
    park = next(p for p in docx if "物联网小镇" in p.text)
    assert park.section == ("产业规模", "重点园区") and park.page is None
    row = next(p for p in docx if p.kind is PassageKind.TABLE_ROW and "澜途语音" in p.text)
    assert dict(row.cells) == {"企业": "澜途语音", "成立年份": "2018", "主营业务": "语音识别"}
    assert "成立年份：2018" in row.index_text


def test_markdown_headings_and_pipe_tables_are_parsed_not_shown_raw(built):
    documents, passages = built
    text = documents["data.md"].text
    assert documents["data.md"].title == "余杭区数据要素报告"
    assert "#" not in text and "|" not in text and "---" not in text
    assert "余杭区数据交易额在2023年达到86亿元，较上年增长37%。" in text  # soft break rejoined
    row = next(p for p in of(passages, "data.md") if p.text.startswith("数据商"))
    assert row.cells == (("类型", "数据商"), ("数量", "45"), ("占比", "52%")) and row.section == ("二、交易主体",)


def test_html_text_without_scripts_styles_or_navigation(built):
    documents, passages = built
    text = documents["tourism.html"].text
    assert documents["tourism.html"].title == "拱墅区运河数字文旅年报"
    assert "不应被索引" not in text and "color" not in text and "首页" not in text
    assert "2023年运河景区接待游客1860万人次，其中夜游占比达到35%。" in text
    assert "数字导览覆盖了全部12个码头" in text
    row = next(p for p in of(passages, "tourism.html") if p.text.startswith("拱宸桥"))
    assert row.section[-1] == "表 1 主要景点" and dict(row.cells)["游客（万人次）"] == "620"


def test_gbk_and_utf16_text_files_are_decoded(built):
    documents, _ = built
    assert "智能工厂累计建成27家" in documents["linping_gbk.txt"].text
    assert "同比增长24%" in documents["xiaoshan_utf16.txt"].text
    assert decode("\ufeff深圳".encode("utf-8")) == "深圳"
    assert decode("深圳的硬件产业链".encode("gb18030")) == "深圳的硬件产业链"


def test_binary_bytes_are_not_text():
    with pytest.raises(Unreadable, match="二进制"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")


def test_the_title_and_section_are_searched_but_not_quoted(built):
    _, passages = built
    body = next(p for p in passages if p.source == "report.pdf" and "钱塘芯片" in p.text)
    assert body.index_text.startswith("杭州市数字经济发展报告\n三、重点企业\n")
    assert "杭州市数字经济发展报告" not in body.text
