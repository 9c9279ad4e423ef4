"""Near misses: the question's constraint swapped for another value of the same type.

"北京获投AI企业里，丰台区占比多少？" retrieves "…主要集中于海淀区，占比达62.44%": every word matches but one, and
that one is replaced, in the sentence, by a value of the same type — a district for a district, a year for a year,
a funding round for a round. The sentence answers a neighbouring question, not this one. SQuAD 2.0 built its
unanswerable questions exactly this way, and the learned judgement (`answerable.py`) sees such a miss only as a
little missing term weight, so the swap is checked directly:

a value the question states — a year, a proper name (jieba POS), a Latin code before a Chinese character
("D轮", "B+轮") or a word ending in such a code's head that names a value of its type ("天使轮" where the sentence
says "A轮及以前"; not a word that points, "哪一轮"), or a number with its unit ("100亿" of "超过100亿元") — that
the sentence's neighbourhood (`local_text`; for a year the sentence with its title and section path, since the
passage beside it may well name other years) does not hold, while the sentence holds
another value of the same type ending in the same character (区/区, 年/年, 轮/轮) that the question does not say.
A code of one letter ("A轮", "D轮") that the neighbourhood never writes is a near miss without a type-mate: "截至
2018年5月，北京获投AI企业中A轮企业占比是多少？" chose the sentence with 2018年5月, which says nothing of rounds.

A place the whole corpus never writes (in any of its forms) cannot be matched by its last character — "上海" asked
where the sentence says "北京" — so its type-mate is any place the sentence, its section path or its document's
title names (jieba POS ns: "上海AI产业存在哪些问题？" and "二、北京市人工智能产业存在的问题"). Only places of
jieba's dictionary: a name its HMM guessed is often a fragment of a word the corpus does write ("锦地罗不" of
"锦地罗不需要"), and its person tags cover common nouns ("帝王": two CMRC trial questions answered right were
refused when every absent name counted). A place named with its level ("昌平区"), a place by its form, is asked of
the sentence's window (the sentences before and after it) with its title and section path, not of the passages
beside: "按注册地算，昌平区的获投AI企业占比是多少？" retrieves "…主要集中于海淀区，占比达62.44%", whose neighbouring
passage counts 百强 firms "2家位于昌平" — another figure.

A scope of the whole country or world ("全国单次融资超过10亿元的AI企业有多少家？") that the sentence, its section
path and its document's title do not state, while the sentence names a place the question does not ("其中，北京有
…14家…超过10亿元"), gets a narrower place's figure: the neighbourhood is not asked here, since a passage that
compares 北京 with 全国 writes both, and its sentences each give one of them. A question asking for a place is
answered by the place it names, so it is no swap ("全国AI企业最多的是哪个城市？"), and so is a question that names a
place of its own: the scope is then that place's ("依照全球氣候分類，奈及利亞…", "全国获投企业里北京占多少").

A finer category than the sentence reports: a code the sentence writes only as the first of a group ("C轮及以后
占据9.73%", "A轮及以前": the code, an optional 及, then 以后/之后/以前/之前/以上/以下) asked alone ("单独处在C轮的
占比"), or only listed beside another code the question does not ask ("B轮、C轮及以后的企业…融资总额1319.89亿元" for
"C轮及以后的企业融资总额是多少", or for "单独算B轮的…融资总额" — unless the question opens the group after it: "B轮及以后"), or a word the sentence writes only inside a bracket that a wider item includes ("天使轮（含preA）"), asked
without that item ("preA轮企业的占比"), taken by itself ("天使轮里光是preA的…") or left out ("天使轮不算preA的话"). A question that opens the same
group in other words is no swap ("融资走到C轮甚至
更后面的": a localizer after the code in the same direction, 后/前/上/下), nor one that names the item ("天使轮（包括
pre-A）的公司"); the bracket only for a question asking how many ("preA属于哪一轮？" is answered by 天使轮).

A category the question counts that the sentence's figure is not about: a "how many" question's noun (jieba n,
vn, nz) the neighbourhood lacks, which the document names as one item of an enumeration, the item ending in it
("如AI+医疗、AI+安防、AI+零售等", `listed.listed_as_item`) — "北京获投AI企业里做AI+医疗的有多少家？" is not answered
by "其中北京442家". A word inside an item ("硬件" of "硬件制造") or a verb ("相比") is no category.

Another rank than the question's: "北京第三大AI企业聚集地是哪个区？" of "第二大人工智能企业聚集地为朝阳区" (ranks compared
by number, `constraints.Rank`). The neighbourhood, not the sentence, must not write the asked rank and must rank
another of the same kind, since the reader may quote the sentence beside the chosen one.

Two common nouns that share a last character are often the same thing in other words (金额/总额), which the
verifier and the dense cosine judge; they are a swap here only when the document lists them as two items of one
enumeration ("软件技术研发、…、硬件制造": "北京AI硬件企业的收入规模" is not answered by the 软件 sentence;
`listed.py`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.answerable import local_text, sentence_text
from qa.answer.arithmetic import FIGURE
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.features import Question
from qa.answer.listed import listed_as_item, listed_beside
from qa.answer.money import other_currency
from qa.ingest.columns import ColumnType, Table
from qa.segment.tokenizer import ADMINISTRATIVE_PLACE
from qa.understand.constraints import TAKEN_AWAY, YEAR, Rank, guess_fits, guessed_shares, ranks, year_ends
from qa.understand.kind import Kind
from qa.text import CODE, coded_words, normal_form

#: A number with the character after it, its unit ("100亿", "3家", "62.44%"); dates are years' business.
_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)([^\d\s.,，。、？?！!：:；;年月日号])")


#: POS tags of words that point at a value instead of naming one ("哪一轮" → 一轮 m, "那轮" r, "这家" r).
_POINTING = frozenset({"m", "mq", "q", "r"})
_CHINESE_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_ONE_LETTER = re.compile(r"[a-z]\+?[\u4e00-\u9fff]")


@lru_cache(maxsize=16)
def _document_codes(document: str) -> frozenset[str]:
    """The codes a document writes (found once per document text)."""
    return frozenset(coded_words(document))


def _one_letter(codes: set[str], document: str) -> list[str]:
    """The asked codes of one letter ("d轮", "b+轮"; not "ai企" of "AI企业") whose head the document writes after
    other letters too ("A轮", "B轮" …): a value of a type the document has, so particular that a neighbourhood
    which never writes it is about something else. A letter that ends a name ("木咀C为什么…") has no such type."""
    written = _document_codes(document)
    return sorted(code for code in codes if _ONE_LETTER.fullmatch(code)
                  and any(_ONE_LETTER.fullmatch(other) and other[-1] == code[-1] and other[0] != code[0]
                          for other in written))


def _kin_in_tables(question: str, tables: tuple[Table, ...]) -> tuple[list[str], set[str]]:
    """The values the question states of a table's category whose other values are codes ("战略投资" of 轮次, beside
    "B 轮", "D 轮"), with those codes' heads (轮): a value of the codes' type written without one, which a sentence
    stating shares of "A轮及以下" does not give ("北京AI企业里处于战略投资阶段的占比是多少？")."""
    stated: list[str] = []
    heads: set[str] = set()
    for uncoded, codes in _coded_categories(tables):
        if named := [value for value in uncoded if value in question]:
            stated += named
            heads |= codes
    return stated, heads


@lru_cache(maxsize=8)
def _coded_categories(tables: tuple[Table, ...]) -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """Per category column holding codes, its values without one (in normal form) and its codes' heads — read once
    per corpus, not once per question."""
    found = []
    for table in tables:
        for column in table.columns:
            if column.type is ColumnType.CATEGORY:
                values = {normal_form(dict(row.cells).get(column.name, "")) for row in table.rows}
                codes = frozenset(code[-1] for value in values for code in coded_words(value))
                uncoded = tuple(sorted(v for v in values if len(v) > 1 and not coded_words(v)))
                if codes and uncoded:
                    found.append((uncoded, codes))
    return tuple(found)


def _kin_of_codes(words: list[tuple[str, str]], codes: set[str]) -> list[str]:
    """The question's Chinese words ending in the head of a code the sentence holds ("天使轮" beside "A轮"): a
    value of the same type written without a Latin code."""
    heads = {code[-1] for code in codes}
    return [w for w, flag in words if _CHINESE_WORD.fullmatch(w) and w[-1] in heads and flag not in _POINTING]


def _listed_mates(words: list[tuple[str, str]], local: str, sentence_words: set[str], question: str,
                  document: str) -> list[str]:
    """The question's common words the neighbourhood lacks whose place the sentence fills with a word of the same
    last character that the document lists beside it as another item ("硬件" asked, "软件" said; the document
    lists "软件技术研发、…、硬件制造"): two things, not one said in other words as 金额/总额 would be."""
    mates = []
    for w, flag in words:
        if _CHINESE_WORD.fullmatch(w) and flag not in _POINTING and w not in local:
            said = {v for v in sentence_words if v[-1] == w[-1] and v != w and v not in question}
            if said and listed_beside(w, said, document):  # the document is read only for a possible mate
                mates.append(w)
    return mates


#: jieba POS tags of a noun naming a category ("医疗" n, "零售" vn); not a verb or a word that points.
_NOUN_TAGS = frozenset({"n", "vn", "nz"})


def _subset(words: list[tuple[str, str]], local: str, document: str) -> list[str]:
    """A "how many" question's words the neighbourhood lacks that the document lists as one item among others
    ("AI+医疗" of "如AI+医疗、AI+安防、AI+零售等"): the question counts one category, the sentence's figure is not
    about it. A noun by its tag, or any word that completes an "X+" compound (安防 of "AI+安防", which jieba tags a
    verb)."""
    return [w for n, (w, flag) in enumerate(words) if _CHINESE_WORD.fullmatch(w) and w not in local
            and (flag in _NOUN_TAGS or (n > 0 and words[n - 1][0].endswith("+"))) and listed_as_item(w, document)]


#: A value opening a group that runs on from it: "c轮及以后", "a轮及以前", "b轮以上" (normal form).
_GROUP_AFTER = re.compile(r"及?[以之]([后前上下])")
#: An item a bracket includes in the item before it: "天使轮（含prea）" (normal form: brackets folded by NFKC).
_INCLUDED = re.compile(r"([\u4e00-\u9fffa-z0-9+\-]+)\((?:含|包括|包含)([^()]+)\)")
#: Words that take an item by itself ("天使轮里光是preA的"), written right before it.
_ALONE = re.compile(r"(?:光是|光|单独|单纯|单单|纯|仅仅|仅|只是|只有|只)$")
#: Words that leave an item out ("天使轮不算preA的话"), written right before it: the figure that includes it is not
#: the one asked.
_LEFT_OUT = re.compile(TAKEN_AWAY + "$")
#: Words after a group that leave it out ("c轮以后的不算", "…的除外").
_LEFT_OUT_AFTER = re.compile(r"的?(?:都|也)?(?:不算|不计|不包括|不含|除外)")


#: The characters that say a group's direction in time: 以前 is 更早, 以后 更晚.
_DIRECTION_WORDS = {"前": "前早", "后": "后晚"}


def _opened_in_question(code: str, direction: str, words: list[tuple[str, str]]) -> bool:
    """The question writes, after the code, a localizer, time word or adverb of the same direction ("c轮甚至更后面",
    "b轮往后": jieba tags 往后 t; "a轮及更早": 更 d, 早 a) — not with a word leaving it out ("不算c轮以后的",
    "c轮以后的不算")."""
    after, before = False, ""
    said = _DIRECTION_WORDS.get(direction, direction)
    for n, (w, flag) in enumerate(words):
        if code in w or w == code[:-1]:
            after = not _LEFT_OUT.search(before)
        elif after and flag in ("f", "t", "d", "a") and any(ch in w for ch in said):
            if not _LEFT_OUT_AFTER.match("".join(v for v, _ in words[n + 1:n + 4])):  # "c轮以后的不算"
                return True
        before = (before + w)[-4:]
    return False


def _grouped(asked_codes: set[str], sentence: str, words: list[tuple[str, str]], question: str,
             counted: bool) -> list[str]:
    """The question's values the sentence states only as part of a wider group (see the module's docstring); a
    bracket's item only for a question asking how many (`counted`): one asking what it belongs to is answered by
    the wider item."""
    found = []
    ends = {m.end(): m.group(1) + m.group(2) for m in CODE.finditer(sentence)}  # the sentence's codes by end
    for code in sorted(asked_codes):
        values = []
        for m in re.finditer(re.escape(code), sentence):
            group = _GROUP_AFTER.match(sentence, m.end())
            opened = group is not None and _opened_in_question(code, group.group(1), words)
            before = ends.get(m.start() - 1) if sentence[m.start() - 1:m.start()] == "、" else None
            after = CODE.match(sentence, m.end() + 1) if sentence[m.end():m.end() + 1] == "、" else None
            if before is not None and before not in asked_codes:  # "b轮、c轮及以后": listed with another
                values.append(code + group.group(0) if opened and group is not None else code)
            elif (after is not None and after.group(1) + after.group(2) not in asked_codes
                  and not _opened_in_question(code, "后", words)):  # "b轮、c轮…" asked of b轮 alone
                values.append(code)
            elif group is not None and not opened:
                values.append(code)
            else:  # the code stands alone here: the sentence gives its own figure
                values = []
                break
        found.extend(values[:1])
    for head, items in _INCLUDED.findall(sentence) if counted else ():
        for item in re.split(r"[、,，及和]", items):
            if item and item in question and sentence.count(item) == 1 and (
                    head not in question or _ALONE.search(question[:question.index(item)])
                    or _LEFT_OUT.search(question[:question.index(item)])):
                found.append(item)
    return found


def _ranks_swapped(asked: tuple[Rank, ...], local: str) -> list[str]:
    """The asked ranks ("第三大") the neighbourhood never writes, where it ranks another one the question does not
    ask ("第二大人工智能企业聚集地为朝阳区", in the sentence or the one beside it that the reader may quote), as the
    question writes them."""
    around = ranks(local)
    others = [r for r in around if not r.held_by(asked)]
    return [r.written for r in asked if not r.held_by(around) and any(r.contradicted_by(o) for o in others)]


#: A month of a year ("2019年4月").
_MONTH = re.compile(r"(?:19|20)\d{2}年\d{1,2}月")


def year_end_swapped(asked: tuple[str, ...], said: str, sentence: str) -> str | None:
    """The end of a year the question asks ("2019年底") where the sentence states a month instead ("截至2019年4月，
    北京共有442家…"), unless the statement says that year's end too; None otherwise."""
    return _swapped(list(asked), set(year_ends(said)), set(_MONTH.findall(sentence)), "", False)


def _amounts(text_norm: str) -> dict[str, str]:
    """Each number with its unit ("100亿") → the number alone ("100")."""
    return {number + unit: number for number, unit in _AMOUNT.findall(text_norm)}


def _unfitting_guesses(question: str, local: str) -> str:
    """The question without the shares it guesses at that a share of the local text fits ("占了70%多" of 73.28%):
    a guess no stated share fits stays, a value swapped ("北京占了50%多" where the text says 35.1%)."""
    stated = [float(figure[1]) for figure in FIGURE.finditer(local) if figure[2] == "%"]
    for guess in reversed(guessed_shares(question)):
        if any(guess_fits(guess, share) for share in stated):
            question = question[:guess.start()] + " " + question[guess.end():]
    return question


def _swapped(asked: list[str], said_elsewhere: set[str], sentence_values: set[str] | None, question: str,
             same_ending: bool) -> str | None:
    """The first asked value missing where it should be, whose type-mate the sentence holds instead: a value of
    the same type, ending in the same character when `same_ending` (None: missing is enough)."""
    for value in asked:
        if value in said_elsewhere:
            continue
        if sentence_values is None or any(v != value and (v[-1] == value[-1] or not same_ending)
                                          and v not in question for v in sentence_values):
            return value
    return None


def swapped_constraint(q: Question, c: Candidate, context: AnswerContext) -> str | None:
    """The question's value ("丰台区", "2030年", "D轮", "100亿") that the chosen sentence states another value in
    place of, or None when every typed constraint is supported or nothing stands in its place."""
    sentence = normal_form(c.text)
    question = q.norm
    local = local_text(c, context)
    said = sentence_text(c, context)
    years_around = {f"{y}年" for y in YEAR.findall(said)}
    unsupported = [n for n in q.constraints.names if not n.latin and not n.found_in(local) and len(n.text) > 1]
    names = [n.text for n in unsupported]
    # places any other place may stand in for: one the corpus never writes ("上海"), or one named with its level,
    # which is a place by its form ("海淀区" of "北京…"; jieba's ns tag alone also covers 扎堆 and 城市), that the
    # sentence's window does not name — a passage beside may name it in another figure ("2家位于昌平")
    window = normal_form(c.before(context) + c.text + c.after(context))
    unmatched_places = [n.text for n in unsupported if context.segmenter.names_a_place(n.text)
                        and not context.writes_any(n.forms)]
    unmatched_places += [n.text for n in q.constraints.names if ADMINISTRATIVE_PLACE.fullmatch(n.text)
                         and context.segmenter.is_listed_place(n.text) and not (n.found_in(window) or n.found_in(said))
                         and n.text not in unmatched_places]
    sentence_names = {normal_form(w) for w, flag in context.segmenter.tagged(c.text)
                      if len(w) > 1 and context.segmenter.is_name(w, flag)}
    words = context.segmenter.question_words(q.norm)
    placed = q.qtype.kind is Kind.PLACE or any(flag == "ns" for _, flag in words)
    scopes = [] if placed else list(q.constraints.scopes)
    places = {w for w, flag in context.segmenter.tagged(said)
              if len(w) > 1 and flag == "ns"} if unmatched_places or scopes else set()
    sentence_codes, asked_codes, local_codes = coded_words(sentence), coded_words(question), coded_words(local)
    kin = _kin_of_codes(words, sentence_codes)
    sentence_words = {normal_form(w) for w, _ in context.segmenter.tagged(c.text) if len(w) > 1}
    document = context.document_text(c.passage.source)
    mates = _listed_mates(words, local, sentence_words, question, document)
    table_kin, table_heads = _kin_in_tables(question, context.tables)
    amounts_around = _amounts(local)
    # a number the neighbourhood holds with another unit is not missing ("第111名" ← "排名第111位")
    amounts = sorted(value for value, number in _amounts(_unfitting_guesses(question, local)).items()
                     if number not in amounts_around.values())
    checks = (  # (values asked, held where they should be, the sentence's values of the same type, same ending)
        ([f"{y}年" for y in q.constraints.years], years_around, {f"{y}年" for y in YEAR.findall(sentence)}, True),
        ([year_end] if (year_end := year_end_swapped(q.constraints.year_ends, said, sentence)) else [], set(), None,
         True),
        (names, set(), sentence_names, True),
        (sorted(asked_codes), local_codes, sentence_codes, True),
        (_one_letter(asked_codes, document), local_codes, None, True),
        (kin, {w for w in kin if w in local}, sentence_codes, True),
        (table_kin, {w for w in table_kin if w in local}, {c for c in sentence_codes if c[-1] in table_heads}, False),
        (mates, set(), sentence_words, True),
        (_subset(words, local, document) if q.qtype.kind is Kind.QUANTITY else [], set(), None, True),
        (amounts, set(amounts_around), set(_amounts(sentence)), True),
        (_ranks_swapped(q.constraints.ranks, local), set(), None, True),
        (other_currency(question, sentence, local), set(), None, True),
        (_grouped(asked_codes, sentence, words, question, q.qtype.kind is Kind.QUANTITY), set(), None, True),
        (unmatched_places, set(), places, False),
        # a country ("中国") may be the scope in other words; a city or a district is narrower
        (scopes, {s for s in scopes if s in said}, {p for p in places if not p.endswith("国")}, False),
    )
    return next((found for asked, held, there, ending in checks
                 if (found := _swapped(asked, held, there, question, ending))), None)
