"""Fine-tuning only the top of the encoder: freeze the rest, and run the frozen part once.

Why: on 2 CPU cores a training step over all 12 layers is too slow for many epochs. With the embeddings and the
lower layers frozen, their output for a given input never changes, so it can be computed once per example and
cached; each step then runs (and back-propagates through) only the top layers. `hidden_below` + `run_from`
give exactly what the whole model gives (`BertModel(...).last_hidden_state`), in two parts.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from transformers import BertModel
from transformers.models.bert.modeling_bert import BertLayer


def freeze_below(model: BertModel, first_trainable: int) -> list[torch.nn.Parameter]:
    """Freeze the embeddings and layers `0 … first_trainable − 1`; return the parameters left trainable."""
    for parameter in model.embeddings.parameters():
        parameter.requires_grad_(False)
    for index, layer in enumerate(model.encoder.layer):
        for parameter in layer.parameters():
            parameter.requires_grad_(index >= first_trainable)
    return [p for p in model.parameters() if p.requires_grad]


def _additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(batch, tokens) 1/0 → (batch, 1, 1, tokens) 0/−inf-like, the form BERT's attention adds to its scores."""
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def hidden_below(model: BertModel, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                 layer: int) -> torch.Tensor:
    """The hidden states entering layer `layer` (embeddings, then layers `0 … layer − 1`), without gradients.

    Always without dropout, whatever mode the model is in: a cache stands for the frozen part, which must give
    the same states every epoch. Float32, (batch, tokens, 384): 4,500 examples of 192 tokens take 1.3 GB. The mode
    is switched only for a model in training: switching walks all ~300 modules twice, which cost an answer more
    than the reader's attention did.
    """
    training = model.training
    if training:
        model.eval()
    try:
        with torch.no_grad():
            hidden = model.embeddings(input_ids=input_ids)
            return run_from(model, hidden, attention_mask, 0, stop=layer)
    finally:
        if training:
            model.train()


def run_from(model: BertModel, hidden: torch.Tensor, attention_mask: torch.Tensor, layer: int,
             stop: int | None = None) -> torch.Tensor:
    """Layers `layer … stop − 1` (default: to the last) on `hidden`, e.g. states cached by `hidden_below`."""
    mask = _additive_mask(attention_mask, hidden.dtype)
    heads = model.config.num_attention_heads
    for block in model.encoder.layer[layer:stop]:
        hidden = block(hidden, mask) if block.training else _inferred(block, hidden, mask, heads)
    return hidden


def _inferred(block: BertLayer, hidden: torch.Tensor, mask: torch.Tensor, heads: int) -> torch.Tensor:
    """One BERT layer without dropout, as `BertLayer` computes it in eval mode (the same operations in the same
    order: equal outputs, `test_e5_torch`). Why not `block(...)`: at answer time the reader's twelve layers went
    through ~25 Python module calls and wrappers each, ~9 % of its reading time on one thread (BENCHMARKS.md, tenth
    session)."""
    batch, tokens, width = hidden.shape
    attention = block.attention.self

    def split(states: torch.Tensor) -> torch.Tensor:
        return states.view(batch, tokens, heads, width // heads).transpose(1, 2)

    mixed = F.scaled_dot_product_attention(split(attention.query(hidden)), split(attention.key(hidden)),
                                           split(attention.value(hidden)), attn_mask=mask)
    mixed = mixed.transpose(1, 2).reshape(batch, tokens, width)
    attended = block.attention.output.LayerNorm(block.attention.output.dense(mixed) + hidden)
    widened = block.intermediate.intermediate_act_fn(block.intermediate.dense(attended))
    return block.output.LayerNorm(block.output.dense(widened) + attended)
