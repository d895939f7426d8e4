"""Answer scoring shared by training, calibration and the evaluations: SQuAD exact match
and token F1, the gold-offset check of an evidence sentence, percentiles. It lives in
models/ so that the trainer does not reach up into the bot for its metrics."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)


def normalize_answer(text: str) -> str:
    """SQuAD v1.1 normalisation: lower case, no punctuation, no English articles, one space.

    Punctuation is every Unicode P* character, so «», — and … go as well as ASCII marks (the
    official script only knows `string.punctuation`, which would leave Russian quotes in; MLQA's
    script, which XQuAD results are usually scored with, does the same as here). As in both,
    punctuation is deleted, not replaced by a space: "27-30" is one token, "2730", so a
    hyphenated word does not earn partial credit for each half.
    """
    text = text.lower()
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals any normalised gold answer."""
    norm = normalize_answer(prediction)
    return float(any(norm == normalize_answer(gold) for gold in golds))


def token_f1(prediction: str, golds: Iterable[str]) -> float:
    """SQuAD token F1 against the best-matching gold answer (0.0 for an empty prediction)."""
    pred = normalize_answer(prediction).split()
    best = 0.0
    for gold in golds:
        ref = normalize_answer(gold).split()
        common = Counter(pred) & Counter(ref)
        same = sum(common.values())
        if not same:
            continue
        precision, recall = same / len(pred), same / len(ref)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def holds_gold(context: str, sentence: str, at: int, golds: Iterable[dict[str, Any]],
               offset: int = 0) -> bool:
    """Whether the evidence `sentence`, the occurrence in `context` that holds position `at`,
    contains a gold answer at the gold's own offsets (`answer_start` + `offset`): an answer word
    that also occurs elsewhere in the sentence is not enough."""
    where = context.rfind(sentence, 0, at + len(sentence)) if sentence else -1
    if where < 0 or not where <= at < where + len(sentence):
        return False
    stop = where + len(sentence)
    return any(where <= offset + g["answer_start"]
               and offset + g["answer_start"] + len(g["text"]) <= stop for g in golds)
