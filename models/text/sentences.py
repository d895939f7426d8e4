"""A line's sentences: razdel's cuts, joined back where razdel cut inside brackets or quotes.

razdel sometimes ends a sentence inside a parenthesis, most often at a ";" in a list of
alternative names ("…епископ Теодориус (Теодорус, Тавадрос;" + "Theodoros II; в миру — …) из
мухафаза Бухейра.") or after an abbreviation ("Иван Петров (род." + "1950) — учёный."). Each piece
alone is a sentence cut in the middle: a summary could not quote it and a question's evidence
would hold half a sentence. So pieces are joined while a bracket or quotation mark they opened is
still open. Every reader of the article (summary, QA, key facts) sees the joined sentences.
"""

from __future__ import annotations

from typing import Any

BRACKETS = (("(", ")"), ("«", "»"), ("[", "]"))
MAX_PIECES = 4  # a bracket still open after four pieces is a broken text, not one long sentence


def unclosed(text: str) -> bool:
    """Whether `text` opens a bracket or a «quote» that it does not close."""
    return any(text.count(left) > text.count(right) for left, right in BRACKETS)


def join_bracket_cuts(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge consecutive (start, stop) spans of `text` while a bracket they opened is open.

    A group that is still open after `MAX_PIECES` pieces, or at the end, is left as it was cut:
    its brackets never close, so the pieces are not one sentence after all.
    """
    joined: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        last = first
        while (last + 1 < len(spans) and last - first + 1 < MAX_PIECES
               and unclosed(text[spans[first][0]:spans[last][1]])):
            last += 1
        if last > first and unclosed(text[spans[first][0]:spans[last][1]]):
            last = first
        joined.append((spans[first][0], spans[last][1]))
        first = last + 1
    return joined


def sentence_spans(line: str, segmenter: Any) -> list[tuple[int, int]]:
    """(start, stop) of each sentence of one line, offsets into `line`."""
    return join_bracket_cuts(line, [(s.start, s.stop) for s in segmenter.sentenize(line)])
