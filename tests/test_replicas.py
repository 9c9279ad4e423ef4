"""Two `ui.py` replicas on different ports sharing one Milvus server and one PostgreSQL: they answer alike (and as
the embedded path does) and record feedback into one table."""

from __future__ import annotations

import json
import signal
import urllib.request
from dataclasses import replace
from pathlib import Path

from qa.config import Settings
from qa.index.build import build_index
from qa.pipeline import Assistant
from qa.web.feedback import open_feedback

from engines import fresh_database, milvus_server, require, stop
from conftest import with_vector_cache
from test_milvus import QUESTIONS_COMPARED
from test_ui_startup import start_ui

QUESTIONS = ("哪个区的人工智能企业最多？", "寒武纪是哪一年成立的？", "北京人工智能企业有多少家？")


def _post(port: int, path: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def test_two_replicas_share_one_milvus_and_one_postgresql(settings: Settings, assistant: Assistant,
                                                          postgres_url: str, tmp_path: Path) -> None:
    require("pymilvus")
    feedback_url = fresh_database(postgres_url)
    with milvus_server(tmp_path / "milvus-data") as uri:
        shared = replace(settings, index_dir=with_vector_cache(settings, tmp_path / "index"), milvus=uri)
        build_index(shared, embedder=assistant.index.embedder, show_progress=False)
        replicas = []
        try:
            for _ in range(2):
                replicas.append(start_ui(shared, "--milvus", uri, "--feedback", feedback_url))
            for question in QUESTIONS:
                expected = assistant.ask(question).to_json()
                for _, port in replicas:
                    answer = _post(port, "/api/ask", {"question": question})
                    assert [answer[f] for f in QUESTIONS_COMPARED] == [expected[f] for f in QUESTIONS_COMPARED]
            for n, (_, port) in enumerate(replicas):
                assert _post(port, "/api/feedback", {"question": QUESTIONS[n], "answer": "答", "rating": "up"}) \
                    == {"ok": True}
        finally:
            for process, _ in replicas:
                stop(process, signal.SIGTERM)
    rows = open_feedback(feedback_url, Settings()).all()
    assert [row.question for row in rows] == list(QUESTIONS[:2])
