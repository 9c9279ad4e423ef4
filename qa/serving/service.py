"""What the HTTP API and the chat call to answer: the live (hot-swapped) assistant behind the fair gate."""

from __future__ import annotations

from typing import Any

from qa.config import Settings
from qa.pipeline import Assistant
from qa.segment.tokenizer import Segmenter
from qa.serving.gate import AskGate
from qa.serving.health import health_report
from qa.serving.live import LiveAssistant
from qa.types import Answer


class AskService:
    """Answers questions from many callers at once (through `AskGate`) with the newest index (`LiveAssistant`)."""

    def __init__(self, assistant: Assistant | LiveAssistant, gate: AskGate | None = None) -> None:
        self.live = assistant if isinstance(assistant, LiveAssistant) else LiveAssistant(assistant)
        self.gate = gate or AskGate()

    @property
    def settings(self) -> Settings:
        return self.live.settings

    @property
    def segmenter(self) -> Segmenter:
        return self.live.assistant.segmenter

    @property
    def examples(self) -> tuple[str, ...]:
        return self.live.assistant.examples

    def ask(self, question: object, k: object = None, client: str = "", previous: str | None = None) -> Answer:
        """Answer, waiting in `client`'s line (its address: clients take turns, `AskGate`); for synchronous
        callers (the chat's handlers run on Gradio's threads). `previous`: the conversation's last question."""
        return self.gate.call(self.live.ask, question, k, previous, client=client)

    async def ask_async(self, question: object, k: object = None, client: str = "",
                        previous: str | None = None) -> Answer:
        """Answer, waiting in `client`'s line without blocking the event loop (the JSON API)."""
        return await self.gate.run(self.live.ask, question, k, previous, client=client)

    def idle(self) -> bool:
        """No question is running or waiting (`qa.serving.heap.IdleCollector` collects garbage then)."""
        waiting, running, _ = self.gate.backlog()
        return waiting == 0 and running == 0

    def health(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) of `/healthz`."""
        return health_report(self.live.status(), *self.gate.backlog())
