"""Term statistics of the lexical index: its idf is the weight bm25s itself scores with."""

from pathlib import Path

import pytest

from qa.index.lexical import LexicalIndex

#: Every document has the same length, so BM25's length normalisation is 1 and a single occurrence of a term
#: scores idf × 1 / (1 + k1) (bm25s, method "lucene", k1 = 1.5).
DOCS = [["海淀", "企业", "融资"], ["朝阳", "企业", "融资"], ["海淀", "高校", "人才"], ["西城", "金融", "政策"]]
K1 = 1.5


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex.build(DOCS)


@pytest.mark.parametrize("term", ["海淀", "企业", "西城", "人才"])
def test_idf_matches_what_bm25s_scores_with(lexical: LexicalIndex, term: str):
    scores = lexical.scores([term])
    doc = next(i for i, d in enumerate(DOCS) if term in d)
    assert lexical.idf(term) == pytest.approx(float(scores[doc]) * (1 + K1), rel=1e-5)


def test_rarer_terms_weigh_more_and_unknown_terms_most(lexical: LexicalIndex):
    assert lexical.idf("西城") > lexical.idf("海淀") > 0
    assert lexical.idf("上海") > lexical.idf("西城")
    assert lexical.has_term("海淀") and not lexical.has_term("上海")
    assert not lexical.scores(["上海"]).any()


def test_statistics_survive_save_and_load(lexical: LexicalIndex, tmp_path: Path):
    lexical.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.num_docs == 4 and loaded.idf("海淀") == lexical.idf("海淀")
    assert list(loaded.scores(["海淀"])) == list(lexical.scores(["海淀"]))


def test_a_missing_word_gets_the_idf_its_general_frequency_predicts(lexical: LexicalIndex):
    rarest = lexical.idf("这个词不在语料里")
    assert lexical.expected_idf(0.0) == pytest.approx(rarest)  # a word rare everywhere keeps the highest IDF
    assert lexical.expected_idf(1e-3) < lexical.expected_idf(1e-5) < rarest  # a common word weighs less
