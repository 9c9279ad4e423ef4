"""Question files for `qa eval`: JSONL, CSV as Excel writes it (BOM, `|` lists), and bad rows named by line."""

import pytest

from qa.evaluate.questions import EvalError, EvalQuestion, parse_questions, read_questions


def test_jsonl_dev_format(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "d01", "q": "寒武纪是哪一年成立的？", "answer": ["2016-3"], "evidence": ["寒武纪"], '
                 '"unanswerable": false}\n\n'
                 '{"id": "d29", "q": "ChatGPT是什么时候发布的？", "answer": [], "evidence": [], "unanswerable": true}\n'
                 '{"id": "r1", "q": "海淀占比？", "answer": "62.44%", "reference": "海淀区，占比达62.44%"}\n',
                 encoding="utf-8")
    questions, errors = read_questions(f)
    assert errors == []
    assert questions[0] == EvalQuestion("d01", "寒武纪是哪一年成立的？", ("2016-3",), ("寒武纪",), False, (), 1)
    assert questions[1].unanswerable and questions[1].answer == () and questions[1].line == 3
    assert questions[2].answer == ("62.44%",) and questions[2].reference == ("海淀区，占比达62.44%",)


def test_jsonl_bad_lines_are_named_and_the_rest_is_read(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "q": "问题一"}\n'
                 '{"id": "b", "q": 问题二}\n'              # broken JSON
                 '{"id": "c", "answer": ["x"]}\n'           # missing q
                 '["not", "an", "object"]\n'
                 '{"id": "e", "q": "  "}\n'                 # empty q
                 '{"id": "a", "q": "重复的 id"}\n'
                 '{"id": "g", "q": "问题七", "unanswerable": "maybe"}\n'
                 '{"q": "没有 id 的问题"}\n', encoding="utf-8")
    questions, errors = read_questions(f)
    assert [q.id for q in questions] == ["a", "L8"]
    assert [e.line for e in errors] == [2, 3, 4, 5, 6, 7]
    messages = [str(e) for e in errors]
    assert messages[0].startswith("第 2 行：不是有效的 JSON")
    assert "缺少问题" in messages[1] and "缺少问题" in messages[3]
    assert "JSON 对象" in messages[2] and "重复" in messages[4] and "unanswerable" in messages[5]


def test_csv_with_bom_and_pipe_lists_as_excel_writes_it(tmp_path):
    f = tmp_path / "q.csv"
    text = ("id,q,answer,evidence,unanswerable,reference\r\n"
            "c1,海淀和朝阳两区合计占比多少？,88%,88%,FALSE,\r\n"
            'c2,"北京先后成立了哪些人工智能研究院？","北京前沿国际人工智能研究院|北京智源人工智能研究院",'
            "北京智源人工智能研究院,false,\r\n"
            "c3,ChatGPT是什么时候发布的？,,,TRUE,\r\n"
            'c4,"含逗号,和""引号""的问题",a | b ,,0,参考答案\r\n')
    f.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    questions, errors = read_questions(f)
    assert errors == []
    assert [q.id for q in questions] == ["c1", "c2", "c3", "c4"]
    assert questions[0].answer == ("88%",) and not questions[0].unanswerable and questions[0].reference == ()
    assert questions[1].answer == ("北京前沿国际人工智能研究院", "北京智源人工智能研究院")
    assert questions[2].unanswerable and questions[2].answer == ()
    assert questions[3].q == '含逗号,和"引号"的问题' and questions[3].answer == ("a", "b")
    assert questions[3].reference == ("参考答案",)


def test_csv_without_bom_semicolons_and_bad_rows(tmp_path):
    f = tmp_path / "q.csv"
    f.write_text("id;q;answer;evidence;unanswerable\n"
                 "s1;B轮企业占比是多少？;14.48%;14.48%;\n"
                 "s2;;x;;\n"
                 "s3;问题;a;b;c;多出来的列\n"
                 "s4;问题四;;;是\n", encoding="utf-8")
    questions, errors = read_questions(f)
    assert [q.id for q in questions] == ["s1", "s4"] and questions[1].unanswerable
    assert [(e.line, e.message[:5]) for e in errors] == [(3, "缺少问题（"), (4, "有 6 列")]


