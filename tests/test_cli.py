"""The `qa` command: the --json contract, the human layout, and clear errors."""

import json

import pytest

from qa.cli import main


@pytest.fixture()
def run(settings, assistant, capsys):
    """Run `qa` against the session index; returns (exit code, stdout, stderr)."""
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv, "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return _run


def test_ask_json_contract_answers_haidian_with_verbatim_citation(run, assistant):
    code, out, _ = run("ask", "哪个区的人工智能企业最多？", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"question", "answer", "answered", "citations", "latency_ms", "short_answer"}
    assert data["answered"] is True and "海淀" in data["answer"] and "[1]" in data["answer"]
    assert isinstance(data["latency_ms"], float)
    documents = {d.source: d.text for d in assistant.index.documents.values()}
    for n, c in enumerate(data["citations"], start=1):
        assert set(c) == {"n", "id", "source", "section", "text", "score", "page", "title"}
        assert c["n"] == n and c["text"] in documents[c["source"]]
        assert c["page"] is None and c["title"] == "人工智能产业发展研究报告"  # a text file has no pages
    assert "海淀" in data["citations"][0]["text"]


def test_ask_k_sets_the_number_of_citations(run):
    code, out, _ = run("ask", "B轮企业占比是多少？", "--json", "-k", "5")
    assert code == 0 and len(json.loads(out)["citations"]) == 5


def test_a_follow_up_is_asked_with_the_previous_question(run):
    code, out, _ = run("ask", "那朝阳区呢？", "--previous", "海淀区的人工智能企业占比多少？")
    assert code == 0 and out.startswith("按上文理解为：朝阳区的人工智能企业占比多少？") and "25.79%" in out
    code, out, _ = run("ask", "那朝阳区呢？", "--previous", "海淀区的人工智能企业占比多少？", "--json")
    assert code == 0 and json.loads(out)["question"] == "朝阳区的人工智能企业占比多少？"


def test_human_output_shows_answer_then_sources(run):
    code, out, _ = run("ask", "寒武纪是哪一年成立的？")
    assert code == 0
    answer, sources = out.split("来源：", 1)
    assert "2016-3" in answer and "[1]" in answer
    # the document's title, then (PDF only) the page, then the section
    assert sources.lstrip().startswith("[1] 人工智能产业发展研究报告 · 一、北京市人工智能产业发展情况 > ")


def test_unanswerable_question_is_refused(run):
    data = json.loads(run("ask", "ChatGPT是什么时候发布的？", "--json")[1])
    assert data["answered"] is False and "没有" in data["answer"]


def test_empty_question_is_a_clear_json_error(run):
    code, out, _ = run("ask", "   ", "--json")
    assert code == 2 and json.loads(out) == {"error": "问题不能为空，请输入要问的内容。"}


def test_bad_k_is_a_clear_error(run):
    code, _, err = run("ask", "海淀区占比多少？", "-k", "0")
    assert code == 2 and err.startswith("错误：k 必须是")


def test_missing_corpus_is_a_clear_error(tmp_path, capsys):
    code = main(["index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "idx")])
    assert code == 2 and "语料目录不存在" in capsys.readouterr().err


def test_usage_mistakes_are_reported_in_chinese(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask", "海淀区占比多少？", "-k", "abc"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：命令行参数有误") and "Traceback" not in err


def _read_only_folder(tmp_path):  # noqa: ANN001, ANN202
    """A folder this process cannot write: chmod works for ordinary users; root ignores it, so use sysfs."""
    import os
    from pathlib import Path

    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    return Path("/sys/kernel")


@pytest.mark.parametrize("where", ["a file", "inside a file", "read-only folder"])
@pytest.mark.parametrize("as_json", [False, True])
def test_unusable_index_folder_is_one_chinese_line_and_exit_2(settings, tmp_path, capsys, where, as_json):
    index = {"a file": "/etc/passwd", "inside a file": "/etc/passwd/index",
             "read-only folder": str(_read_only_folder(tmp_path))}[where]
    code = main(["ask", "海淀区占比多少？", "--index", index, "--corpus", str(settings.corpus_dir),
                 *(["--json"] if as_json else [])])
    out = capsys.readouterr()
    assert code == 2 and "Traceback" not in out.err
    message = json.loads(out.out)["error"] if as_json else out.err.strip()
    assert "\n" not in message and ("不是文件夹" in message or "无法写入" in message), message


def test_build_lock_held_too_long_is_a_clear_error(tmp_path):
    from qa.index.store import IndexUnavailable, build_lock

    with build_lock(tmp_path):
        with pytest.raises(IndexUnavailable, match="另一个进程正在建立索引"):
            with build_lock(tmp_path, wait_s=0.2):
                pass
