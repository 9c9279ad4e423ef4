"""`qa eval` end to end on the real index: results.jsonl, summary.json, a self-contained report.html,
baseline comparison, Ctrl-C part way, and the CLI's clear errors."""

import json
import re

import pytest

from qa.cli import main
from qa.evaluate.questions import EvalQuestion
from qa.evaluate.runner import evaluate, load_baseline

CONTRACT = {"question", "answer", "answered", "citations", "latency_ms", "short_answer"}
QUESTIONS = [
    EvalQuestion("ok", "海淀区的人工智能企业占全市多少比例？", ("62.44%",), ("62.44%",), line=1,
                 reference=("海淀区占比达62.44%",)),
    EvalQuestion("wrong-key", "B轮企业占比是多少？", ("99.99%",), ("14.48%",), line=2),
    EvalQuestion("refuse", "ChatGPT是什么时候发布的？", unanswerable=True, line=3),
    EvalQuestion("html", "寒武纪是哪一年成立的？<\"&'>", ("2016-3",), ("寒武纪",), line=4),
    EvalQuestion("bad", "？？？", ("x",), line=5),
]


def _external_references(page: str) -> list[str]:
    """Anything a browser could fetch: URLs, src/href attributes, CSS url()/@import, scripts, links."""
    patterns = [r"https?://", r"//[a-z0-9.-]+\.[a-z]{2,}", r"\bsrc\s*=", r"\bhref\s*=", r"url\(", r"@import",
                r"<script", r"<link", r"<iframe", r"<img", r"<object", r"<embed"]
    return [p for p in patterns if re.search(p, page, flags=re.IGNORECASE)]


@pytest.fixture(scope="module")
def first_run(assistant, tmp_path_factory):
    out = tmp_path_factory.mktemp("eval1")
    return evaluate(assistant, QUESTIONS, out, source="hand-made", show_progress=False)


def test_results_jsonl_is_the_ask_contract_plus_id_and_checks(first_run):
    lines = [json.loads(x) for x in (first_run.out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == [q.id for q in QUESTIONS]
    for r in lines:
        assert CONTRACT <= set(r) and {"id", "checks", "expected"} <= set(r)
    by_id = {r["id"]: r for r in lines}
    assert by_id["ok"]["checks"]["passed"] and 0.2 < by_id["ok"]["checks"]["char_f1"] <= 1
    assert by_id["wrong-key"]["checks"]["failed"] == ["answer"]
    assert by_id["refuse"]["checks"]["passed"] and not by_id["refuse"]["answered"]
    assert by_id["bad"]["checks"]["failed"] == ["error"] and "没有文字" in by_id["bad"]["error"]


def test_summary_json(first_run):
    s = json.loads((first_run.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert s["interrupted"] is False and s["counts"]["questions"] == 5 and s["counts"]["errors"] == 1
    assert s["metrics"]["answer_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["metrics"]["unanswerable_recall"] == 1.0 and s["metrics"]["citation_verbatim"] == 1.0
    assert s["metrics"]["latency_p50_ms"] > 0 and s["failed"] == {"wrong-key": ["answer"], "bad": ["error"]}


def test_report_is_self_contained_escaped_and_lists_failures_first(first_run):
    page = (first_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert _external_references(page) == []
    assert "<svg" in page and "寒武纪是哪一年成立的？&lt;&quot;&amp;&#x27;&gt;" in page
    rows = re.findall(r'<tr class="(fail|pass)" id="q-([^"]+)"', page)
    assert rows[:2] == [("fail", "wrong-key"), ("fail", "bad")] and {r[0] for r in rows[2:]} == {"pass"}
    assert "答案缺少关键词" in page and "99.99%" in page and "<mark>14.48%</mark>" in page


def test_baseline_adds_comparison_and_marks_regressions(assistant, first_run, tmp_path):
    baseline = load_baseline(first_run.out_dir / "summary.json")
    baseline["metrics"]["hit@1"] = 1.01            # pretend the old run was better
    baseline["per_question"]["html"] = True
    worse = [q for q in QUESTIONS if q.id != "html"] + [
        EvalQuestion("html", QUESTIONS[3].q, ("不在答案里",), ("寒武纪",), line=4)]
    run = evaluate(assistant, worse, tmp_path, baseline=baseline, show_progress=False)
    b = run.summary["baseline"]
    assert "hit@1" in b["regressions"] and "answer_accuracy" in b["regressions"]
    assert b["newly_failed"] == ["html"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<th>基线</th>" in page and "退步" in page and "基线时通过" in page
    assert _external_references(page) == []


class _InterruptedAfter(list):
    """A question list whose iteration is stopped by Ctrl-C after `n` questions."""

    def __init__(self, items, n):
        super().__init__(items)
        self.n = n

    def __iter__(self):
        yield from list.__iter__(self[: self.n])
        raise KeyboardInterrupt


def test_ctrl_c_leaves_complete_files_for_the_questions_done(assistant, tmp_path):
    run = evaluate(assistant, _InterruptedAfter(QUESTIONS, 2), tmp_path, show_progress=False)
    assert run.interrupted
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["ok", "wrong-key"]
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s["interrupted"] is True and s["planned"] == 5 and s["counts"]["questions"] == 2
    assert "评测被中断" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.fixture()
def qa_eval(settings, assistant, capsys):
    def _run(*argv):
        code = main(["eval", *map(str, argv), "--corpus", str(settings.corpus_dir),
                     "--index", str(settings.index_dir)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return _run


def test_cli_eval_csv_with_bad_rows(qa_eval, tmp_path):
    f = tmp_path / "q.csv"
    f.write_bytes("\ufeffid,q,answer,evidence,unanswerable\n"
                  "c1,寒武纪是哪一年成立的？,2016,寒武纪,false\n"
                  "c2,,x,,\n"
                  "c3,广州的人工智能产业规模有多大？,,,true\n".encode("utf-8"))
    code, out, err = qa_eval(f, "--out", tmp_path / "out")
    assert code == 0
    assert "第 3 行：缺少问题" in err
    assert "答案正确率    1.00（1/1）" in out and "全部 2 题通过" in out
    assert (tmp_path / "out" / "report.html").is_file()


@pytest.mark.parametrize("case", ["missing", "empty", "out-is-a-file", "bad-baseline", "bad-k"])
def test_cli_eval_errors_are_one_chinese_line(qa_eval, tmp_path, case):
    good = tmp_path / "q.jsonl"
    good.write_text('{"id": "1", "q": "B轮企业占比是多少？", "answer": ["14.48%"]}\n', encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    argv = {
        "missing": [tmp_path / "nope.jsonl", "--out", tmp_path / "o"],
        "empty": [tmp_path / "empty.jsonl", "--out", tmp_path / "o"],
        "out-is-a-file": [good, "--out", tmp_path / "file"],
        "bad-baseline": [good, "--out", tmp_path / "o", "--baseline", tmp_path / "file"],
        "bad-k": [good, "--out", tmp_path / "o", "-k", "0"],
    }[case]
    code, out, err = qa_eval(*argv)
    assert code == 2 and out == ""
    assert err.startswith("错误：") and err.count("\n") == 1 and "Traceback" not in err
