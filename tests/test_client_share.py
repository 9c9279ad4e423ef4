"""One client cannot fill the answer queue (issue 21): over its share it alone gets 429, others are still served.

Blocking is done with events (`blocked_gate`), never with timing."""

from __future__ import annotations

import re
import threading

import pytest
from fastapi.testclient import TestClient

from qa.api import create_api
from qa.pipeline import Assistant
from qa.serving.gate import AskGate, ClientOverShare, ServerBusy
from qa.serving.service import AskService

from test_serving import blocked_gate


def test_share_is_a_part_of_the_queue() -> None:
    gate = AskGate(workers=1, max_waiting=64, client_share=1 / 8)
    assert gate.max_per_client == 8
    assert AskGate(workers=1, max_waiting=3, client_share=1 / 8).max_per_client == 1  # never zero
    gate.close()


def test_client_over_its_share_alone_is_refused() -> None:
    gate, release, _ = blocked_gate(max_waiting=8, client_share=0.5)
    hog = [gate.submit(lambda: "hog", client="10.0.0.9") for _ in range(4)]
    with pytest.raises(ClientOverShare, match="排队过多"):
        gate.submit(lambda: "hog", client="10.0.0.9")
    person = gate.submit(lambda: "person", client="10.0.0.1")  # the places left stay open to everyone else
    assert gate.backlog()[0] == 5
    release.set()
    assert person.result(timeout=30) == "person" and all(f.result(timeout=30) == "hog" for f in hog)
    assert gate.submit(lambda: "again", client="10.0.0.9").result(timeout=30) == "again"  # its line drained
    gate.close()


def test_full_queue_is_still_busy_for_everyone() -> None:
    gate, release, _ = blocked_gate(max_waiting=4, client_share=0.5)
    for address in ("a", "a", "b", "b"):
        gate.submit(lambda: None, client=address)
    with pytest.raises(ServerBusy) as refused:
        gate.submit(lambda: None, client="c")
    assert not isinstance(refused.value, ClientOverShare)
    release.set()
    gate.close()


def test_http_429_with_retry_after_only_for_the_hog(assistant: Assistant) -> None:
    gate, release, _ = blocked_gate(max_waiting=8, client_share=0.25)
    service = AskService(assistant, gate)
    app = create_api(service)
    hog = TestClient(app, client=("10.0.0.9", 40000), raise_server_exceptions=False)
    person = TestClient(app, client=("10.0.0.1", 40001), raise_server_exceptions=False)
    results: list[int] = []
    lock = threading.Lock()

    def ask(client: TestClient) -> None:
        status = client.post("/api/ask", json={"question": "寒武纪是哪一年成立的？"}).status_code
        with lock:
            results.append(status)

    waiting = [threading.Thread(target=ask, args=(hog,)) for _ in range(2)]
    for thread in waiting:
        thread.start()
    while gate.backlog()[0] < 2:  # both queued in the hog's line
        threading.Event().wait(0.01)
    refused = hog.post("/api/ask", json={"question": "寒武纪是哪一年成立的？"})
    assert refused.status_code == 429 and refused.headers["retry-after"].isdigit()
    assert re.search(r"[\u4e00-\u9fff]", refused.json()["error"])
    other = threading.Thread(target=ask, args=(person,))
    other.start()
    release.set()
    for thread in [*waiting, other]:
        thread.join(30)
    assert results == [200, 200, 200]
    gate.close()
