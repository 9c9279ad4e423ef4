"""Trained answer models read from small JSON files (no pickle): inference needs only numpy.

Two kinds, told apart by the file's `"kind"`:

- `linear` — logistic regression: standardise, dot, sigmoid (the clause locator, the short answer);
- `trees` — gradient-boosted regression trees (LightGBM's binary classifier, exported node by
  node): the sentence selector, whose features interact (a number in the sentence matters only for a quantity
  question; coverage of the question's remaining terms matters once the title is credited).

The files in `qa/answer/models/` are written by `scripts/train_answerer.py`, which records its command line, data,
settings and cross-validated numbers in `models/training.json` and checks that the exported trees score exactly as
LightGBM's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"


class Model(Protocol):
    features: tuple[str, ...]
    thresholds: dict[str, float]

    def raw_scores(self, rows: np.ndarray) -> np.ndarray: ...

    def probabilities(self, rows: np.ndarray) -> np.ndarray: ...

    def to_json(self, extra: dict[str, object]) -> dict[str, object]: ...


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    #: decision thresholds chosen on measured curves (named by what they decide)
    thresholds: dict[str, float]

    def raw_scores(self, rows: np.ndarray) -> np.ndarray:
        """The log-odds for each row (columns in `features` order)."""
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(positive) for each row."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float64)
        return _sigmoid(self.raw_scores(rows))

    def to_json(self, extra: dict[str, object]) -> dict[str, object]:
        return {"kind": "linear", "features": list(self.features), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept,
                "thresholds": self.thresholds, **extra}


@dataclass(frozen=True)
class TreeEnsemble:
    """Boosted trees as flat node arrays: tree t starts at node `roots[t]`; a row goes to `left` when its value
    of `feature` is ≤ `threshold` (LightGBM's "<=" split; features are never NaN here), else to `right`, until a
    leaf; the score is `baseline` plus the leaves' `value`s."""

    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray
    depth: int
    thresholds: dict[str, float]

    @cached_property
    def _walk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The nodes renumbered so that a right child directly follows its left child and a leaf points to itself
        with an infinite threshold: one step is then `node = first_child[node] + (value > threshold[node])` for
        every row and tree at once, with no branch on leaves. Returns roots, first_child, feature, threshold,
        leaf, value in the new numbering."""
        order: list[int] = []
        first_child: list[int] = []
        new_id: dict[int, int] = {}
        for root in self.roots.tolist():
            queue = [root]
            new_id[root] = len(order)
            order.append(root)
            while queue:
                node = queue.pop(0)
                if not self.leaf[node]:
                    for child in (int(self.left[node]), int(self.right[node])):
                        new_id[child] = len(order)
                        order.append(child)
                        queue.append(child)
        old = np.asarray(order)
        first_child = [new_id[n] if self.leaf[n] else new_id[int(self.left[n])] for n in order]
        threshold = np.where(self.leaf[old], np.inf, self.threshold[old])
        return (np.asarray([new_id[r] for r in self.roots.tolist()]), np.asarray(first_child),
                np.where(self.leaf[old], 0, self.feature[old]), threshold, self.leaf[old], self.value[old])

    def raw_scores(self, rows: np.ndarray) -> np.ndarray:
        """The ensemble's log-odds for each row: all trees walked at once, one level per step, until every row
        has reached a leaf of every tree."""
        roots, first_child, feature, threshold, leaf, value = self._walk
        flat = np.ascontiguousarray(rows, dtype=np.float64).ravel()
        base = (np.arange(len(rows)) * len(self.features))[:, None]
        node = np.broadcast_to(roots, (len(rows), len(roots))).copy()
        for _ in range(self.depth):
            node = first_child[node] + (flat[base + feature[node]] > threshold[node])
            if leaf[node].all():
                break
        return self.baseline + value[node].sum(axis=1)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float64)
        return _sigmoid(self.raw_scores(rows))

    def to_json(self, extra: dict[str, object]) -> dict[str, object]:
        return {"kind": "trees", "features": list(self.features), "baseline": self.baseline,
                "depth": self.depth, "roots": self.roots.tolist(), "feature": self.feature.tolist(),
                "threshold": [round(float(t), 7) for t in self.threshold], "left": self.left.tolist(),
                "right": self.right.tolist(), "value": [round(float(v), 7) for v in self.value],
                "leaf": self.leaf.astype(int).tolist(), "thresholds": self.thresholds, **extra}


def _from_json(data: dict) -> Model:
    thresholds = dict(data.get("thresholds", {}))
    features = tuple(data["features"])
    if data.get("kind", "linear") == "trees":
        return TreeEnsemble(features, float(data["baseline"]), np.asarray(data["roots"], dtype=np.int64),
                            np.asarray(data["feature"], dtype=np.int64), np.asarray(data["threshold"]),
                            np.asarray(data["left"], dtype=np.int64), np.asarray(data["right"], dtype=np.int64),
                            np.asarray(data["value"]), np.asarray(data["leaf"], dtype=bool), int(data["depth"]),
                            thresholds)
    return LinearModel(features, np.asarray(data["mean"]), np.asarray(data["scale"]), np.asarray(data["coef"]),
                       float(data["intercept"]), thresholds)


def read_model(path: Path, features: tuple[str, ...]) -> Model:
    """Load a model file; its feature list must be the code's, or the columns would silently mean other things."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["features"]) != features:
        raise ValueError(f"{path} was trained on other features; retrain with scripts/train_answerer.py")
    return _from_json(data)


@lru_cache(maxsize=8)
def bundled_model(name: str, features: tuple[str, ...]) -> Model:
    """A model shipped in `qa/answer/models/` (loaded once per process)."""
    return read_model(MODELS_DIR / f"{name}.json", features)
