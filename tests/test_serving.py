"""Serving many callers: the fair answer gate, the hot index swap and what /healthz says about both.

Index builds here use the hash embedder (tests/index_fakes.py) so each takes well under a second; the swap
logic is the same for every embedder. No timing is asserted: blocking is done with events and a fake clock.
"""

from __future__ import annotations

import gc
import shutil
import threading
import time
import weakref
from pathlib import Path

import gradio as gr
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from qa.api import create_api
from qa.config import Settings
from qa.index.build import build_index
from qa.index.loader import open_index
from qa.pipeline import Assistant
from qa.serving.gate import AskGate, ServerBusy
from qa.serving.health import STARVED_AFTER_S
from qa.serving.heap import IdleCollector, freeze_long_lived
from qa.serving.live import LiveAssistant
from qa.serving.service import AskService
from qa.web.app import build_chat

from conftest import copy_corpus
from index_fakes import HashEmbedder


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def blocked_gate(workers: int = 1, **kwargs: object) -> tuple[AskGate, threading.Event, threading.Event]:
    """A gate whose workers are all busy until `release` is set (`started` is set once they are)."""
    gate = AskGate(workers=workers, **kwargs)  # type: ignore[arg-type]
    release, started = threading.Event(), threading.Event()
    running = [0]
    lock = threading.Lock()

    def hold() -> None:
        with lock:
            running[0] += 1
            if running[0] == workers:
                started.set()
        release.wait(30)

    for _ in range(workers):
        gate.submit(hold)
    assert started.wait(30)
    return gate, release, started


def test_gate_answers_in_arrival_order() -> None:
    gate, release, _ = blocked_gate(client_share=1.0)  # one client may fill the queue here
    order: list[int] = []
    futures = [gate.submit(order.append, i) for i in range(10)]
    assert gate.backlog()[:2] == (10, 1)
    release.set()
    for future in futures:
        future.result(timeout=30)
    assert order == list(range(10))
    gate.close()


def test_clients_take_turns() -> None:
    """A script that queued five questions does not make a person's one question wait for all five."""
    gate, release, _ = blocked_gate()
    order: list[str] = []
    futures = [gate.submit(order.append, f"script {i}", client="10.0.0.9") for i in range(5)]
    futures.append(gate.submit(order.append, "person", client="10.0.0.1"))
    futures.append(gate.submit(order.append, "script 5", client="10.0.0.9"))
    assert gate.backlog()[0] == 7
    release.set()
    for future in futures:
        future.result(timeout=30)
    assert order == ["script 0", "person", "script 1", "script 2", "script 3", "script 4", "script 5"]
    gate.close()


def test_errors_reach_the_caller_and_closing_cancels_the_waiting() -> None:
    gate = AskGate(workers=1)
    with pytest.raises(ZeroDivisionError):
        gate.call(lambda: 1 / 0)
    assert gate.call(lambda: 42) == 42  # the answer thread survived the error
    gate.close()
    gate, release, _ = blocked_gate()
    waiting = gate.submit(lambda: None)
    gate.close()
    assert waiting.cancelled() and gate.backlog()[0] == 0
    release.set()


def test_api_and_chat_questions_wait_in_their_clients_line(assistant: Assistant) -> None:
    lines: list[object] = []

    class RecordingGate(AskGate):
        def submit(self, fn, *args, client=""):  # type: ignore[no-untyped-def]
            lines.append(client)
            return super().submit(fn, *args, client=client)

    gate = RecordingGate(workers=1)
    client = TestClient(create_api(AskService(assistant, gate)))
    assert client.post("/api/ask", json={"question": "寒武纪是哪一年成立的？"}).status_code == 200
    assert lines == ["testclient"]  # the caller's address (Starlette's test client calls itself this)

    demo = build_chat(AskService(assistant, gate))
    submit = next(fn for fn in demo.fns.values() if getattr(fn.fn, "__name__", "") == "submit").fn
    request = gr.Request(Request({"type": "http", "client": ("10.1.2.3", 5000), "headers": []}))
    _, history, _ = submit("寒武纪是哪一年成立的？", [], [], 1, request)
    assert lines[-1] == "10.1.2.3" and "2016" in history[-1]["content"]
    gate.close()


