"""The answer gate's counts, ages, limits and shutdown (qa/serving/gate.py): the cases mutation testing found
unchecked — the age of the oldest waiting question with a clock that does not start at 0 (the real one never
does), the running count going back down, the answer threads ending after `close()`, the exact limits."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from types import SimpleNamespace
from typing import Callable

import pytest

from qa.serving.gate import MAX_WAIT_S, MAX_WAITING, AskGate, ServerBusy, client_address
from tests.test_serving import FakeClock, blocked_gate


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Whether `condition` becomes true within `timeout` seconds (threads finish their turn in their own time)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_backlog_age_is_measured_from_when_the_question_was_queued() -> None:
    clock = FakeClock()
    clock.now = 5000.0  # like time.monotonic(): far from 0
    gate, release, _ = blocked_gate(clock=clock)
    assert gate.backlog() == (0, 1, 0.0)
    waiting = gate.submit(lambda: "done")
    clock.now = 5007.5
    assert gate.backlog() == (1, 1, 7.5)
    release.set()
    assert waiting.result(timeout=30) == "done"
    gate.close()


def test_running_count_goes_back_down_after_answers_and_errors() -> None:
    gate, release, _ = blocked_gate(workers=2)
    assert gate.backlog() == (0, 2, 0.0)
    release.set()
    assert eventually(lambda: gate.backlog() == (0, 0, 0.0))
    with pytest.raises(ZeroDivisionError):
        gate.call(lambda: 1 / 0)
    assert eventually(lambda: gate.backlog()[1] == 0)
    gate.close()


def test_a_question_cancelled_while_waiting_is_skipped_and_not_counted() -> None:
    gate, release, _ = blocked_gate()
    ran: list[str] = []
    cancelled = gate.submit(ran.append, "cancelled")
    after = gate.submit(ran.append, "after")
    assert cancelled.cancel()
    release.set()
    after.result(timeout=30)
    assert ran == ["after"] and eventually(lambda: gate.backlog() == (0, 0, 0.0))
    gate.close()


def test_close_ends_the_answer_threads() -> None:
    before = set(threading.enumerate())
    gate = AskGate(workers=3)
    threads = [t for t in threading.enumerate() if t not in before]
    assert len(threads) == 3 and all(t.name.startswith("qa-ask-") and t.daemon for t in threads)
    assert gate.call(lambda: 42) == 42
    gate.close()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)


def test_close_ends_a_busy_thread_once_its_call_returns_and_cancels_the_rest() -> None:
    before = set(threading.enumerate())
    gate, release, _ = blocked_gate()
    (thread,) = [t for t in threading.enumerate() if t not in before]
    waiting = gate.submit(lambda: None)
    gate.close()
    assert waiting.cancelled() and gate.backlog() == (0, 1, 0.0)
    release.set()
    thread.join(timeout=30)
    assert not thread.is_alive() and gate.backlog() == (0, 0, 0.0)


def test_the_queue_holds_exactly_max_waiting_questions() -> None:
    gate, release, _ = blocked_gate(max_waiting=2, client_share=1.0)  # one client may fill the queue here
    queued = [gate.submit(lambda: None), gate.submit(lambda: None)]
    with pytest.raises(ServerBusy, match="^服务器正忙，请稍后再试。$"):
        gate.submit(lambda: None)
    assert gate.backlog()[0] == 2
    release.set()
    for future in queued:
        future.result(timeout=30)
    gate.close()


def test_a_question_that_waited_exactly_the_limit_still_runs() -> None:
    clock = FakeClock()
    clock.now = 100.0
    gate, release, _ = blocked_gate(max_wait_s=5.0, clock=clock)
    on_time = gate.submit(lambda: "answered")
    clock.now = 105.0
    release.set()
    assert on_time.result(timeout=30) == "answered"
    late = gate.submit(lambda: "answered")  # the answer thread is free; its clock says 0 s waited
    assert late.result(timeout=30) == "answered"
    gate.close()


def test_a_question_that_waited_too_long_says_so_in_chinese() -> None:
    clock = FakeClock()
    gate, release, _ = blocked_gate(max_wait_s=5.0, clock=clock)
    late = gate.submit(lambda: "answered")
    clock.now = 5.5
    release.set()
    with pytest.raises(ServerBusy, match="^服务器正忙，问题等待过久，请稍后再试。$"):
        late.result(timeout=30)
    gate.close()


def test_defaults_one_thread_per_core_and_the_documented_limits() -> None:
    gate = AskGate()
    assert (gate.workers, gate.max_waiting, gate.max_wait_s) == (max(1, os.cpu_count() or 1), MAX_WAITING, MAX_WAIT_S)
    assert AskGate(workers=0).workers == gate.workers  # 0 means "as many as cores", never none
    gate.close()


def test_run_awaits_the_answer_without_blocking_the_event_loop() -> None:
    gate = AskGate(workers=1)

    async def both() -> list[object]:
        return await asyncio.gather(gate.run(lambda x: x * 2, 21, client="a"), asyncio.sleep(0, "loop ran"))

    assert asyncio.run(both()) == [42, "loop ran"]
    gate.close()


def test_client_address_is_the_requests_host_or_empty() -> None:
    assert client_address(SimpleNamespace(client=SimpleNamespace(host="10.0.0.7"))) == "10.0.0.7"
    assert client_address(SimpleNamespace(client=None)) == ""
    assert client_address(object()) == ""


def test_callers_without_an_address_share_one_line() -> None:
    gate, release, _ = blocked_gate()
    order: list[str] = []
    futures = [gate.submit(order.append, "anonymous 1", client=""), gate.submit(order.append, "default 1"),
               gate.submit(order.append, "10.0.0.9", client="10.0.0.9"), gate.submit(order.append, "default 2")]
    release.set()
    for future in futures:
        future.result(timeout=30)
    assert order == ["anonymous 1", "10.0.0.9", "default 1", "default 2"]
    assert gate.call(lambda x, y: x + y, 40, 2) == 42
    gate.close()


def test_call_waits_in_the_anonymous_line_by_default() -> None:
    gate = AskGate(workers=1)
    order: list[str] = []

    def queue_behind_a_busy_thread(ask_by_default: Callable[[], None]) -> None:
        hold = threading.Event()
        gate.submit(hold.wait, 30, client="10.0.0.1")
        futures = [gate.submit(order.append, "anonymous 1", client=""),
                   gate.submit(order.append, "anonymous 2", client=""),
                   gate.submit(order.append, "10.0.0.9", client="10.0.0.9")]
        ask_by_default()
        assert eventually(lambda: gate.backlog()[0] == 4)
        hold.set()
        for future in futures:
            future.result(timeout=30)

    waiter = threading.Thread(target=gate.call, args=(order.append, "call"))
    queue_behind_a_busy_thread(waiter.start)
    waiter.join(timeout=30)
    assert order == ["anonymous 1", "10.0.0.9", "anonymous 2", "call"]

    gate.close()
