"""Cleaning of PDF-extraction damage, on real lines of the report."""

from qa.ingest.clean import Line, drop_page_furniture, is_page_number, join_wrapped, normalize_spacing
from qa.ingest.readers.plaintext import text_document, text_lines
from qa.ingest.structure import BlockKind, build_blocks, cleaned_text


def blocks_of(raw: str, page_start: str = "form-feed"):
    return build_blocks(text_document(raw, "report.txt", page_start))


def lines_of(raw: str, page_start: str = "form-feed") -> list[Line]:
    return [Line(b.text, b.starts_page) for b in text_lines(raw, page_start) if not is_page_number(b.text)]

#: Three earlier pages that end with the footer residue "北", so the residue is frequent enough to be found.
PAGES_BEFORE = "".join(f"第{n}页的最后一句话到此北\n\n 第{n + 1}页开头。\n" for n in range(1, 4))


def _clean(raw: str, pages_before: str = PAGES_BEFORE) -> str:
    return cleaned_text(blocks_of(pages_before + raw, page_start="indent"))


def test_footer_bei_before_page_break_is_removed():
    raw = "时，B 轮、C 轮及以后的企业数量占比合计 24.21%，绝对数量超北\n\n 过 100 家，说明北京人工智能企业价值受到资本认可。\n"
    text = _clean(raw)
    assert "超过100家" in text
    assert "超北" not in text


def test_footer_bei_after_sentence_end_with_space_is_removed():
    raw = "促进人工智能技术的快速\n\n发展和迭代。 北\n\n 二是应用技术领先：在中文信息处理、语音合成与识别、语\n\n义理解等方向处于世界领先水平。\n"
    text = _clean(raw)
    assert "发展和迭代。\n二是应用技术领先" in text


def test_real_beijing_split_across_lines_is_kept():
    raw = "业数量达 1084 家，占全国人工智能企业总量的 26.5%；其中北\n\n京人工智能相关软件企业收入规模约 1122 亿元。\n"
    assert "其中北京人工智能相关软件企业" in _clean(raw)


def test_trailing_bei_at_document_end_is_removed():
    lines = drop_page_furniture(lines_of(PAGES_BEFORE + "打造提供实施主体。北\n", page_start="indent"))
    assert lines[-1].text == "打造提供实施主体。"


def test_a_real_word_at_a_page_break_is_never_cut():
    text = _clean("该公司总部设在河北\n    省石家庄市，员工三百人。\n")
    assert "总部设在河北省石家庄市" in text


def test_a_rare_line_end_character_is_not_furniture():
    assert "到此北" in _clean("", pages_before=PAGES_BEFORE.replace("到此北", "到此", 1).replace("到此北", "到此", 1))


def test_running_headers_and_footers_repeated_across_pages_are_dropped():
    pages = "\f".join(f"某某研究院年度报告\n第{n}部分的正文内容写在这里。\n内部资料 注意保密" for n in range(1, 5))
    text = cleaned_text(blocks_of(pages))
    assert "某某研究院年度报告" not in text and "内部资料" not in text
    assert text.count("部分的正文内容写在这里。") == 4


def test_without_page_marks_nothing_is_removed():
    assert cleaned_text(blocks_of("最后一句话到此北\n\n 下一页开头。\n")).startswith("最后一句话到此北")


def test_page_number_lines_are_dropped():
    assert [l.text for l in lines_of("第一行\n\n  12  \n\n- 3 -\n第二行")] == ["第一行", "第二行"]
    for number in ("3/12", "- 3 -", "第 3 页", "第3页 共12页", "共 12 页 第 3 页", "Page 3 of 12"):
        assert is_page_number(number), number
    assert not is_page_number("2019年3月")


def test_hard_line_breaks_inside_sentences_are_rejoined():
    raw = ("人工智能是新一轮产业变革的核心驱动力，将进一步释放历\n\n"
           "次科技革命和产业变革积蓄的巨大能量，并创造新的强大引擎。\n")
    assert _clean(raw, pages_before="") == "人工智能是新一轮产业变革的核心驱动力，将进一步释放历次科技革命和产业变革积蓄的巨大能量，并创造新的强大引擎。"


def test_cjk_number_spacing_is_normalised():
    assert normalize_spacing("预计到 2025 年人工智能应用市场总值将达 1270 亿美元。") == "预计到2025年人工智能应用市场总值将达1270亿美元。"
    assert normalize_spacing("高端 GPU 的价格") == "高端GPU的价格"
    assert normalize_spacing("Deep  Learning 模型") == "Deep Learning模型"


def test_join_keeps_space_between_latin_words_only():
    assert join_wrapped("2013 年以来成立的 AI", "企业大多发展良好") == "2013 年以来成立的 AI企业大多发展良好"
    assert join_wrapped("machine", "learning") == "machine learning"


def test_figure_captions_stay_labelled_and_separate(report_text):
    blocks = blocks_of(report_text, page_start="indent")
    captions = [b for b in blocks if b.kind is BlockKind.CAPTION]
    assert [b.label for b in captions] == ["图 1", "图 2", "图 3", "图 4", "图 5"]
    assert captions[0].text == "图 1 北京人工智能企业成立时间分布（442家获得融资的AI企业）"
    paragraphs = " ".join(b.text for b in blocks if b.kind is BlockKind.PARAGRAPH)
    assert "图 1 北京" not in paragraphs and "图1北京" not in paragraphs


def test_whole_report_has_no_footer_residue(report_text):
    text = _clean(report_text, pages_before="")
    for damaged in ("超北过", "目北前", "科学家和北高水平", "迭代。 北", "实施主体。北"):
        assert damaged not in text
    assert "1270亿美元" in text
    assert text.count("北京") >= 40
