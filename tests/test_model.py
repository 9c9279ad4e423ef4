"""The answer models' numpy inference: boosted trees walked branch-free must score exactly as walking each tree
node by node, and a model file read back scores as the model that wrote it."""

import json

import numpy as np
import pytest

from qa.answer.model import LinearModel, TreeEnsemble, read_model

FEATURES = ("a", "b", "c")


def _ensemble() -> TreeEnsemble:
    """Two trees of uneven depth, in the flat node form the training script exports (node ids global)."""
    # tree 0: a <= 0.5 ? (b <= 0.2 ? leaf 0.1 : leaf -0.3) : leaf 0.7
    # tree 1: c <= 1.0 ? leaf -0.2 : (a <= 0.9 ? leaf 0.05 : (b <= 0.8 ? leaf 0.4 : leaf 1.0))
    feature = [0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0]
    threshold = [0.5, 0.2, 0, 0, 0, 1.0, 0, 0.9, 0, 0.8, 0, 0]
    left = [1, 2, 0, 0, 0, 6, 0, 8, 0, 10, 0, 0]
    right = [4, 3, 0, 0, 0, 7, 0, 9, 0, 11, 0, 0]
    value = [0, 0, 0.1, -0.3, 0.7, 0, -0.2, 0, 0.05, 0, 0.4, 1.0]
    leaf = [False, False, True, True, True, False, True, False, True, False, True, True]
    return TreeEnsemble(FEATURES, 0.25, np.array([0, 5]), np.array(feature), np.array(threshold, dtype=float),
                        np.array(left), np.array(right), np.array(value), np.array(leaf), 4, {})


def _walk(model: TreeEnsemble, row: np.ndarray) -> float:
    total = model.baseline
    for node in model.roots:
        while not model.leaf[node]:
            node = model.left[node] if row[model.feature[node]] <= model.threshold[node] else model.right[node]
        total += model.value[node]
    return total


def test_branch_free_walk_scores_as_walking_each_tree():
    model = _ensemble()
    rows = np.random.default_rng(0).uniform(0, 1.5, size=(500, 3)).astype(np.float32)
    rows[:5] = [[0.5, 0.2, 1.0], [0.9, 0.8, 1.1], [0.91, 0.81, 1.1], [0.0, 0.0, 0.0], [1.4, 1.4, 1.4]]  # edges
    assert np.allclose(model.raw_scores(rows), [_walk(model, r) for r in rows])
    assert np.allclose(model.probabilities(rows), 1 / (1 + np.exp(-model.raw_scores(rows))))


@pytest.mark.parametrize("model", [
    _ensemble(),
    LinearModel(FEATURES, np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 0.5]), np.array([0.4, -1.0, 2.0]), -0.3,
                {"answer": 0.45}),
])
def test_a_model_file_scores_as_the_model_that_wrote_it(model, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json({"command": "test"})), encoding="utf-8")
    rows = np.random.default_rng(1).uniform(0, 1.5, size=(50, 3))
    back = read_model(path, FEATURES)
    assert np.allclose(back.probabilities(rows), model.probabilities(rows)) and back.thresholds == model.thresholds
    with pytest.raises(ValueError):
        read_model(path, ("a", "b"))
