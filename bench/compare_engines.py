"""Do two `qa eval` runs (embedded and `--milvus`, say) give the same answers? Lists every question that differs.

    .venv/bin/python bench/compare_engines.py /tmp/eval-embedded/results.jsonl /tmp/eval-milvus/results.jsonl

Two answers are alike when the answer text, the refusal and the short answer are equal; the cited passage ids are
compared apart (in order, and as sets), since the citations past those the answer uses are the retrieval's tail,
where tied raw scores may be ordered differently by another engine. Scores and latency are not compared. Writes bench/results/engines-<name>.json (`write_result`) with the share alike
and each difference (question, both answers, both citation lists).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from common import write_result


def _key(row: dict) -> tuple:
    return row.get("answer"), row.get("answered"), row.get("short_answer")


def _cited(row: dict) -> list[str]:
    return [c["id"] for c in row.get("citations", [])]


def _rows(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as fh:
        return {row["id"]: row for row in map(json.loads, fh) if "id" in row}


def compare(first: Path, second: Path) -> dict:
    a, b = _rows(first), _rows(second)
    common = [qid for qid in a if qid in b]
    differ = [qid for qid in common if _key(a[qid]) != _key(b[qid])]
    order = [qid for qid in common if _cited(a[qid]) != _cited(b[qid])]
    return {
        "first": str(first), "second": str(second), "questions": len(common),
        "alike": len(common) - len(differ), "share_alike": round((len(common) - len(differ)) / max(1, len(common)), 4),
        "citations_same_order": len(common) - len(order),
        "citations_same_set": sum(set(_cited(a[qid])) == set(_cited(b[qid])) for qid in common),
        "citation_differences": [{"id": qid, "first": _cited(a[qid]), "second": _cited(b[qid])} for qid in order],
        "differences": [{"id": qid, "question": a[qid]["question"],
                         "first": {"answer": a[qid]["answer"], "citations": _cited(a[qid])},
                         "second": {"answer": b[qid]["answer"], "citations": _cited(b[qid])}}
                        for qid in differ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--name", default="comparison", help="result file bench/results/engines-NAME.json")
    args = parser.parse_args()
    result = compare(args.first, args.second)
    out = write_result(f"engines-{args.name}", result)
    print(f"answers alike {result['alike']}/{result['questions']} ({result['share_alike']:.2%}); citations in the "
          f"same order {result['citations_same_order']}, same set {result['citations_same_set']}; {out}",
          file=sys.stderr)
    for d in result["differences"]:
        print(f"- {d['id']} {d['question']}\n  1: {d['first']['answer'][:80]} {d['first']['citations'][:3]}\n"
              f"  2: {d['second']['answer'][:80]} {d['second']['citations'][:3]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
