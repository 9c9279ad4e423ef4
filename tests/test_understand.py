"""Question understanding as one stage: the `Understood` object every front door's question becomes."""

import pytest

from qa.understand.constraints import read_constraints
from qa.understand.kind import Kind
from qa.understand.validate import QuestionError
from qa.segment.tokenizer import get_segmenter


def test_a_traditional_misspelt_follow_up_is_understood_in_one_pass(assistant):
    """Follow-up first (on the user's words), then script, numerals and spelling, then kind and constraints."""
    understood = assistant.understand("那潮陽區呢？", previous="二〇一九年海淀區的人工智慧企業佔比多少？")
    assert understood.rewritten and understood.typed == "那潮陽區呢？"
    assert understood.asked_as == "二〇一九年潮陽區的人工智慧企業佔比多少？"
    assert understood.traditional
    assert understood.searched == "2019年朝阳区的人工智能企业占比多少？"
    assert understood.qtype.kind is Kind.QUANTITY
    assert understood.constraints.years == ("2019",)
    assert [n.text for n in understood.constraints.names] == ["朝阳区"]


def test_a_complete_question_is_not_rewritten(assistant):
    understood = assistant.understand("商汤科技怎么样？", previous="寒武纪是哪一年成立的？")
    assert not understood.rewritten and understood.asked_as == understood.typed == "商汤科技怎么样？"
    assert not understood.traditional


def test_every_front_door_gets_the_same_error_for_a_question_that_cannot_be_asked(assistant):
    with pytest.raises(QuestionError, match="不能为空"):
        assistant.understand("   ")


def test_constraints_hold_years_other_numbers_and_names_with_their_other_forms():
    found = read_constraints("2018年单次融资超过10亿元的AI企业在海淀有几家？", get_segmenter())
    assert found.years == ("2018",) and found.numbers == ("10",)
    names = {n.text: n for n in found.names}
    assert "海淀" in names and "ai" in names and "人工智能" in names["ai"].forms
    assert names["ai"].latin and names["ai"].found_in("北京人工智能企业")


def test_a_year_in_full_width_digits_is_a_year_constraint():
    """"那２０１７年的时候呢？" asks about 2017 as much as "2017年" does: the year must be supported, or it is refused."""
    assert read_constraints("国内AI百强里北京有53家，那２０１７年的时候呢？", get_segmenter()).years == ("2017",)


@pytest.mark.parametrize(("question", "numbers"), [
    ("北京好像有1000多家AI企业，具体多少家？", ()),  # a guess at the answer: 1084家 answers it
    ("有100余家还是10来个？", ()),
    ("超过10亿元的有多少家？", ("10",)),  # a threshold is a constraint
    ("100多少", ("100",)),  # 多少 asks, it guesses nothing
    ("C轮及以后的是不是连10%都不到", ()), ("有没有30%？", ()), ("占比超过50%了吗", ()), ("占了70%多", ()),  # guesses
    ("70%的股份被谁收购", ("70%",)),  # a share named is a constraint
])
def test_a_number_the_question_only_guesses_at_is_no_constraint(question, numbers):
    assert read_constraints(question, get_segmenter()).numbers == numbers


@pytest.mark.parametrize("question", ["北京AI产业现状那部分，总结了哪几个特点？", "报告引用的白皮书数据统计到哪天？"])
def test_how_the_report_talks_is_no_term_or_measure(assistant, question):
    """A saying verb whose subject is the report or a part of it (总结, 引用) describes the report, not what a
    sentence of it must say: no term, and no attribute measured ("报告总结了几条")."""
    from qa.answer.features import question_terms

    terms = question_terms(question, assistant.segmenter, lambda text: False)[0]
    assert "总结" not in terms and "引用" not in terms
    assert read_constraints("报告总结了几条？", get_segmenter()).measure == (read_constraints("报告几条？", get_segmenter()).measure)


