"""Near misses on the bundled report: a question whose typed constraint (a district, a year, a funding round, a
place the report never names) the nearest sentence replaces by another of the same type is refused with what the
report lacks and that sentence as the nearest fact — while the same question with the sentence's own value is
answered."""

from dataclasses import replace

import numpy as np
import pytest

from qa.answer.candidates import Candidate
from qa.answer.features import analyse
from qa.answer.swaps import swapped_constraint, year_end_swapped
from qa.answer.unmeasured import unwritten_measure


@pytest.mark.parametrize(("answerable", "near_miss", "key", "lacks"), [
    ("北京获投AI企业里，海淀区占比多少？", "北京获投AI企业里，丰台区占比多少？", "62.44%", "“丰台区”"),  # a district
    ("截至2019年4月，北京共有多少家AI企业获得融资？", "截至2019年底，北京共有多少家AI企业获得融资？", "442家",
     "“2019年底”"),  # the end of the year, where the report's count is of April
    ("到2025年，人工智能应用市场总值预计能达到多少美元？", "到2030年，人工智能应用市场总值预计能达到多少美元？",
     "1270亿美元", "2030年"),  # a year the report names elsewhere, not for this figure
    ("北京AI企业中处于B轮的企业占比多少？", "北京AI企业中处于D轮的企业占比多少？", "14.48%", "“D轮”"),  # a round
    ("A轮及以前的企业融资总额占比是多少？", "天使轮企业的融资总额占比是多少？", "13.88%", "“天使轮”"),  # one in words
    ("北京AI软件企业收入大概多大规模？", "北京AI硬件企业的收入规模有多大？", "1122亿元", "“硬件”"),  # listed apart
    ("单次融资超过1亿元的北京AI企业有多少家？", "单次融资超过100亿元的北京AI企业有多少家？", "119家", "“100亿”"),  # an amount
    ("国内AI企业百强中位于北京的有几家？", "国内AI企业百强中位于上海的有几家？", "53家", "“上海”"),  # a place never named
    ("注册地在海淀的获投AI公司，占北京的比例是多少？", "注册地在石景山的获投AI公司，占北京的比例是多少？", "62.44%",
     "“石景山”"),  # a place jieba tags a person; 石景山区 is a place
    ("北京AI产业存在哪些问题？", "上海AI产业存在哪些问题？", "底层技术", "“上海”"),  # named by the section path
    ("单次融资超过1亿元人民币的北京AI企业有多少家？", "全国单次融资超过1亿元人民币的AI企业有多少家？", "119家",
     "“全国”"),  # the whole country asked, one city's figure said
    ("C轮及以后的北京AI企业占多少比例？", "北京AI企业里单独处在C轮的占比是多少？", "9.73%", "“C轮”"),  # a finer category
    ("C轮及以后的北京AI企业占多少比例？", "北京AI企业里单纯处于C轮的占比是多少（不算C轮以后的）？", "9.73%",
     "“C轮”"),  # the group named only to leave it out
    ("C轮及以后的北京AI企业占多少比例？", "北京AI企业里单独处在C轮的占比是多少？C轮以后的不算", "9.73%",
     "“C轮”"),  # left out after it is named
    ("天使轮（包括pre-A）的公司占多大比例", "北京AI企业里preA轮企业的占比是多少？", "28.48%", "“preA”"),  # in a bracket
    ("天使轮（包括pre-A）的公司占多大比例", "天使轮里光是preA的企业占比是多少？", "28.48%", "“preA”"),  # taken alone
    ("天使轮（包括pre-A）的公司占多大比例", "天使轮不算preA的话，北京AI企业占比多少？", "28.48%", "“preA”"),  # left out
    ("B轮、C轮及以后的企业融资总额是多少？", "C轮及以后的企业融资总额是多少亿元？", "1319.89亿元", "“C轮及以后”"),  # listed
    ("北京AI融资总额里，B轮及以后的企业拿走了多大份额", "单独算B轮的北京AI企业，融资总额是多少亿元？", "1319.89亿元",
     "“B轮”"),  # listed first, the group not opened
    ("北京获投AI企业有多少家？", "北京获投AI企业里做AI+医疗的有多少家？", "442家", "“医疗”"),  # one category counted
    ("北京第二大AI企业聚集地是哪个区？", "北京第三大AI企业聚集地是哪个区？", "朝阳区", "“第三大”"),  # another rank
    ("单次融资超过10亿元的北京AI企业有几家？", "单次融资超过10亿美元的北京AI企业有几家？", "14家", "“10亿美元”"),  # a currency
    ("北京AI软件企业收入大概多大规模？", "海淀区的AI软件企业收入规模是多少？", "1122亿元", "“海淀区”"),  # a narrower place
    ("北京获投AI企业里，海淀区占比多少？", "按注册地算，昌平区的获投AI企业占比是多少？", "62.44%",
     "“昌平区”"),  # a district the passage beside names ("2家位于昌平"), the sentence's window does not
    ("到2025年人工智能应用市场总值预计能达到多少美元？", "到2025年人工智能应用市场总值预计能达到多少人民币？", "1270亿美元",
     "“以人民币计”"),  # a figure asked in another currency
    ("北京AI软件企业收入大概多大规模？", "北京AI相关软件企业的利润大概多少？", "1122亿元", "“利润”"),  # an attribute never written
    ("北京人工智能相关企业数量达到多少家？", "北京人工智能企业的从业人员总数大概有多少人？", "1084家",
     "“从业人员总数”"),  # an attribute never written, named by two words
    ("单次融资超过1亿元的北京AI企业有多少家？", "北京AI企业的平均单笔融资金额是多少？", "119家",
     "“平均单笔融资金额”"),  # an average, where the neighbourhood states none
    ("北京AI企业里A轮及以下的占比是多少？", "北京AI企业里处于战略投资阶段的占比是多少？", "73.28%",
     "“战略投资”"),  # a round Table 1's 轮次 holds beside its coded rounds, of which the sentence states others
])
def test_a_swapped_value_is_refused_with_the_nearest_fact(assistant, answerable, near_miss, key, lacks):
    answered = assistant.ask(answerable)
    assert answered.answered and key in answered.answer
    refused = assistant.ask(near_miss)
    assert not refused.answered
    assert lacks in refused.answer and "最接近的内容是" in refused.answer and key in refused.answer
    assert refused.citations and key in refused.citations[0].text


