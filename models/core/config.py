"""What an engine is built with: `EngineConfig` and the typed settings of the transformers
engine's summariser and span reader (an unknown setting fails at construction, not silently)."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.core.errors import EngineError
from models.core.types import Length


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """Generation settings. Defaults follow the Gazeta models' cards (600 input tokens,
    beam search, no repeated 4-grams); new-token bounds come from the user's Length."""

    max_input_tokens: int = 600
    strategy: str = "select"  # select | map_reduce
    num_beams: int = 4
    no_repeat_ngram_size: int = 4
    length_penalty: float = 1.0
    prefix: str = ""  # a task prefix some T5 checkpoints expect, e.g. "summarize: "
    new_tokens: tuple[tuple[int, int], ...] = ((20, 90), (40, 160), (60, 256))  # per Length
    min_kept_chars: int = 40  # less than this left after the guard: fall back to extractive

    def __post_init__(self) -> None:
        if self.strategy not in ("select", "map_reduce"):
            raise EngineError(f"Unknown SUMMARY_STRATEGY {self.strategy!r}: use select or "
                              "map_reduce.")
        if self.num_beams < 1 or self.max_input_tokens < 32:
            raise EngineError("SUMMARY_NUM_BEAMS must be at least 1 and "
                              "SUMMARY_MAX_INPUT_TOKENS at least 32.")

    def bounds(self, length: Length) -> tuple[int, int]:
        """(min_new_tokens, max_new_tokens) for `length`."""
        return self.new_tokens[list(Length).index(length)]


@dataclass(frozen=True, slots=True)
class QaOptions:
    """Windowing and decision settings; the defaults are those of transformers' QA pipeline."""

    max_length: int = 384  # tokens per window, question included
    stride: int = 128  # tokens shared by neighbouring windows
    max_answer_tokens: int = 30
    null_threshold: float = 0.0  # a span must beat the no-answer score by more than this
    top_windows: int = 0  # 0: read every window; n: only the n the retriever ranks highest
    batch_size: int = 8
    bf16: bool = False  # bf16 autocast (on CPU ~40% faster for the same answers with e5)
    # 0: a span anywhere in the windows read; n: only inside the n best-ranked sentences, each
    # read in the one window that holds most of it (the rest of the window is its context)
    answer_sentences: int = 0
    # given a ranking: each sentence's best span scores its logits plus this many times the
    # sentence's retrieval score, so that the reader's logits alone do not pick the sentence
    # (they are a weak judge of which sentence answers; models/training/calibration.py)
    retrieval_weight: float = 0.0


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What an engine needs to load; built by the bot from its settings."""

    name: str = "embedded"
    summary_model: str = "IlyaGusev/rut5_base_sum_gazeta"
    qa_model: str = "AlexKay/xlm-roberta-large-qa-multilingual-finedtuned-ru"
    device: str = "auto"  # cpu | cuda | auto
    dtype: str = "auto"  # auto | float32 | float16 | bfloat16
    model_dir: str = ""  # a folder where `models download` stores models; searched first
    preload: bool = True  # load weights at start rather than on first use
    threads: int = 0  # 0: let the libraries choose
    summary: SummaryOptions = field(default_factory=SummaryOptions)  # transformers engine
    qa: QaOptions = field(default_factory=QaOptions)  # transformers engine's QA model
    reader_dir: str = ""  # embedded engine: the reader's weights folder (default: the shipped)