def test_a_guessed_number_is_no_term_the_answer_must_repeat(assistant):
    """"一千多家" is the asker's estimate ("好像", a hedge like 大概, `data/fillers.txt`); as terms 1000 and 多家
    (absent from the report, the heaviest weights) drew the answer to the top-100 sentence."""
    from qa.answer.features import question_terms

    asked = "北京这边跟人工智能沾边的企业好像有1000多家，具体是多少家？"
    assert question_terms(asked, assistant.segmenter, lambda text: False)[0] == ["北京", "人工智能", "沾边", "企业"]
    assert question_terms("有100余项专利", assistant.segmenter, lambda text: False)[0] == ["专利"]
    answer = assistant.ask("北京这边跟人工智能沾边的企业好像有一千多家，具体是多少家？")
    assert answer.answered and "1084家" in answer.answer


@pytest.mark.parametrize(("question", "terms"), [
    ("报告点了名的那几个国家重点实验室叫啥？帮我列一下", ["点", "名", "国家重点实验室", "叫"]),  # was 帮, 我列
    ("北京AI产业存在哪些问题？列几条", ["北京", "ai", "产业", "存在", "问题"]),
    ("北京有代表性的AI企业能举几个例子吗？", ["北京", "代表性", "ai", "企业"]),  # a request ending the clause
    ("北京前后搞起来了哪些AI研究院？把名字列给我", ["北京", "前后", "搞", "起来", "ai", "研究院"]),
    ("政府具体可以怎么支持AI企业？给我说几条措施", ["政府", "支持", "ai", "企业", "措施"]),  # 措施 is asked for
    ("超10亿那张名单上有几家？", ["超", "10", "亿", "名单"]),  # 那/张: a measure word pointing back is no term
    ("北京那批拿到VC的AI公司", ["北京", "拿到", "vc", "ai", "公司"]),
    ("北京AI最底层那块跟国外比差在哪？", ["北京", "ai", "最底层", "国外", "差"]),  # the HMM's 比差: 比 + 差
    ("依图的估值是多少", ["依图", "估值"]),  # a name the HMM made holds no function character: it stays whole
    ("最稀缺的是哪一类人才", ["稀缺", "人才"]),  # 哪 + 一类: the measure word belongs to the question word
    ("哪种人才", ["人才"]),  # 种: a measure word jieba tags m
    ("哪类企业", ["企业"]),  # a question word the HMM made: 哪 + 类, a measure word
    ("青云和第四范式这两笔一共多少亿", ["青云", "第四范式", "亿"]),  # 这 + 两笔: a numeral and a measure word
    ("哪年哪月、第几轮", []),  # a run of question words is no term
    ("北京最稀缺的是哪一类大牛", ["北京", "稀缺", "大牛"]),  # a chat word with written forms (人才) stays whole
    ("云知声那次融资融了多少钱", ["云知声", "融资", "融了", "钱"]),  # a verb with its particle: only a leading one
])
def test_requests_and_pointing_words_are_no_terms(assistant, question, terms):
    from qa.answer.features import question_terms

    assert question_terms(question, assistant.segmenter, lambda text: False)[0] == terms


@pytest.mark.parametrize("question", ["北京有多少家企业可以说是领先的？", "报告讲了什么？", "他说的北京写字楼在哪"])
def test_words_of_saying_inside_what_is_asked_stay(question):
    from qa.understand.constraints import without_requests

    assert without_requests(question) == question


@pytest.mark.parametrize(("question", "measure"), [
    ("北京AI相关软件企业的利润大概多少？", ["利润"]),  # an adverb between the attribute and the amount asked
    ("北京AI相关软件企业一年的profit有多少？", ["profit"]),  # an English word, a copula between
    ("北京AI企業的淨利潤(profit)一年有多少？", ["profit"]),  # a bracket, a time word between
    ("北京人工智能企业的从业人员总数大概有多少人？", ["从业人员", "总数"]),  # the nouns that name it together
    ("北京的人工智能企业占全国总数的比列是多少啊？", []),  # a word jieba's dictionary lacks: a misspelling
    ("截至2019年4月，北京的人工智能企业一共有多少家？", []),  # no attribute: 一共 is skipped, 企业 is not before it
    ("字节跳动E轮融了多少钱？", []),  # 轮融, a fragment of the segmentation
    ("字节跳动E轮融资之后估值到了多少？", ["估值"]),  # a verb of reaching an amount between
    ("北京AI企业的融资总额达到多少？", ["融资", "总额"]),
    ("旷视的市值约达多少？", ["市值"]),
])
def test_the_measure_is_the_known_attribute_named_right_before_the_amount_asked(question, measure):
    assert [word.text for word in read_constraints(question, get_segmenter()).measure] == measure


