"""A corpus's qa.toml: parsed with every key optional, malformed files reported in Chinese, part of the build."""

from pathlib import Path

import pytest

from qa.cli import main
from qa.ingest.profile import CorpusProfile, parse_profile, read_profile
from qa.ingest.read import CorpusError, corpus_fingerprint

from conftest import CORPUS_DIR


def test_every_key_is_optional():
    assert parse_profile("") == CorpusProfile()
    assert read_profile(Path("/nonexistent-corpus")) == CorpusProfile()


def test_words_examples_and_page_rule_are_read():
    profile = parse_profile('[segment]\nwords = ["滨江区 ns", " 数字经济 "]\n[chat]\nexamples = ["滨江区有多少企业？"]\n'
                            '[cleanup]\npage_start = "indent"\n')
    assert profile == CorpusProfile(words=("滨江区 ns", "数字经济"), examples=("滨江区有多少企业？",),
                                    page_start="indent")


def test_other_names_of_the_report_s_names_are_read():
    profile = parse_profile('[aliases]\n"字节跳动" = ["ByteDance", " Toutiao "]\n"旷视" = ["Megvii"]\n')
    assert profile.aliases == (("字节跳动", "ByteDance"), ("字节跳动", "Toutiao"), ("旷视", "Megvii"))


@pytest.mark.parametrize("text, message", [
    ("[segment\nwords = 1", "格式错误"),
    ("[aliases]\n\"字节跳动\" = \"ByteDance\"", "字符串列表"),
    ("[aliases]\n\"字节=跳动\" = [\"ByteDance\"]", "不能含“=”"),
    ("[aliases]\n\" \" = [\"ByteDance\"]", "不能为空"),
    ("[segment]\nwords = \"滨江区\"", "字符串列表"),
    ("[cleanup]\npage_start = \"blank-line\"", "page_start"),
    ("segment = 3", "必须是一个表"),
])
def test_malformed_profiles_are_clear_chinese_errors(text: str, message: str):
    with pytest.raises(CorpusError, match=message):
        parse_profile(text)


def test_the_bundled_report_brings_its_page_rule_and_examples():
    profile = read_profile(CORPUS_DIR)
    assert profile.page_start == "indent" and profile.examples


def test_the_profile_is_part_of_the_corpus_fingerprint(tmp_path: Path):
    (tmp_path / "a.txt").write_text("滨江区企业众多。\n", encoding="utf-8")
    before = corpus_fingerprint(tmp_path)
    (tmp_path / "qa.toml").write_text('[segment]\nwords = ["滨江区"]\n', encoding="utf-8")
    assert corpus_fingerprint(tmp_path) != before


def test_a_broken_profile_stops_qa_index_with_one_line(tmp_path: Path, capsys):
    (tmp_path / "a.txt").write_text("滨江区企业众多。\n", encoding="utf-8")
    (tmp_path / "qa.toml").write_text("[segment\n", encoding="utf-8")
    assert main(["index", "--corpus", str(tmp_path), "--index", str(tmp_path / "idx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "qa.toml 格式错误" in err and "Traceback" not in err
