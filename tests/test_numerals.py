"""Chinese numerals in questions become the Arabic numbers reports print; words that merely contain a numeral
character stay as they are."""

import pytest

from qa.segment.numerals import arabic_numerals


@pytest.mark.parametrize(("question", "searched"), [
    ("单笔融资过一亿的北京AI公司有多少家", "单笔融资过1亿的北京AI公司有多少家"),
    ("融资十亿以上", "融资10亿以上"),
    ("北京一千多家", "北京1000多家"),
    ("十四家企业", "14家企业"),
    ("二〇一六年三月成立", "2016年3月成立"),
    ("百分之二十六点五", "26.5%"),
    ("两千亿", "2000亿"),
    ("七成的股份", "70%的股份"), ("是不是连一成都不到", "是不是连10%都不到"),  # a share in tenths, not 成都
])
def test_counting_numerals_are_converted(question, searched):
    assert arabic_numerals(question) == searched


@pytest.mark.parametrize("question", ["一是底层技术", "统一的标准", "第一家", "两家公司", "哪一年成立", "百分之多少",
                                      "北京那几十家", "北京那幾十家", "数十家企业", "好几千家",
                                      "一成立就融资", "三成员", "八九成", "占几成"])
def test_numerals_inside_words_ordinals_articles_and_rough_counts_stay(question):
    assert arabic_numerals(question) == question
