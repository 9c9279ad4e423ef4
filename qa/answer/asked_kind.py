"""A near miss in the asked kind: "北京哪个区的AI企业融资总额最多？" asks for a district, and a sentence that names
none does not answer it.

The report gives the districts' shares of companies, not of funding; the nearest sentence about 融资总额 ("截至2019年
4月，北京市处于A轮及以前的企业数量占73.28%，但是融资总额占比仅为13.88%…") matches every word of the question but the
asked kind, so the answerability model found it close enough, and the trees showed **北京** in bold. When a question
asks which place of a kind named by one character (the noun after 哪个: 区, 市, 省, 县 …, `constraints.asked_noun`),
the chosen sentence's window must name a place of that kind: a word ending with it ("海淀区"; not a pronoun, "各区",
"该区"), or a place name that is one with it ("海淀" of "42家位于海淀": 海淀区 is a place name jieba or the corpus's
vocabulary knows; "北京市区" is no place name, jieba tags it nt). Otherwise the sentence is shown as the nearest
fact, and the refusal says the report has nothing about "各区".
"""

from __future__ import annotations

from qa.answer.answer_types import PLACE_TAGS
from qa.answer.features import Question
from qa.segment.tokenizer import Segmenter
from qa.text import normal_form
from qa.understand.constraints import asked_noun
from qa.understand.kind import Kind, asked_name


def names_of_kind(word: str, flag: str, noun: str, segmenter: Segmenter) -> bool:
    """The word names a thing of a one-character kind: it ends with it ("海淀区" for 区; not a pronoun, "各区"), or it
    is a place name that is one with it ("海淀": 海淀区 is a place name; "北京市区" is none)."""
    form = normal_form(word)
    return len(form) > 1 and flag != "r" and (
        form.endswith(noun) or (flag in PLACE_TAGS and segmenter.is_listed_place(form + noun)))


def unnamed_kind(q: Question, window: str, segmenter: Segmenter) -> str | None:
    """"各区" when the question asks which place of a one-character kind (区) and the sentence's window (the
    sentences before and after it too) names no place of that kind; else None."""
    if asked_name(q.norm) is not Kind.PLACE:
        return None
    noun = asked_noun(q.norm, segmenter)
    if noun is None or len(noun) != 1:
        return None
    if any(names_of_kind(word, flag, noun, segmenter) for word, flag in segmenter.tagged(window)):
        return None
    return f"各{noun}"
