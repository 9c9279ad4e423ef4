"""The scale benchmark's synthetic index stays a valid `LoadedIndex`: the benchmark is not run in CI (it takes
minutes), so this catches the day the index gains a field the benchmark does not fill (it once stopped running
for weeks that way). No timing is asserted."""

from __future__ import annotations

import sys

from qa.config import PROJECT_ROOT, Settings
from qa.pipeline import Assistant
from qa.segment.tokenizer import get_segmenter

from index_fakes import HashEmbedder

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import bench_scale  # noqa: E402


def test_synthetic_index_answers_questions() -> None:
    vocab, p, lengths = bench_scale.report_vocabulary()
    tokens = bench_scale.synthetic_token_lists(300, vocab, p, lengths)
    vectors, _ = bench_scale.synthetic_vectors(300, 1)
    index = bench_scale.synthetic_index(tokens, vectors, HashEmbedder(), get_segmenter())
    answer = Assistant(Settings.from_env(), index=index, show_progress=False).ask("人工智能企业有多少家？")
    assert answer.citations and all(c.text in index.documents[c.source].text for c in answer.citations)
