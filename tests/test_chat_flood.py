"""One chat user's burst does not hold back another chat (issue 21): Gradio's queue hands chat questions on to the
fair gate at once, where each client address waits in its own line and, over its share, it alone is told so.

Before, Gradio's queue let as many chat events run as the gate has answer threads and kept the rest first come
first served for everyone: a person's question waited behind a script's whole burst before it even reached the
gate. A real uvicorn server on loopback, two client addresses (127.0.0.2 floods, 127.0.0.1 is a person); the gate's
answer thread is held until every question has arrived, so nothing depends on timing."""

from __future__ import annotations

import json
import threading
from typing import Iterator

import httpx
import pytest

from qa.pipeline import Assistant
from qa.serving.service import AskService
from qa.web.app import build_server
from tests.loopback_server import loopback_server
from tests.test_mutants_gate import eventually
from tests.test_serving import blocked_gate

QUESTION = "寒武纪是哪一年成立的？"
HOG_EVENTS = 12
SHARE = 8  # questions one address may have waiting (16 × 1/2)


@pytest.fixture()
def chat_server(assistant: Assistant) -> Iterator[tuple[str, AskService, threading.Event]]:
    """`ui.py`'s app on a free loopback port, its one answer thread held until the event is set."""
    gate, release, _ = blocked_gate(max_waiting=2 * SHARE, client_share=0.5)
    service = AskService(assistant, gate)
    with loopback_server(build_server(service)) as port:
        try:
            yield f"http://127.0.0.1:{port}", service, release
        finally:
            release.set()  # before the server stops: its handler threads wait on the gate
    gate.close()


def client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=60, transport=httpx.HTTPTransport(local_address=address))


def join(client: httpx.Client, session: str) -> None:
    """What the page sends when 提问 is clicked (the first event: the question box's submit)."""
    body = {"data": [QUESTION, [], None, 3], "fn_index": 0, "trigger_id": None, "session_hash": session}
    response = client.post("/gradio_api/queue/join", json=body)
    assert response.status_code == 200, response.text[:300]


def completed(client: httpx.Client, session: str) -> dict:
    """The session's finished event, read from its event stream as the page reads it."""
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                message = json.loads(line[len("data: "):])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError(f"no answer for {session}")


def test_a_chat_burst_does_not_hold_back_another_chat(chat_server: tuple[str, AskService, threading.Event]) -> None:
    base, service, release = chat_server
    with client_from(base, "127.0.0.2") as hog, client_from(base, "127.0.0.1") as person:
        for n in range(HOG_EVENTS):
            join(hog, f"hog-{n}")
        join(person, "person")
        # the person's question reached the gate although the burst came first: the burst's share and the person
        assert eventually(lambda: service.gate.backlog()[0] == SHARE + 1)
        release.set()
        hog_replies = [json.dumps(completed(hog, f"hog-{n}"), ensure_ascii=False) for n in range(HOG_EVENTS)]
        mine = completed(person, "person")
    assert sum("排队过多" in reply for reply in hog_replies) == HOG_EVENTS - SHARE  # over its share: told so
    assert mine["success"]
    reply = json.dumps(mine["output"], ensure_ascii=False)
    assert QUESTION in reply and "排队过多" not in reply and "正忙" not in reply