def test_an_english_measure_has_the_forms_the_report_writes_it_in():
    assert "收入" in read_constraints("北京AI软件企业的revenue有多少？", get_segmenter()).measure[-1].forms

def test_the_answer_names_the_question_it_answered(assistant):
    answer = assistant.ask("那朝阳区呢？", previous="海淀区的人工智能企业占比多少？")
    assert answer.question == "朝阳区的人工智能企业占比多少？" and answer.typed == "那朝阳区呢？"
    assert "25.79%" in answer.answer and "typed" not in answer.to_json()


_WRITES_WHOLE = "2018年海淀区占比60.96%，2019年提高到62.44%。民国29年，三门县成立。2029年规划"


@pytest.mark.parametrize(("question", "read"), [
    ("19年比18年掉了几个点？", "2019年比2018年掉了几个点？"),
    ("为啥北京2015、18年冒出来那么多", "为啥北京2015、2018年冒出来那么多"),
    ("民国29年，三门县是怎么成立的？", "民国29年，三门县是怎么成立的？"),  # the corpus writes "国29年": an era's year
    ("17年北京有多少家？", "17年北京有多少家？"),  # the corpus never writes 2017年
    ("成立了18年", "成立了18年"), ("第19年", "第19年"), ("18年来变化大", "18年来变化大"),  # spans, ordinals
    ("2019年", "2019年"),
    ("18到19年那会儿", "2018到2019年那会儿"), ("18-19年", "2018-2019年"),  # a range says 年 once
    ("17到18年", "2017到2018年"),  # a range's first year is read as its last is
    ("民国28到29年", "民国28到29年"),  # the corpus writes "国29年": an era's years
])
def test_a_two_digit_year_is_read_whole_when_the_corpus_writes_it_so(question, read):
    from qa.understand.years import full_years

    assert full_years(question, lambda text: text in _WRITES_WHOLE) == read


def test_the_question_reader_reads_two_digit_years_whole(assistant):
    understood = assistant.understand("朝阳区AI企业占比从18年到19年掉了几个百分点？")
    assert understood.constraints.years == ("2018", "2019") and "从2018年到2019年" in understood.searched


def test_a_glued_word_the_corpus_writes_stays_whole(assistant):
    """"我查" is cut into its characters only because no text of the corpus holds it (a stopword such as 我 ends a run,
    so the characters would not be joined again)."""
    from qa.answer.features import question_terms

    assert question_terms("帮我查北京企业", assistant.segmenter, lambda text: text == "我查")[0] == ["帮", "我查", "北京", "企业"]
    assert question_terms("帮我查北京企业", assistant.segmenter, lambda text: False)[0] == ["帮", "查", "北京", "企业"]


def test_english_words_the_corpus_never_writes_are_read_in_its_chinese(assistant):
    """"founded" and the phrase "funding amount" are words of the general alias list the report never writes; a
    name (Geek+) stays as typed, and so does an English word the report writes itself (GPU, in "高端GPU")."""
    searched = assistant.understand("Geek+是什么时候founded的？它那轮funding amount是多少？").searched
    assert searched == "Geek+是什么时候成立的？它那轮融资金额是多少？"
    assert "GPU" in assistant.understand("GPU贵不贵？").searched
    assert assistant.understand("青云和第四范式这两笔人民币funding一共多少亿？").searched == "青云和第四范式这两笔人民币融资一共多少亿？"
    assert assistant.understand("Table 1里the largest single funding round是哪家公司的？").searched == \
        "表 1里the最大单次融资是哪家公司的？"


def test_only_english_words_of_what_is_asked_become_chinese():
    from qa.understand.english import in_chinese

    segmenter = get_segmenter()
    never = lambda term: False  # noqa: E731 - a corpus that writes no English
    assert in_chinese("the biggest single funding amount", segmenter, never) == "the最大单次融资金额"
    assert in_chinese("VC和AI startup", segmenter, never) == "VC和AI startup"  # topic words stay
    assert in_chinese("largest", segmenter, lambda term: term == "largest") == "largest"
    # the longest listed phrase first: "single round" is one asked thing, not 单次 + 轮
    from qa.segment.tokenizer import Segmenter

    listed = Segmenter()
    listed.asked_in_english = {"single": ("单次",), "round": ("轮",), "single round": ("单轮",)}
    assert in_chinese("the single round", listed, never) == "the单轮"


