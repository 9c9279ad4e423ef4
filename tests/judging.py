"""The answerability judgement the assistant makes of its chosen sentence, reached as compose.py reaches it (for
tests that look at the evidence a judgement rests on)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from qa.answer.answerable import ANSWERABLE_FEATURES, Evidence, Judgement, judge
from qa.answer.candidates import Candidate, collect
from qa.answer.features import FEATURES, Question, analyse, feature_matrix
from qa.answer.focus import focused
from qa.answer.model import LinearModel, bundled_model
from qa.answer.reader import read_candidate
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve


@dataclass
class Judged:
    """A question, its candidate sentences with the selector's scores, the chosen one and its judgement."""

    q: Question
    candidates: list[Candidate]
    scores: np.ndarray
    best: int
    judgement: Judgement

    @property
    def evidence(self) -> Evidence:
        return self.judgement.evidence

    @property
    def features(self) -> dict[str, float]:
        return dict(zip(ANSWERABLE_FEATURES, (float(v) for v in self.evidence.row[0])))

    def share(self, terms: tuple[str, ...]) -> float:
        """The share of the question's term weight these terms carry."""
        return sum(self.q.terms.weights[t] for t in terms) / self.q.terms.total


def judged(assistant: Assistant, question: str, verified: float | None = None,
           model: LinearModel | None = None) -> Judged:
    """`verified`: the verifier's P (None: the bundled reader's, as when answering); `model`: None for the bundled."""
    understood = assistant.understand(question)
    searched = understood.searched
    found = retrieve(assistant.index, searched, assistant.settings.answer.candidates, assistant.settings.retrieval)
    q = analyse(understood, found.query_vector, assistant.context)
    candidates = focused(q, collect(found.hits, assistant.context), assistant.context.segmenter)
    scores = bundled_model("selector", FEATURES).probabilities(feature_matrix(q, candidates, assistant.context))
    best = int(np.argmax(scores))
    if verified is None:
        verified = read_candidate(searched, candidates[best], assistant.context)[1].answers
    return Judged(q, candidates, scores, best, judge(q, best, candidates, scores, assistant.context, verified, model))


def rejudged(j: Judged, assistant: Assistant, model: LinearModel | None = None) -> Judged:
    """The same question judged again from its kept candidates and scores, with the verifier's P it was judged
    with. Why: a test module may search and read once, but every test that looks at the judgement should make it
    itself — a mutation run (scripts/mutation.py) runs for a mutant of the judgement only the tests that called
    it, and a judgement kept from an earlier test would leave the others out."""
    verified = float(j.evidence.row[0, ANSWERABLE_FEATURES.index("verifier")])
    return replace(j, judgement=judge(j.q, j.best, j.candidates, j.scores, assistant.context, verified, model))
