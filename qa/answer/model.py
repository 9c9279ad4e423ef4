"""A trained logistic-regression model read from a small JSON file (no pickle): standardise, dot, sigmoid.

The files in `qa/answer/models/` are written by `scripts/train_answerer.py` (which records its command line,
data and cross-validated numbers inside each file); inference needs only numpy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    #: decision thresholds chosen on measured curves (named by what they decide)
    thresholds: dict[str, float]

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(positive) for each row (columns in `features` order)."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float64)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self, extra: dict[str, object]) -> dict[str, object]:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "thresholds": self.thresholds, **extra}


def read_model(path: Path, features: tuple[str, ...]) -> LinearModel:
    """Load a model file; its feature list must be the code's, or the columns would silently mean other things."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["features"]) != features:
        raise ValueError(f"{path} was trained on other features; retrain with scripts/train_answerer.py")
    return LinearModel(tuple(data["features"]), np.asarray(data["mean"]), np.asarray(data["scale"]),
                       np.asarray(data["coef"]), float(data["intercept"]), dict(data.get("thresholds", {})))


@lru_cache(maxsize=8)
def bundled_model(name: str, features: tuple[str, ...]) -> LinearModel:
    """A model shipped in `qa/answer/models/` (loaded once per process)."""
    return read_model(MODELS_DIR / f"{name}.json", features)