def test_other_names_the_corpus_gives_its_names_are_read_as_the_report_writes_them(assistant):
    """`qa.toml`'s [aliases]: "ByteDance" is 字节跳动, "4Paradigm" (digits first) 第四范式, "Face++" 旷视 — and the
    table row is then read as for the Chinese name."""
    from qa.segment.tokenizer import CORPUS_ALIAS, Segmenter

    assert assistant.understand("4Paradigm和Face++哪家成立早？").searched == "第四范式和旷视哪家成立早？"
    answer = assistant.ask("ByteDance在表1里是哪一轮融的？那一笔拿了多少钱")
    assert answer.answered and "字节跳动" in answer.answer and answer.short_answer == "40 亿美元"
    named = Segmenter(("字节跳动 nt", f"字节跳动{CORPUS_ALIAS}ByteDance"))
    assert named.asked_in_english["bytedance"] == ("字节跳动",) and "字节跳动" in named.vocabulary[0]
    assert named.in_vocabulary("字节跳动") and not named.in_vocabulary(f"字节跳动{CORPUS_ALIAS}ByteDance")


@pytest.mark.parametrize("question, measure", [("寒武纪那笔融资是哪年哪月、第几轮？", ()), ("融资是第几轮？", ("融资",))])
def test_runs_of_question_words_are_no_terms(question, measure):
    """"哪年哪月" (vn) is no attribute whose amount 第几轮 asks; 融资 is."""
    from qa.understand.kind import asks

    assert asks("哪年哪月") and asks("第几轮") and asks("几几年")
    assert not asks("哪家公司") and not asks("第四范式") and not asks("融资")
    assert tuple(n.text for n in read_constraints(question, get_segmenter()).measure) == measure


def test_a_question_word_jieba_lacks_stays_whole():
    """哪类人 is not 哪/类人 ("humanoid"), and 眼下 is a filler like 现在."""
    segmenter = get_segmenter()
    assert segmenter.words("北京眼下最缺的是哪类人")[-2:] == ["哪类", "人"]
    assert segmenter.is_filler("眼下")


@pytest.mark.parametrize(("question", "read"), [
    ("119家里拿美金融的有多少家？", "119家里拿美元融的有多少家？"),  # jieba had cut 拿美/金融
    ("软妹币融资的有几家", "人民币融资的有几家"),
])
def test_a_chat_word_with_one_written_form_is_put_in_it(question, read):
    from qa.understand.written import in_written_words

    assert in_written_words(question, get_segmenter(), lambda text: False) == read
    assert in_written_words(question, get_segmenter(), lambda text: text in question) == question  # the corpus writes it


def test_the_question_reader_reads_chat_words_as_written(assistant):
    assert "拿美元融的" in assistant.understand("单次融资破亿的里头，拿美金融的有多少家？").searched


@pytest.mark.parametrize(("question", "share", "fits"), [
    ("占了70%多", 73.28, True), ("占了70%多", 62.44, False), ("占了70%多", 80.5, False),
    ("是不是连10%都不到", 9.73, True), ("是不是连10%都不到", 11.77, False),
    ("超过50%了吗", 62.44, True), ("超过50%了吗", 35.1, False),
    ("将近30%", 26.5, True), ("将近30%", 18.0, False),
    ("大概40%", 42.0, True), ("大概40%", 33.0, False),
    ("有没有30%", 9.73, True),  # a yes/no question: any share answers it
])
def test_a_guessed_share_fits_the_shares_its_words_allow(question, share, fits):
    from qa.understand.constraints import guess_fits, guessed_shares

    (guess,) = guessed_shares(question)
    assert guess_fits(guess, share) is fits


@pytest.mark.parametrize(("question", "answered"), [
    ("A轮及以前的企业数量占了七成多，那它们的融资总额占比是多少？", True),  # 73.28% fits 七成多
    ("北京拿到VC的AI公司，在全国拿到VC的里头占五成多？具体是多少", False),  # 35.1%: no share stated fits
])
def test_a_share_guessed_in_tenths_is_checked_against_the_stated_share(assistant, question, answered):
    assert assistant.ask(question).answered is answered