def test_a_category_counted_that_the_report_only_lists_is_refused(assistant):
    """jieba tags 安防 a verb; the sentence listing AI+安防 among the fields is the nearest fact, and the refusal
    names the companies asked to be counted."""
    refused = assistant.ask("北京做AI+安防的公司具体有多少家？")
    assert not refused.answered and "“北京做AI+安防的公司”" in refused.answer and "AI+安防" in refused.answer


def test_a_scope_the_sentence_states_or_a_place_asked_for_is_no_swap(assistant):
    """"全国…有多少家" is answered by the sentence that says 全国 (beside 北京's figure); a question asking which
    place, or naming a place of its own, is answered by the sentence about that place, though it does not say
    全国."""
    national = assistant.ask("全国拿过风险投资的AI企业一共有多少家？")
    assert national.answered and "1259家" in national.answer
    where = assistant.ask("放眼全国，北京的AI企业主要集中在哪个区？")
    assert where.answered and "海淀区" in where.answer
    # a question naming a place of its own asks within that place's scope
    placed = assistant.ask("在全国来看，海淀区的获投AI企业占比多少？")
    assert placed.answered and "62.44%" in placed.answer
    # a country the sentence names may be the scope in other words ("使中国成为…" for 全国)
    country = assistant.ask("按规划，到2030年全国要成为什么样的创新中心？")
    assert country.answered and "2030年" in country.answer
    # 国内 is relative to a country ("奈及利亞國內"), so it is no scope; 全國 is, in either script
    assert assistant.understand("奈及利亞國內最有勢力的部族是?").constraints.scopes == ()
    assert assistant.understand("全國AI企業一共有多少家？").constraints.scopes == ("全国",)


