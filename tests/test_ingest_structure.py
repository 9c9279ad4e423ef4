"""Headings, list items and Table 1 give every passage a section path; rows become passages."""

from qa.ingest.table import parse_row
from qa.ingest.structure import BlockKind

from test_ingest_clean import blocks_of


def test_headings_at_both_levels(report_text):
    headings = [(b.level, b.text) for b in blocks_of(report_text, page_start="indent") if b.kind is BlockKind.HEADING]
    assert (1, "一、北京市人工智能产业发展情况") in headings
    assert (1, "三、对策建议") in headings
    assert (2, "4、人工智能产业发展生态良好，已经形成人工智能优势产业集群") in headings  # wrapped heading rejoined
    assert (2, "1、尽快出台推动人工智能产业快速发展的落地方案") in headings  # heading not glued to its paragraph
    assert len(headings) == 10  # 3 chapters, 4 + 3 numbered sections


def test_list_items_extend_the_section_path(report_text):
    blocks = blocks_of(report_text, page_start="indent")
    item = next(b for b in blocks if b.text.startswith("一是底层技术还比较薄弱"))
    assert item.section == ("二、北京市人工智能产业存在的问题", "一是底层技术还比较薄弱")


def test_table_rows_are_parsed_with_column_names(report_text):
    rows = [b for b in blocks_of(report_text, page_start="indent") if b.kind is BlockKind.TABLE_ROW]
    assert len(rows) == 14
    assert all(b.table_title.startswith("表 1 单次融资超过10亿人民币") for b in rows)
    shangtang = next(b.row for b in rows if "商汤" in b.text)
    assert shangtang.cells == (("序号", "4"), ("企业简称", "商汤科技"), ("成立时间", "2014-8"),
                               ("轮次", "D 轮"), ("融资事件", "2018.9 融资 10 亿美元"))
    geek = next(b.row for b in rows if "Geek" in b.text)
    assert geek.cell("企业简称") == "Geek+（极智嘉科技）" and geek.cell("轮次") == "B+轮"


def test_a_plain_text_report_without_page_marks_gets_the_same_structure(report_text):
    """Without the corpus's page rule only the page-break residue differs; headings, rows and paths stay."""
    with_rule = blocks_of(report_text, page_start="indent")
    without = blocks_of(report_text)
    assert [(b.kind, b.section) for b in without] == [(b.kind, b.section) for b in with_rule]


def test_hard_wrapped_lines_rejoin_by_column_width_not_by_fixed_strings():
    column = "这一行排满了整整一栏的文字内容一共二十八个汉字宽"
    raw = f"{column}\n接着写完这句话。\n短行结束段落\n新的一段开始了。\n"
    blocks = blocks_of(raw * 3)
    assert blocks[0].text == column + "接着写完这句话。"
    assert blocks[1].text == "短行结束段落"


def test_row_with_exact_column_count_and_short_row():
    columns = ["序号", "名称", "年份"]
    assert parse_row("1 甲公司 2019", columns).cells == (("序号", "1"), ("名称", "甲公司"), ("年份", "2019"))
    assert parse_row("2 乙公司", columns).cell("年份") == ""