def test_gate_runs_as_many_questions_at_once_as_it_has_workers() -> None:
    gate, release, started = blocked_gate(workers=2)  # both workers inside a call at the same time
    assert started.is_set() and gate.backlog()[1] == 2
    release.set()
    gate.close()


def test_full_queue_is_refused_at_once_in_chinese() -> None:
    gate, release, _ = blocked_gate(max_waiting=3, client_share=1.0)
    waiting = [gate.submit(lambda: None) for _ in range(3)]
    with pytest.raises(ServerBusy, match="服务器正忙"):
        gate.submit(lambda: None)
    release.set()
    for future in waiting:
        future.result(timeout=30)
    gate.submit(lambda: None).result(timeout=30)  # room again
    gate.close()


def test_question_that_waited_too_long_is_dropped_not_run() -> None:
    clock = FakeClock()
    gate, release, _ = blocked_gate(max_wait_s=5.0, clock=clock)
    ran: list[str] = []
    late = gate.submit(ran.append, "late")
    clock.now = 6.0
    assert gate.backlog()[2] == pytest.approx(6.0)
    release.set()
    with pytest.raises(ServerBusy):
        late.result(timeout=30)
    assert ran == []
    gate.close()


def test_healthz_turns_503_busy_while_questions_starve(assistant: Assistant) -> None:
    clock = FakeClock()
    gate, release, _ = blocked_gate(clock=clock)
    service = AskService(assistant, gate)
    client = TestClient(create_api(service), raise_server_exceptions=False)
    assert client.get("/healthz").status_code == 200
    gate.submit(lambda: None)
    clock.now = STARVED_AFTER_S + 1
    starved = client.get("/healthz")
    assert starved.status_code == 503 and starved.json()["status"] == "busy"
    assert starved.json()["queue"]["waiting"] == 1
    release.set()
    gate.close()


@pytest.fixture()
def own(tmp_path: Path) -> Settings:
    settings = Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")
    build_index(settings, HashEmbedder(), show_progress=False)
    return settings


def live_service(settings: Settings) -> tuple[LiveAssistant, TestClient]:
    assistant = Assistant(settings, index=open_index(settings, embedder=HashEmbedder(), show_progress=False),
                          show_progress=False)
    live = LiveAssistant(assistant)
    live.refresh()
    return live, TestClient(create_api(AskService(live)), raise_server_exceptions=False)


NEW_DOC = "# 补充说明\n\n石景山区的人工智能企业共有 42 家，主要从事智能制造。\n"


def test_new_index_generation_is_swapped_in_and_healthz_follows(own: Settings) -> None:
    live, client = live_service(own)
    before = client.get("/healthz").json()
    assert before["status"] == "ok" and before["stale"] is False
    assert live.refresh() is False  # nothing new

    (own.corpus_dir / "extra.md").write_text(NEW_DOC, encoding="utf-8")
    live.refresh()
    stale = client.get("/healthz")
    assert stale.status_code == 200 and stale.json()["stale"] is True
    assert stale.json()["built_at"] == before["built_at"]

    build_index(own, HashEmbedder(), show_progress=False)  # what `qa index` does beside the running server
    assert live.refresh() is True
    after = client.get("/healthz").json()
    assert after["stale"] is False  # (built_at has one-second resolution: the passage count tells the builds apart)
    assert after["passages"] > before["passages"]
    assert any("石景山" in p.text for p in live.assistant.index.passages)  # questions now go to the new build
    assert client.post("/api/ask", json={"question": "石景山区的人工智能企业有多少家？"}).status_code == 200