def test_a_group_opened_in_other_words_is_no_finer_category(assistant):
    """"C轮甚至更后面" opens the group "C轮及以后" in other words (a localizer after the code, same direction), so
    the sentence answers it; asked alone, the refusal says the report gives no figure of C轮's own."""
    answer = assistant.ask("融资走到C轮甚至更后面的北京AI企业占几成")
    assert answer.answered and "9.73%" in answer.answer
    refused = assistant.ask("北京AI企业中处于C轮的占比？")
    assert not refused.answered and refused.answer.startswith("报告没有单独给出“C轮”的数据")


def test_a_category_is_an_item_the_document_lists_ending_in_the_word():
    """"如AI+医疗、AI+安防、AI+零售等": 医疗 and 零售 are categories (an item ends in them, 等 closing the list);
    a word inside an item ("硬件" of "硬件制造") or outside any enumeration ("相比") is not."""
    from qa.answer.listed import listed_as_item

    text = "部分领域呈现出蓬勃发展的态势，如ai+医疗、ai+安防、ai+零售等。覆盖了软件技术研发、硬件制造各个环节，与2018年相比"
    assert listed_as_item("医疗", text) and listed_as_item("零售", text)
    assert not listed_as_item("硬件", text) and not listed_as_item("相比", text)


def test_a_verb_ending_a_listed_item_is_no_category(assistant):
    """"…任务相比" ends an item of the report's enumerations, but 相比 compares, it names no category: the question
    is answered."""
    answer = assistant.ask("和2018年5月相比，北京获投的AI企业新增了几家？")
    assert answer.answered and "22家" in answer.answer


def test_a_value_the_neighbourhood_holds_is_no_swap(assistant):
    """"2019年" is not in the chosen sentence but in its passage: supported, so the question is answered."""
    answer = assistant.ask("2019年海淀区获投企业的占比是多少？")
    assert answer.answered and "62.44%" in answer.answer


def test_a_common_noun_said_in_other_words_is_no_swap(assistant):
    """"总额" asked where the sentence says "金额" (same last character): the report never lists the two as
    separate items, so it is the same thing in other words, for the learned judgement to weigh."""
    answer = assistant.ask("单次融资总额超过1亿元人民币的北京AI企业有多少家？")
    assert answer.answered and "119家" in answer.answer


def test_a_one_letter_code_the_neighbourhood_never_writes_is_a_near_miss(assistant):
    """The sentence with 2018年5月 says nothing of rounds: "A轮" is missing there, with no other round in its
    place — still a near miss, as the report writes rounds (A轮, B轮 …) as a type of value."""
    refused = assistant.ask("截至2018年5月，北京获投AI企业中A轮企业占比是多少？")
    assert not refused.answered and "“A轮”" in refused.answer and "最接近的内容是" in refused.answer
    assert assistant.ask("北京AI企业中处于A轮的企业占比多少？").answered


def test_a_letter_is_a_code_only_where_the_document_writes_its_type_with_other_letters():
    """"木咀C为什么…": C ends a name, and no other letter is followed by 为 in the document."""
    from qa.answer.swaps import _one_letter

    assert _one_letter({"a轮", "ai企"}, "大多处于b轮，c轮及以后") == ["a轮"]
    assert _one_letter({"c为"}, "木咀c刚好在场，c为人") == []
    assert _one_letter({"b+轮"}, "a轮融资") == ["b+轮"]


def test_a_round_pointed_at_is_no_swap(assistant):
    """"哪一轮" asks which round (一轮 is a numeral's word): the sentence's "A轮" answers it, it replaces nothing."""
    answer = assistant.ask("北京的AI公司现在大多融到哪一轮了")
    assert answer.answered and "A轮" in answer.answer


