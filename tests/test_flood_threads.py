"""A flooding client cannot hold every answer thread (issue 21): once refused its share of the queue it may occupy
at most `workers - 1` threads, so another client's question runs at once instead of waiting for the flooder's.

Real threads and a fake clock; every wait is on an event or a future with a generous liveness bound, never a
timing assertion."""

from __future__ import annotations

import threading
import pytest

from qa.serving.gate import FLOOD_MEMORY_S, AskGate, ClientOverShare
from tests.test_serving import FakeClock

HOG, PERSON = "10.0.0.9", "10.0.0.1"


class Held:
    """A call that reports when it starts and runs until released."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> str:
        self.started.set()
        assert self.release.wait(60)
        return "hog"


def flooded_gate(clock: FakeClock) -> tuple[AskGate, list[Held]]:
    """Two answer threads, both running the hog's calls, two more of its calls waiting (its share), and one refused:
    the hog is flooding."""
    gate = AskGate(workers=2, max_waiting=8, client_share=0.25, clock=clock)
    assert gate.max_per_client == 2 and gate.max_running_flooding == 1
    held = [Held() for _ in range(4)]
    for call in held[:2]:
        gate.submit(call, client=HOG)
    assert all(call.started.wait(30) for call in held[:2])  # not flooding yet: it may use both threads
    for call in held[2:]:
        gate.submit(call, client=HOG)
    with pytest.raises(ClientOverShare):
        gate.submit(Held(), client=HOG)
    return gate, held


def finish(gate: AskGate, held: list[Held]) -> None:
    for call in held:
        call.release.set()
    gate.close()


def test_a_flooding_client_leaves_one_thread_to_the_others() -> None:
    clock = FakeClock()
    gate, held = flooded_gate(clock)
    first = gate.submit(lambda: "after the first hog call")  # queued behind the hog's line
    held[0].release.set()
    assert first.result(timeout=30) == "after the first hog call"
    # a thread is free, the hog holds the other and has calls waiting: it may not take the free one
    person = gate.submit(lambda: "person", client=PERSON)
    assert person.result(timeout=30) == "person"  # served at once, while the hog's second call still runs
    assert not held[2].started.is_set() and not held[3].started.is_set()
    assert gate.backlog()[0] == 2
    held[1].release.set()  # the hog's running call ends: its next one may take a thread
    assert held[2].started.wait(30)
    finish(gate, held)


def test_an_only_client_that_floods_still_gets_a_thread() -> None:
    gate, held = flooded_gate(FakeClock())
    held[0].release.set()
    held[1].release.set()
    assert held[2].started.wait(30)  # with nobody else waiting it runs, one call at a time
    assert not held[3].started.is_set()
    held[2].release.set()
    assert held[3].started.wait(30)
    finish(gate, held)


def test_the_cap_ends_when_the_refusals_do() -> None:
    clock = FakeClock()
    gate, held = flooded_gate(clock)
    clock.now += FLOOD_MEMORY_S  # no refusal since: an ordinary client again, both threads open to it
    held[0].release.set()
    held[1].release.set()
    assert held[2].started.wait(30) and held[3].started.wait(30)
    finish(gate, held)


def test_a_client_never_refused_keeps_both_threads() -> None:
    gate = AskGate(workers=2, max_waiting=8, client_share=0.25, clock=FakeClock())
    held = [Held(), Held()]
    for call in held:
        gate.submit(call, client=HOG)
    assert all(call.started.wait(30) for call in held)
    finish(gate, held)


def test_the_flooders_own_waits_are_not_starvation() -> None:
    clock = FakeClock()
    clock.now = 1000.0
    gate, held = flooded_gate(clock)
    clock.now += 5.0
    assert gate.backlog() == (2, 2, 0.0)  # the hog's calls have waited 5 s, by its own doing
    gate.submit(lambda: None, client=PERSON)
    clock.now += 3.0
    assert gate.backlog() == (3, 2, 3.0)  # a person waiting counts
    finish(gate, held)


def test_one_thread_is_never_withheld() -> None:
    gate = AskGate(workers=1)
    assert gate.max_running_flooding == 1
    gate.close()
