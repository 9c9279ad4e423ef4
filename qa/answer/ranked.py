"""A question asking for one rank of a ranking ("排第二的AI企业聚集地是哪个区？") is answered by the sentence that
states that rank.

The selector scores a sentence by how much of the question it matches, and a question's framing ("按获投企业注册地
看") often matches the sentence before the one it asks about: "…主要集中于海淀区，占比达62.44%" outscored "第二大人工
智能企业聚集地为朝阳区", and the bold answer was 海淀. A rank is a constraint the answer must state, so among the
candidates that state every rank the question asks (its number, of the same kind: `Rank.stated_by`, "第一次" is not
"第一届") the one the selector likes best is chosen; when none states them, the selector's choice stands (and
`swaps.py` refuses it when its neighbourhood ranks another). A rank the document's title writes names its subject
("巴黎第四区的土地面积是多少？", "第7届日本参议院议员通常选举的焦点是什么？"): the name's sentence states it while the
answer's says "该区", "这次选举", so it is not asked for. Measured on the CMRC 2018 trial set: choosing by number alone
for every question turned 8 right answers wrong; with the title rule and the counters, all 1,000 answers still
contain what they did.
"""

from __future__ import annotations

import numpy as np

from qa.answer.candidates import Candidate
from qa.answer.features import Question
from qa.segment.tokenizer import Segmenter
from qa.understand.constraints import Rank, ranks
from qa.text import normal_form

def asked_ranks(ranks_of_question: tuple[Rank, ...], title: str) -> list[Rank]:
    """The question's ranks but those its document's title writes: a rank in a title names the document's subject
    ("巴黎第四区", "绝对SuperStar (第一届)"), it is not asked for."""
    title_norm = normal_form(title)
    return [r for r in ranks_of_question if r.written not in title_norm]


def ranked_choice(q: Question, candidates: list[Candidate], scores: np.ndarray, chosen: int,
                  titles: dict[str, str]) -> int:
    """The chosen candidate, or the best-scored one stating every rank the question asks (`asked_ranks`, by the
    chosen sentence's document title) when it does not."""
    asked = asked_ranks(q.constraints.ranks, titles.get(candidates[chosen].passage.source, ""))
    if not asked:
        return chosen

    def states_ranks(c: Candidate) -> bool:
        stated = ranks(normal_form(c.text))
        return all(a.stated_by(stated) for a in asked)

    if states_ranks(candidates[chosen]):
        return chosen
    stating = [i for i, c in enumerate(candidates) if states_ranks(c)]
    return max(stating, key=lambda i: scores[i]) if stating else chosen


def naming_choice(q: Question, candidates: list[Candidate], scores: np.ndarray, chosen: int,
                  missing_names: tuple[str, ...], segmenter: Segmenter) -> int | None:
    """For a choice refused because its neighbourhood lacks places the question names (`missing_names`), the
    best-scored other candidate that names them all, or None. Why only then: the selector may like a sentence for
    the question's other words ("2018年…朝阳区在北京获投AI公司里占了多少比例？" → the national 获投 sentence) while
    another names the place; choosing by the place whenever the chosen sentence lacks it moved answers to sentences
    about the report's own subject (北京), which most sentences do not repeat (measured: 319 → 301 right on the seven
    report sets) — after a refusal there is nothing to lose but the refusal, and the other sentence is judged as
    the first was."""
    places = [name for name in q.constraints.names
              if name.text in missing_names and not name.latin and segmenter.names_a_place(name.text)]
    if not places:
        return None
    naming = [i for i, c in enumerate(candidates)
              if i != chosen and all(place.found_in(normal_form(c.text)) for place in places)]
    return max(naming, key=lambda i: scores[i]) if naming else None