def test_a_refusal_names_the_word_as_the_user_wrote_it(assistant):
    answer = assistant.ask("GPT-4有多少参数？")
    assert not answer.answered and "“GPT-4”" in answer.answer and "gpt" not in answer.answer


def test_a_table_row_holding_no_who_does_not_answer_a_who_question(assistant):
    """The row of 明略数据 says when and how much, not who led the round: the table does not answer."""
    answer = assistant.ask("明略数据那轮20亿元人民币的融资是谁领投的？")
    assert not answer.answered and "领投" in answer.answer
    assert assistant.ask("明略数据那轮融资是什么时候？").answered


def test_a_number_held_with_another_unit_is_no_swap(assistant):
    """"53家" and the sentence's "42家" share a unit, but the sentence holds 53 too: nothing is swapped."""
    answer = assistant.ask("国内AI百强企业中位于北京的53家里，有多少家位于海淀？")
    assert answer.answered and "42家" in answer.answer


def test_a_question_of_fillers_alone_asks_about_nothing(assistant):
    answer = assistant.ask("啊啊啊")
    assert not answer.answered and answer.answer.startswith("抱歉")


@pytest.mark.parametrize(("question", "figure"), [
    # "B轮往后" opens the group as "B轮及以后" does (jieba tags 往后 as a time word, not a localizer)
    ("B轮往后的那些公司加起来一共融了多少钱，占全部融资额的几成？", "1319.89亿元"),
    # "A轮及更早" says "A轮及以前" by an adverb and an adjective of time (更 d, 早 a)
    ("A轮及更早的企业融资总额占比是多少？", "13.88%"),
    ("A轮及更早那批公司融资总额占比有多少？", "13.88%"),  # here jieba keeps 更早 whole (d)
])
def test_a_group_opened_by_a_time_word_is_no_finer_category(assistant, question: str, figure: str):
    answer = assistant.ask(question)
    assert answer.answered and figure in answer.answer


def test_a_rank_is_answered_by_the_sentence_stating_it_and_read_in_any_numerals():
    """A rank is compared by number ("第二多" is said "第二大"); another number of the same counter, or a rank
    without a counter, contradicts it; "首次" is 第一次 and "首都" is no rank."""
    from qa.understand.constraints import ranks

    third, second = ranks("第三大"), ranks("第2大")
    assert [(r.number, r.counter) for r in third + second] == [(3, "大"), (2, "大")]
    assert third[0].contradicted_by(second[0]) and ranks("排第三的")[0].contradicted_by(second[0])
    assert not third[0].contradicted_by(ranks("第二次")[0]) and not second[0].contradicted_by(second[0])
    assert ranks("第二多")[0].held_by(second) and not third[0].held_by(second)
    assert [(r.number, r.counter) for r in ranks("首次")] == [(1, "次")] and ranks("首都") == []


def test_a_rank_is_stated_by_its_number_of_the_same_kind():
    """"第二大" states 排第二 and 第二大; "第一届" does not state 第一次 (CMRC: "《鳄鱼泪》第一次播出" is no question about
    "第一届十大中文金曲")."""
    from qa.understand.constraints import ranks

    assert ranks("排第二的")[0].stated_by(ranks("第二大")) and ranks("第二大")[0].stated_by(ranks("第二大"))
    assert not ranks("第一次")[0].stated_by(ranks("第一届")) and not ranks("第三大")[0].stated_by(ranks("第二大"))


def test_a_rank_asked_of_any_kind_chooses_the_sentence_stating_it(assistant):
    """A share asked of the second-largest district is the second sentence's, not the framing sentence's 62.44%."""
    answer = assistant.ask("按获投企业的注册地来看，第二大AI企业聚集地的占比是多少？")
    assert answer.answered and "25.79%" in answer.answer and "62.44%" not in answer.answer


def test_a_rank_asked_chooses_the_sentence_stating_it(assistant):
    """The question's framing (按获投企业注册地看) matches the sentence before the one that ranks 第二: the answer is
    the sentence stating the rank, and its bold is 朝阳区, not 海淀."""
    answer = assistant.ask("按获投企业注册地看，排第二的AI企业聚集地是哪个区")
    assert answer.answered and answer.short_answer == "朝阳区"
    assert answer.citations[0].text.startswith("第二大") or "第二大人工智能企业聚集地为朝阳区" in answer.answer


