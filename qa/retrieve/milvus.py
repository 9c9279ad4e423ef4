"""Retrieval in Milvus: one hybrid search — BM25 over the product's tokens and the dense vector — fused by the
engine's RRF ranker, through the live build's alias (`qa.index.milvus`).

The engine returns every fused candidate (at most two `per_retriever` lists); they are cut to `n` here with the
embedded path's tie rule (`best_first`), because RRF gives equal scores to, say, rank 3 of BM25 alone and rank 3
of the vectors alone, and which of them is cut must not depend on the engine's internal order. The passages of
the hits are then fetched from the same alias (`qa.index.milvus_rows`), so they belong to the build searched.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from qa.config import RetrievalSettings
from qa.index.lexical import LexicalIndex
from qa.index.milvus import MilvusBuild, MilvusUnavailable, dense_search_params, term_text
from qa.retrieve.hybrid import Ranked, best_first


#: The most hits one Milvus search returns (its topk limit).
MILVUS_TOP_K = 16384


@dataclass(frozen=True)
class MilvusRetriever:
    """Hybrid search in the collection behind `build.alias`: passage positions with fused scores."""

    build: MilvusBuild
    #: term statistics only: a question's tokens the corpus never uses are left out of the BM25 request, as bm25s
    #: leaves them out (and a question of only such tokens sends no BM25 request at all)
    lexical: LexicalIndex

    def ranked(self, tokens: list[str], query_vector: np.ndarray, n: int, settings: RetrievalSettings) -> Ranked:
        from pymilvus import AnnSearchRequest, RRFRanker

        if settings.lexical_weight != settings.dense_weight:
            raise MilvusUnavailable("Milvus 的 RRF 融合不支持两路不同的权重（lexical_weight 与 dense_weight 须相等）")
        limit = settings.per_retriever
        known = [t for t in tokens if self.lexical.has_term(t)]
        requests = [AnnSearchRequest(data=[term_text(known)], anns_field="sparse", param={"metric_type": "BM25"},
                                     limit=limit)] if known else []
        requests.append(AnnSearchRequest(data=[np.asarray(query_vector, dtype=np.float32).tolist()],
                                         anns_field="dense", limit=limit,
                                         param={"metric_type": "IP", "params": dense_search_params(self.build.index_type)}))
        try:
            found = self.build.client.hybrid_search(self.build.alias, requests, RRFRanker(settings.rrf_k),
                                                    limit=2 * limit, output_fields=["pid"])
        except MilvusUnavailable:
            raise
        except Exception as exc:  # grpc or server errors: the engine is down or the alias is gone
            raise MilvusUnavailable(f"Milvus 检索失败（{self.build.uri}）：{exc}") from exc
        fused = {int(hit["pos"]): settings.dense_weight * float(hit["distance"]) for hit in (found[0] if found else [])}
        return best_first(fused, n)

    def writing(self, figure: str, tokens: list[str]) -> int | None:
        """The engine's BM25 over the figure alone finds the passages writing it; of those, its BM25 over the
        question's known tokens picks the best (the embedded path's choice, `EmbeddedRetriever.writing`)."""
        if not self.lexical.has_term(figure):
            return None
        known = [t for t in tokens if self.lexical.has_term(t)]
        try:
            holding = self._bm25(term_text([figure]), min(self.lexical.num_docs, MILVUS_TOP_K), "")
            best = self._bm25(term_text(known), 1, f"pos in {holding}") if holding else []
        except Exception as exc:  # grpc or server errors: the engine is down or the alias is gone
            raise MilvusUnavailable(f"Milvus 检索失败（{self.build.uri}）：{exc}") from exc
        return best[0] if best else None

    def _bm25(self, text: str, limit: int, where: str) -> list[int]:
        """Positions of the passages the engine's BM25 finds for `text`, best first, among those `where` admits."""
        found = self.build.client.search(self.build.alias, data=[text], anns_field="sparse", limit=limit,
                                         search_params={"metric_type": "BM25"}, filter=where, output_fields=["pid"])
        return [int(hit["pos"]) for hit in (found[0] if found else [])]
