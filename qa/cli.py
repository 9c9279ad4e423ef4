"""The `qa` command: `qa index` builds the index, `qa ask "问题"` answers (human-readable or `--json`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, NoReturn, Sequence

from qa.errors import UserError
from qa.evaluate.questions import EvalError
from qa.index.build import build_index
from qa.options import add_feedback_option, add_source_options, k_option, settings_from
from qa.pipeline import Assistant
from qa.types import Answer, Citation


def citation_place(citation: Citation) -> str:
    """"杭州市数字经济发展报告 · 第3页 · 三、重点企业": the document's title, the page where it has pages, the
    section where the passage has one."""
    parts = [citation.title or citation.source]
    if citation.page is not None:
        parts.append(f"第{citation.page}页")
    if citation.section:
        parts.append(citation.section)
    return " · ".join(parts)


def format_answer(answer: Answer) -> str:
    """Answer first (after the question it was understood as, when a follow-up was resolved), then the numbered
    sources with their place in the report."""
    lines = [f"按上文理解为：{answer.question}", ""] if answer.typed else []
    lines += [answer.answer, ""]
    if answer.citations:
        lines.append("来源：" if answer.answered else "最接近的段落：")
        for c in answer.citations:
            lines.append(f"[{c.n}] {citation_place(c)}")
            lines.extend(f"    {line}" for line in c.text.splitlines())
    lines.append(f"（用时 {answer.latency_ms:.0f} 毫秒）")
    return "\n".join(lines)


def cmd_index(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.ray:
        from qa.index.ray_build import ray_workers  # Ray only when asked for

        with ray_workers(args.ray) as workers:
            manifest = build_index(settings, show_progress=True, workers=workers)
    else:
        manifest = build_index(settings, show_progress=True)
    pages = f"（PDF 共 {manifest.pages} 页）" if manifest.pages else ""
    print(f"索引已建立：文档 {manifest.documents} 个{pages}，段落 {manifest.passages} 个，"
          f"跳过文件 {len(manifest.skipped)} 个；向量模型 {manifest.embedder_id}，新编码 {manifest.encoded} 个段落；"
          f"用时 {manifest.build_seconds:.1f} 秒（其中编码 {manifest.encode_seconds:.1f} 秒）")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = Assistant(settings_from(args), show_progress=not args.json)
    answer = assistant.ask(args.question, args.k, args.previous)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Question files are asked against the given corpus; a CMRC/SQuAD data set brings its own corpus, written
    to --corpus (default OUT/corpus) and indexed into --index (default OUT/index)."""
    from qa.evaluate import runner
    from qa.evaluate.questions import detect_format, parse_questions, read_question_text
    from qa.evaluate.reading import is_reading_set, parse_reading_set, write_corpus

    text = read_question_text(args.file)
    if is_reading_set(text):
        reading = parse_reading_set(text)
        questions, row_errors = reading.questions, []
        args.corpus = args.corpus or args.out / "corpus"
        args.index = args.index or args.out / "index"
        write_corpus(reading.contexts, args.corpus)
        print(f"数据集：{len(reading.contexts)} 篇上下文 → {args.corpus}，{len(questions)} 题", file=sys.stderr)
    else:
        questions, row_errors = parse_questions(text, detect_format(args.file, text))
    for error in row_errors:
        print(f"警告：{args.file} {error}", file=sys.stderr)
    if not questions:
        raise EvalError(f"{args.file} 中没有可评测的问题")
    baseline = runner.load_baseline(args.baseline) if args.baseline else None
    assistant = Assistant(settings_from(args), show_progress=True)
    evaluation = runner.evaluate(assistant, questions, args.out, k=args.k, source=str(args.file),
                                 row_errors=row_errors, baseline=baseline)
    print(runner.format_summary(evaluation))
    return 130 if evaluation.interrupted else 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    from qa.web.feedback import export_questions, open_feedback

    store = open_feedback(args.feedback, settings_from(args))
    written = export_questions(store, args.out, args.rating)
    print(f"已导出 {written} 个问题到 {args.out}（来自 {store.path}）；可用 qa eval {args.out} --out DIR 评测。")
    return 0


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is reported in one Chinese line (with argparse's detail) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"错误：命令行参数有误（{message}）。运行 {self.prog} --help 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="qa", description="中文报告问答助手：从报告原文中抽取答案并标注出处。")
    sub = parser.add_subparsers(dest="command", required=True)
    index = sub.add_parser("index", help="建立或刷新索引")
    add_source_options(index)
    index.add_argument("--ray", default=None, metavar="ADDRESS",
                       help="在 Ray 集群上读取文档并编码：local（在本机启动集群，建完即停）、auto（本机已运行的集群）"
                            "或 ray://主机:端口（需 pip install '.[ray]'）")
    index.set_defaults(handler=cmd_index)
    ask = sub.add_parser("ask", help="提问")
    ask.add_argument("question", help="用中文提出的问题")
    ask.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    ask.add_argument("--previous", help="同一对话中的上一个问题：追问（如“那朝阳区呢？”）按它理解")
    k_option(ask, None, "列出的引用段落数（默认 3）")
    add_source_options(ask)
    ask.set_defaults(handler=cmd_ask)
    ev = sub.add_parser("eval", help="批量评测：问题文件 → results.jsonl、summary.json、report.html")
    ev.add_argument("file", type=Path,
                    help="问题文件（.jsonl 或 .csv，格式见 README），或 CMRC/SQuAD 格式的阅读理解数据集（.json）")
    ev.add_argument("--out", type=Path, required=True, help="输出目录")
    ev.add_argument("--baseline", type=Path, help="上次评测的 summary.json，用于对比并标出退步")
    k_option(ev, 5, "每题列出的引用段落数（默认 5，用于计算 hit@5）")
    add_source_options(ev)
    ev.set_defaults(handler=cmd_eval)
    feedback = sub.add_parser("feedback", help="网页对话中的 👍/👎 反馈")
    feedback_sub = feedback.add_subparsers(dest="action", required=True)
    export = feedback_sub.add_parser("export", help="把反馈导出为 qa eval 可读的问题文件（JSONL）")
    export.add_argument("--out", type=Path, required=True, help="输出文件，如 feedback.jsonl")
    export.add_argument("--rating", choices=("up", "down"), help="只导出有用（up）或有误（down）的反馈")
    add_feedback_option(export)
    export.add_argument("--index", type=Path, help="索引目录（用于找到旁边的反馈数据库；默认 index/）")
    export.set_defaults(handler=cmd_feedback_export, corpus=None, embedder=None, query_prompt=None,
                        passage_prompt=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UserError, OSError) as exc:
        # an OSError reaching here is a file the user named or must fix (a path, a permission, a full disk)
        message = str(exc) if isinstance(exc, UserError) else \
            f"无法读写 {exc.filename or '文件'}（{exc.strerror or exc.__class__.__name__}）"
        if getattr(args, "json", False):
            print(json.dumps({"error": message}, ensure_ascii=False))
        else:
            print(f"错误：{message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `qa ask … | head` closed the pipe: nothing left to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
