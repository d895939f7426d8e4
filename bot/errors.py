"""Errors the bot raises on purpose; `handlers/errors.py` maps each class to a Russian message.

They carry only what the message needs (a size, a reason word), never user text, so logging an
error never leaks an article.
"""

from __future__ import annotations


class BotError(Exception):
    """Root of every error the bot raises on purpose: the user gets a specific message."""


class NoArticleYet(BotError):
    """A question arrived but this chat has no article to answer from."""


class ArticleNotFound(BotError):
    """The article a button or reply points at is gone (deleted by /forget) or not this chat's."""


class ArticleTooShort(BotError):
    """Too little text to be an article (after cleaning)."""

    def __init__(self, chars: int = 0) -> None:
        super().__init__(f"article too short: {chars} chars")
        self.chars = chars


class ArticleTooLong(BotError):
    """More text than `MAX_ARTICLE_CHARS`, or a file larger than we accept."""

    def __init__(self, size: int, limit: int, unit: str = "chars", exact: bool = True) -> None:
        super().__init__(f"article too long: {size}{'' if exact else '+'} {unit} > {limit}")
        self.size = size
        self.limit = limit
        self.unit = unit
        self.exact = exact  # False: the download stopped at the limit, the full size is unknown


class EmptyMessage(BotError):
    """A message with nothing to read: a sticker, a photo without a caption, blank text."""


class UnsupportedFile(BotError):
    """A document of a kind we cannot read (wrong extension, binary content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "extension" | "binary" | "not_text" | "download" | "unreadable"


class FetchFailed(BotError):
    """A link could not be turned into article text; `reason` says why, in a few words."""

    def __init__(self, reason: str, *, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # "private" | "scheme" | "timeout" | "too_big" | "status" | ...
        self.detail = detail


class Busy(BotError):
    """The model work queue is full: try again in a minute. `lane` says what was refused
    ("question" or "article"), so the user knows what to send again."""

    def __init__(self, lane: str = "article") -> None:
        super().__init__(f"busy: {lane}")
        self.lane = lane


class ModelTimeout(BotError):
    """A model task did not finish within `NLP_TIMEOUT` (scale-out mode: the workers are
    overloaded or gone); `lane` as for `Busy`. A result that comes later is not sent."""

    def __init__(self, lane: str = "article") -> None:
        super().__init__(f"model task timed out: {lane}")
        self.lane = lane


class RateLimited(BotError):
    """This user sent too many requests; `notify` is False after the first refusal."""

    def __init__(self, retry_in: float, *, notify: bool = True) -> None:
        super().__init__(f"rate limited for {retry_in:.0f}s")
        self.retry_in = retry_in
        self.notify = notify