def test_swapped_out_index_is_freed_though_the_heap_is_frozen(own: Settings) -> None:
    """After each swap the server freezes the new index out of the collector's scans (`qa.serving.heap`); the old
    index must still be freed, or every `qa index` would leak a whole index into a long-running server."""
    live, _ = live_service(own)
    freeze_long_lived()  # as ui.py does once the first index is loaded
    old_index = weakref.ref(live.assistant.index)
    (own.corpus_dir / "extra.md").write_text(NEW_DOC, encoding="utf-8")
    build_index(own, HashEmbedder(), show_progress=False)
    assert live.refresh() is True
    gc.collect()
    assert old_index() is None
    assert gc.get_freeze_count() > 0  # the new index is frozen in its place


class _Cycle:
    """Garbage only a full collection frees: it refers to itself, and it has outlived a young collection."""

    def __init__(self) -> None:
        self.me = self


def _old_cyclic_garbage() -> weakref.ref:
    cycle = _Cycle()
    gc.collect(1)  # survives the young generations: now it waits for a full collection
    return weakref.ref(cycle)


def _freed_within(ref: weakref.ref, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while ref() is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    return ref() is None


def test_full_collections_wait_for_an_idle_server() -> None:
    busy = threading.Event()
    busy.set()
    before = gc.get_threshold()
    collector = IdleCollector(lambda: not busy.is_set(), interval_s=0.02, max_between_s=60).start()
    try:
        assert gc.get_threshold()[2] > 10**6  # CPython starts no full collection by itself now
        garbage = _old_cyclic_garbage()
        assert not _freed_within(garbage, 0.3)  # questions running: not collected
        busy.clear()
        assert _freed_within(garbage, 10)  # idle: collected
    finally:
        collector.stop()
    assert gc.get_threshold() == before


def test_full_collections_still_run_under_load_that_never_pauses() -> None:
    collector = IdleCollector(lambda: False, interval_s=0.02, max_between_s=0.2).start()
    try:
        assert _freed_within(_old_cyclic_garbage(), 10)
    finally:
        collector.stop()


def test_missing_index_is_reported_not_ok(own: Settings) -> None:
    live, client = live_service(own)
    shutil.rmtree(own.index_dir)
    live.refresh()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "index_missing"
    # the loaded index still answers from memory
    assert client.post("/api/ask", json={"question": "哪个区的人工智能企业最多？"}).status_code == 200


def test_index_for_a_corpus_changed_again_is_not_swapped_in(own: Settings) -> None:
    live, client = live_service(own)
    served = client.get("/healthz").json()["built_at"]
    (own.corpus_dir / "extra.md").write_text(NEW_DOC, encoding="utf-8")
    build_index(own, HashEmbedder(), show_progress=False)
    (own.corpus_dir / "extra.md").write_text(NEW_DOC + "\n门头沟区有 3 家。\n", encoding="utf-8")
    assert live.refresh() is False  # the new build is already stale: keep serving, say why
    body = client.get("/healthz").json()
    assert body["built_at"] == served and body["stale"] is True and "语料已变化" in body["problem"]


def test_swaps_drop_no_question(own: Settings) -> None:
    live, client = live_service(own)
    service = AskService(live, AskGate(workers=2))
    errors: list[BaseException] = []
    answered = [0]
    stop = threading.Event()

    def ask_repeatedly() -> None:
        while not stop.is_set():
            try:
                assert service.ask("哪个区的人工智能企业最多？").answer
                answered[0] += 1
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
                return

    askers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    for thread in askers:
        thread.start()
    swaps = 0
    for n in range(3):
        (own.corpus_dir / "extra.md").write_text(NEW_DOC * (n + 1), encoding="utf-8")
        build_index(own, HashEmbedder(), show_progress=False)
        swaps += live.refresh()
    stop.set()
    for thread in askers:
        thread.join(timeout=60)
    assert not errors and swaps == 3 and answered[0] > 0