def test_csv_header_without_q_is_a_file_error(tmp_path):
    f = tmp_path / "q.csv"
    f.write_text("id,question\n1,问题\n", encoding="utf-8")
    with pytest.raises(EvalError, match="第 1 行.*q 列"):
        read_questions(f)


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_files_are_a_clear_error(tmp_path, content):
    for name in ("q.jsonl", "q.csv"):
        f = tmp_path / name
        f.write_bytes(content)
        with pytest.raises(EvalError, match="文件为空"):
            read_questions(f)


def test_unreadable_files_are_clear_errors(tmp_path):
    with pytest.raises(EvalError, match="找不到问题文件"):
        read_questions(tmp_path / "missing.jsonl")
    with pytest.raises(EvalError, match="是一个目录"):
        read_questions(tmp_path)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("id,q\n1,海淀区占比\n".encode("gbk"))
    with pytest.raises(EvalError, match="第 2 行不是 UTF-8"):
        read_questions(gbk)


def test_format_is_sniffed_without_a_known_suffix():
    questions, _ = parse_questions('{"id": "1", "q": "问题"}\n', "jsonl")
    assert questions[0].q == "问题"
    questions, _ = parse_questions("id,q\n1,问题\n", "csv")
    assert questions[0].q == "问题"


def test_the_evidence_passage_is_found_in_normal_form_else_by_the_first_key():
    """Where a report question's fact sits (the training and calibration scripts leave out table facts by it): the
    first evidence string, compared in normal form (full-width digits, spaces of PDF text), else the first key."""
    from qa.evaluate.questions import evidence_passage
    from qa.types import Passage, PassageKind

    def passage(pid: str, text: str) -> Passage:
        return Passage(pid, "r.txt", (), PassageKind.TEXT, text, text, 0, len(text))

    passages = [passage("r#1", "全国人工智能企业 4084 家。"), passage("r#2", "北京人工智能相关企业数量达 １０８４ 家。")]
    asked = EvalQuestion(id="t1", q="北京有多少家AI企业？", answer=("4084",), evidence=("企业数量达1084家",))
    assert evidence_passage(asked, passages).id == "r#2"
    keyed = EvalQuestion(id="t2", q="全国有多少家？", answer=("4084家",))
    assert evidence_passage(keyed, passages).id == "r#1"
    assert evidence_passage(EvalQuestion(id="t3", q="？", answer=("5000家",)), passages) is None


def test_sentence_facts_are_answerable_keyed_questions_whose_fact_is_in_text_not_a_table():
    """What the training and calibration scripts learn sentence answers from: a table's facts are answered by table
    operations, an unanswerable or unkeyed question has no fact, a fact found nowhere has no passage."""
    from qa.evaluate.questions import sentence_facts
    from qa.types import Passage, PassageKind

    text = Passage("r#1", "r.txt", (), PassageKind.TEXT, "北京人工智能相关企业数量达1084家。", "", 0, 18)
    row = Passage("r#2", "r.txt", (), PassageKind.TABLE_ROW, "字节跳动 E轮 40亿美元", "", 18, 32,
                  cells=(("企业", "字节跳动"), ("金额", "40亿美元")))
    asked = [EvalQuestion(id="a", q="北京有多少家？", answer=("1084家",)),
             EvalQuestion(id="b", q="字节跳动融了多少？", answer=("40亿美元",)),
             EvalQuestion(id="c", q="利润多少？", answer=("1084家",), unanswerable=True),
             EvalQuestion(id="d", q="报告讲了什么？"),
             EvalQuestion(id="e", q="全国多少家？", answer=("4084家",))]
    assert [(q.id, home.id) for q, home in sentence_facts(asked, [text, row])] == [("a", "r#1")]