def test_a_rank_the_documents_title_writes_is_not_asked():
    """"最初在巴黎第四区居住的居民是谁？" asks about the article 巴黎第四区, not for the fourth of a ranking."""
    from qa.answer.ranked import asked_ranks
    from qa.understand.constraints import ranks

    asked = ranks("最初在巴黎第四区居住的居民是谁") + ranks("第二大")
    assert [r.written for r in asked_ranks(tuple(asked), "巴黎第四区")] == ["第二大"]
    assert [r.written for r in asked_ranks(tuple(asked), "人工智能产业发展研究报告")] == ["第四", "第二大"]


def test_a_sum_in_another_currency_is_read_in_any_of_its_written_forms():
    """A sum's currency may be written as its ISO code ("1亿USD" in normal form); the neighbourhood's "1亿元人民币" is
    the same number and unit in another currency, and "10亿元" is yuan as "10亿人民币" is."""
    from qa.answer.money import other_currency

    local = "单次融资金额超过1亿元人民币，其中有14家超过10亿元"
    assert other_currency("超过1亿usd的企业有几家", "", local) == ["1亿usd"]
    assert other_currency("超过10亿人民币的企业有几家", "", local) == []
    assert other_currency("收入有多少美元", "收入规模约1122亿元", local) == ["以美元计"]
    assert other_currency("收入有多少美元", "收入规模约1122亿元，合160亿美元", local) == []
    assert other_currency("收入有多少美元", "收入增长很快", local) == []  # no sum in the sentence: no currency to swap
    assert other_currency("市场总值有多少亿元", "市场总值将达1270亿美元", local) == []  # a bare 元 names no currency


def test_a_place_named_with_its_level_is_a_place_and_its_name_alone_is_written_for_it(assistant):
    """jieba tags 扎堆 and 城市 as places (ns); a name with its administrative level (海淀区, 上海市) is a real place,
    and the report may write it without the level: "1家位于西城，2家位于平谷" answers 西城区 and 平谷区."""
    from qa.segment.tokenizer import ADMINISTRATIVE_PLACE

    assert ADMINISTRATIVE_PLACE.fullmatch("海淀区") and ADMINISTRATIVE_PLACE.fullmatch("上海市")
    assert not ADMINISTRATIVE_PLACE.fullmatch("扎堆") and not ADMINISTRATIVE_PLACE.fullmatch("城市")
    # a common noun with such an ending is no place: "试验区" is not written "试验"
    assert "海淀" in assistant.segmenter.alias_forms("海淀区") and assistant.segmenter.alias_forms("试验区") == ()
    for district, key in (("平谷区", "2家位于平谷"), ("西城区", "1家位于西城")):
        answer = assistant.ask(f"国内AI百强里，位于{district}的有几家？")
        assert answer.answered and key in answer.answer


def test_an_attribute_never_written_is_answered_when_the_verifier_reads_it_said_in_other_words(assistant):
    """全市 is not in the report, which says 北京 for it: the verifier reads the 海淀区 window as answering, so the
    share is the answer (dev_qa.jsonl), while 利润 of the 收入 sentence is refused (above)."""
    answer = assistant.ask("海淀区的人工智能企业占全市多少比例？")
    assert answer.answered and "62.44%" in answer.answer


@pytest.mark.parametrize(("question", "unwritten"), [
    ("北京人工智能企业的从业人员总数大概有多少人？", "从业人员总数"),  # named from its first word the report lacks
    ("北京AI软件企业的收入规模有多少？", None),  # an attribute the report writes is no near miss, whatever the verifier
    # 规模 only says how it is measured: 利润 names the attribute, and the report writes 收入规模
    ("北京AI相关软件企业一年的利润规模大概多大？", "利润规模"),
])
def test_the_unwritten_attribute_is_named_from_its_first_unwritten_word(assistant, question, unwritten):
    """Read with the verifier's P at 0 (doubting): only an attribute the corpus never writes is a near miss."""
    q = analyse(assistant.understand(question), np.zeros(384, dtype=np.float32), assistant.context)
    assert unwritten_measure(q, assistant.context, verified=0.0) == unwritten


