"""Which typed messages continue a paste that a Telegram client cut into pieces.

A client cuts a long paste at 4,096 characters (at a space) and sends the pieces a fraction of
a second apart. Such a piece is part of one text: it is joined to the pieces before it and it
does not count as a message of its own for the rate limit, or a 200,000-character paste (about
50 pieces) would be split into two articles and its tail dropped as a flood.

Told in arrival order (`ArrivalMiddleware`), which is the order the user sent them in: a
message continues a paste only when the sender's previous text came less than a window earlier
and was long enough to have been cut, and it is not a short question. So questions sent just
before a paste stay questions (nothing cut came before them), and so does a question sent just
after an article that happened to be near the cut size. The record is this process's: with
several bot instances a piece seen by another instance counts as a message, as before.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass

from bot.services.message_joiner import MAX_MESSAGE_CHARS, may_be_cut
from bot.services.message_kind import looks_like_question

# A continuation this short that reads as a question is a question typed after the paste.
QUESTION_CHARS = 200
_FORGET_AFTER = 10_000  # senders remembered before idle ones are forgotten


@dataclass(slots=True)
class _Paste:
    last: float  # time.monotonic() of the latest piece
    cut: bool  # the latest piece may have been cut: more follows
    chars: int  # characters so far


def question_shaped(text: str) -> bool:
    """A short message that reads as a question, not as the tail of a text."""
    return len(text.strip()) < QUESTION_CHARS and looks_like_question(text)


class PastePieces:
    """`arrived` per typed message, in arrival order; True for a piece that continues a paste.

    A paste is free of the rate limit up to `max_chars` (plus one piece): past that its pieces
    count, so endless "pieces" are still a flood.
    """

    def __init__(self, window: float, max_chars: int) -> None:
        self.window = window
        self.max_chars = max_chars
        self._pastes: dict[Hashable, _Paste] = {}

    def arrived(self, sender: Hashable, text: str) -> bool:
        now = time.monotonic()
        previous = self._pastes.get(sender)
        continues = (previous is not None and previous.cut and now - previous.last < self.window
                     and previous.chars <= self.max_chars + MAX_MESSAGE_CHARS
                     and not question_shaped(text))
        chars = len(text) + (previous.chars if continues and previous else 0)
        if len(self._pastes) > _FORGET_AFTER:
            self._pastes = {k: p for k, p in self._pastes.items() if now - p.last < self.window}
        self._pastes[sender] = _Paste(now, may_be_cut(len(text)), chars)
        return continues