def test_a_district_the_sentence_beside_names_is_no_swap(assistant):
    """The reader may quote the sentence beside the chosen one: "朝阳区" asked of "…主要集中于海淀区", whose window
    holds "第二大…为朝阳区", is no near miss (the window, not the sentence alone, must name the district)."""
    passage = next(p for p in assistant.index.passages if any("主要集中于海淀区" in s for s in p.statements))
    index = next(n for n, s in enumerate(passage.statements) if "主要集中于海淀区" in s)
    candidate = Candidate(passage, 0, False, index, passage.statements[index], np.zeros(1), False)
    q = analyse(assistant.understand("朝阳区的获投AI企业占比是多少？"), np.zeros(384, dtype=np.float32), assistant.context)
    assert swapped_constraint(q, candidate, assistant.context) is None


def test_a_district_the_section_path_names_is_no_swap(assistant):
    """A section path names what its sentences are about: asked of a sentence under "西城区的人工智能企业", 西城区
    is supported though the sentence's window never writes it."""
    passage = next(p for p in assistant.index.passages if any("主要集中于海淀区" in s for s in p.statements))
    index = next(n for n, s in enumerate(passage.statements) if "主要集中于海淀区" in s)
    passage = replace(passage, section=(*passage.section, "西城区的人工智能企业"))
    candidate = Candidate(passage, 0, False, index, passage.statements[index], np.zeros(1), False)
    q = analyse(assistant.understand("西城区的获投AI企业占比是多少？"), np.zeros(384, dtype=np.float32), assistant.context)
    assert swapped_constraint(q, candidate, assistant.context) is None


def test_a_choice_refused_for_a_place_it_lacks_is_tried_again_on_a_sentence_naming_it(assistant):
    """"2018年…朝阳区…占了多少比例" matches the national 获投 sentence best, whose neighbourhood lacks 朝阳区: refused
    for that, the best sentence naming 朝阳区 is judged and answers (28.53% in 2018). A place no sentence names, or a
    near miss refused otherwise, stays refused."""
    answer = assistant.ask("2018年那時候，朝楊區在北京獲投AI公司裡佔了多少比例？")
    assert answer.answered and "28.53%" in answer.answer and "1259" not in answer.answer
    assert not assistant.ask("丰台区的AI获投企业占比是多少？").answered
    assert not assistant.ask("海淀区的AI软件企业收入规模是多少？").answered


def test_the_end_of_a_year_is_missing_only_where_the_statement_gives_another_month() -> None:
    """"截至2019年底" is not answered by a count of April; a statement that says the year's end too may answer it."""
    assert year_end_swapped(("2019年底",), "截至2019年4月，北京共有442家企业获得融资。", "截至2019年4月，北京共有442家") \
        == "2019年底"
    assert year_end_swapped(("2019年底",), "2019年4月有300家，到2019年底有442家。", "2019年4月有300家") is None
    assert year_end_swapped(("2017年底",), "2017年6月有20家，2017年年底有30家。", "2017年6月有20家") is None  # 年年底


@pytest.mark.parametrize(("local", "kept"), [
    ("A轮及以前的企业数量占73.28%", False),  # a stated share fits "70%多"
    ("A轮及以前的企业有73家，占比62.44%", True),  # 73 is a count, not a share; 62.44% does not fit
])
def test_a_guessed_share_leaves_the_near_miss_check_only_when_a_stated_share_fits(local, kept):
    from qa.answer.swaps import _unfitting_guesses

    assert ("70%多" in _unfitting_guesses("A轮及以前的企业数量占了70%多", local)) is kept
