"""Article intake: clean the text, dedupe by hash, summarise (cached), store, remember.

Called by the handlers for every way an article arrives (forward, paste, file, link) and by the
digest for channel posts; the caller only describes where the text came from.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace

from bot.errors import ArticleTooLong, ArticleTooShort, Busy, ModelTimeout
from bot.services.message_kind import reads_as_news
from bot.services.nlp import NlpService
from bot.storage.db import release_connection
from bot.storage.repo import Repo, StoredArticle
from models.core.types import Article, Length, Summary

logger = logging.getLogger(__name__)

MIN_ARTICLE_CHARS = 200  # shorter plain text is a question or a remark, not an article
# A forward, a file or a link is an article because of how it came, whatever its length: a short
# channel post is news all the same. Below this it holds no sentence worth summarising.
MIN_SENT_AS_ARTICLE_CHARS = 40
MIN_NEWS_CHARS_CONFIRMED = 20  # a short statement the user told us is news
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_MANY_NEWLINES = re.compile(r"\n{3,}")
LENGTH_ORDER = (Length.SHORT, Length.MEDIUM, Length.LONG)


@dataclass(frozen=True, slots=True)
class IncomingArticle:
    """What arrived: the text and where it came from (`source_kind`: text|news|forward|
    document|link|channel_post; news: a short text the user said is news); `message_ids` are
    the user's messages that carried it."""

    text: str
    title: str = ""
    source_kind: str = "text"
    source_title: str = ""
    source_url: str = ""
    message_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LengthChoices:
    """Where «Короче»/«Подробнее» under a summary lead: the nearest length on each side whose
    summary reads differently from the one shown; None where no length does (a short article
    reads the same at every length, a one-bullet summary has nothing shorter)."""

    shorter: Length | None = None
    longer: Length | None = None


@dataclass(frozen=True, slots=True)
class IntakeResult:
    article: StoredArticle
    summary: Summary | None  # None when the caller asked not to summarise
    length: Length
    is_new: bool  # False: this chat already had the same text
    choices: LengthChoices = LengthChoices()


@dataclass(frozen=True, slots=True)
class Resummary:
    """A press of «Короче»/«Подробнее»: the summary to show, at `length`. `changed` is False
    when it would read as the message already does (a keyboard sent before the lengths were
    compared): the message stays, and the user is told why."""

    summary: Summary
    length: Length
    changed: bool
    choices: LengthChoices


def bullets(summary: Summary) -> tuple[str, ...]:
    """What a reader sees of a summary: its sentences (the bullets), else its text."""
    shown = tuple(s.strip() for s in summary.sentences if s.strip())
    return shown or (summary.text.strip(),)


def next_to(length: Length, step: int) -> Length | None:
    """The length `step` places longer (negative: shorter), if there is one."""
    index = LENGTH_ORDER.index(length) + step
    return LENGTH_ORDER[index] if 0 <= index < len(LENGTH_ORDER) else None


class ArticlesInProgress:
    """Which chats have an article on its way: between its arrival and the reply to it.

    A question sent right after a forward must be about that article, not "send an article
    first" nor the chat's previous one; it waits (`settled`) until the read is over."""

    def __init__(self) -> None:
        self._reading: Counter[int] = Counter()
        self._changed = asyncio.Condition()

    def begin(self, chat_id: int) -> None:
        """Called as the article arrives, before anything in its update awaits."""
        self._reading[chat_id] += 1

    async def end(self, chat_id: int) -> None:
        self._reading[chat_id] -= 1
        if self._reading[chat_id] <= 0:
            del self._reading[chat_id]
        async with self._changed:
            self._changed.notify_all()

    def reading(self, chat_id: int) -> bool:
        return self._reading.get(chat_id, 0) > 0

    async def settled(self, chat_id: int, timeout: float) -> bool:
        """Whether no article of `chat_id` is on its way, waiting up to `timeout` seconds."""
        if not self.reading(chat_id):
            return True
        await release_connection()  # no connection is held while waiting
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: not self.reading(chat_id)), timeout)
            except TimeoutError:
                logger.warning("chat=%s: article still not read after %.0fs", chat_id, timeout)
                return False
        return True


def clean_text(text: str) -> str:
    """Normalise line ends and blank runs and drop invisible characters; keeps the words."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _TRAILING_SPACE.sub("\n", text)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def guess_title(text: str) -> str:
    """The first line when it reads like a headline (short, more text follows), else ""."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 10 <= len(first) <= 160 and not first.endswith((".", ":", ";")):
        return first
    return ""


# How much a source kind tells the reader: a forward, a channel post or a link name where the
# article was published; a file names only itself; typed or pasted text names nothing.
SOURCE_RANK = {"forward": 2, "channel_post": 2, "link": 2, "document": 1}


def source_rank(kind: str, title: str, url: str) -> tuple[int, bool, bool]:
    """Orders sources by what they can show: the kind, then a link, then a name."""
    return SOURCE_RANK.get(kind, 0), bool(url), bool(title)


def better_source(stored: StoredArticle, incoming: IncomingArticle) -> bool:
    """`incoming` says where the article came from better than what `stored` keeps (a text
    first pasted, now forwarded from its channel); an equal one keeps the first."""
    return (source_rank(incoming.source_kind, incoming.source_title, incoming.source_url)
            > source_rank(stored.source_kind, stored.source_title, stored.source_url))


def as_article(stored: StoredArticle) -> Article:
    return Article(text=stored.text, title=stored.title)


class ArticleIntake:
    def __init__(self, nlp: NlpService, *, max_chars: int = 200_000,
                 min_chars: int = MIN_ARTICLE_CHARS) -> None:
        self.nlp = nlp
        self.max_chars = max_chars
        self.min_chars = min_chars

    def prepare(self, incoming: IncomingArticle) -> Article:
        """The cleaned `Article`, or `ArticleTooShort`/`ArticleTooLong`.

        Only typed text has to be long to count as an article, unless it reads as a news item
        (a sentence that is not a question); shorter is a question."""
        text = clean_text(incoming.text)
        minimum = self.min_chars if incoming.source_kind == "text" and not reads_as_news(
            text) else min(self.min_chars, MIN_SENT_AS_ARTICLE_CHARS)
        if incoming.source_kind == "news":  # the user said it is news («Это новость»)
            minimum = MIN_NEWS_CHARS_CONFIRMED
        if len(text) < minimum:
            raise ArticleTooShort(len(text))
        if len(text) > self.max_chars:
            raise ArticleTooLong(len(text), self.max_chars)
        return Article(text=text, title=incoming.title.strip() or guess_title(text))

    async def ingest(self, repo: Repo, chat_id: int, incoming: IncomingArticle, *,
                     length: Length = Length.SHORT, summarize: bool = True) -> IntakeResult:
        """Store `incoming` for `chat_id` (once per text) and summarise it at `length`.

        The summary is computed before anything is written, so a slow engine never holds a
        write transaction open; the caller commits (the update middleware does).
        """
        article = self.prepare(incoming)
        existing = await repo.articles.by_hash(chat_id, article.hash)
        if existing is not None:
            article = as_article(existing)
        summary = await self.nlp.summarize(repo, article, length) if summarize else None
        choices = (await self.length_choices(repo, article, length, summary)
                   if summary is not None else LengthChoices())
        if existing is None:
            stored = await repo.articles.add(
                chat_id, hash=article.hash, text=article.text, title=article.title,
                source_kind=incoming.source_kind, source_title=incoming.source_title,
                source_url=incoming.source_url,
                message_id=incoming.message_ids[0] if incoming.message_ids else None,
                summary=summary.text if summary else "",
            )
        else:
            stored = await self._keep_best_source(repo, existing, incoming)
        for message_id in incoming.message_ids:
            await repo.articles.link_message(chat_id, message_id, stored.id, role="source")
        await repo.chats.set_current_article(chat_id, stored.id)
        if summarize and incoming.source_kind != "channel_post":  # nobody is about to ask
            self.nlp.prefetch(article)
        logger.info("article chat=%s id=%s hash=%s kind=%s new=%s chars=%d", chat_id, stored.id,
                    stored.hash, incoming.source_kind, existing is None, len(stored.text))
        return IntakeResult(stored, summary, length, existing is None, choices)

    async def _keep_best_source(self, repo: Repo, stored: StoredArticle,
                                incoming: IncomingArticle) -> StoredArticle:
        """The same text again: its source line is the best one seen (a re-forward from the
        channel of an article first pasted lost the channel's name and link)."""
        if not better_source(stored, incoming):
            return stored
        await repo.articles.set_source(stored.id, source_kind=incoming.source_kind,
                                       source_title=incoming.source_title,
                                       source_url=incoming.source_url)
        return replace(stored, source_kind=incoming.source_kind,
                       source_title=incoming.source_title[:256],
                       source_url=incoming.source_url[:2048])

    async def length_choices(self, repo: Repo, article: Article, length: Length,
                             summary: Summary) -> LengthChoices:
        """Which lengths to offer beside `summary` (shown at `length`): «Подробнее» that
        showed the same bullets, and «Короче» under one bullet, changed nothing.

        The other lengths are summarised now (cached, so the press that follows is instant;
        the embedded engine's analysis is shared, a few milliseconds each), but only while no
        user waits for the models: in a burst the two extra jobs per article cost a third of
        the articles summarised (200 forwards from 100 chats: 92 summarised against 132-139).
        Then, or when the engine cannot take the extra work, the neighbours are offered as
        before, and a press that turns out to change nothing is told so (`resummarize`)."""
        shown = bullets(summary)
        if not self.nlp.idle:  # users wait for the models: no extra work for a button
            return self._neighbours(length, shown)
        try:
            longer = await self._first_different(repo, article, shown, length, 1)
            shorter = (None if len(shown) <= 1
                       else await self._first_different(repo, article, shown, length, -1))
        except (Busy, ModelTimeout):
            logger.info("length choices not compared hash=%s: the engine is busy", article.hash)
            return self._neighbours(length, shown)
        return LengthChoices(shorter, longer)

    @staticmethod
    def _neighbours(length: Length, shown: tuple[str, ...]) -> LengthChoices:
        """The lengths next to `length`, unread: a press that changes nothing is told so."""
        return LengthChoices(None if len(shown) <= 1 else next_to(length, -1),
                             next_to(length, 1))

    async def _first_different(self, repo: Repo, article: Article, shown: tuple[str, ...],
                               length: Length, step: int) -> Length | None:
        """The nearest length past `length` (in the direction of `step`) that reads
        differently from `shown`."""
        other = next_to(length, step)
        while other is not None:
            if bullets(await self.nlp.summarize(repo, article, other)) != shown:
                return other
            other = next_to(other, step)
        return None

    async def resummarize(self, repo: Repo, stored: StoredArticle, length: Length, *,
                          shorter: bool | None = None) -> Resummary:
        """The summary at `length`, asked for by «Короче» (`shorter`) or «Подробнее».

        The message shows what the length next to `length`, on the side the press came from,
        shows: a keyboard offers a length only past those that read the same as the shown
        one, and an older keyboard offered the neighbour. So when the two read the same (or
        «Короче» was pressed under one bullet), the press can change nothing."""
        article = as_article(stored)
        summary = await self.nlp.summarize(repo, article, length)
        came_from = next_to(length, 1 if shorter else -1) if shorter is not None else None
        if came_from is not None:
            before = await self.nlp.summarize(repo, article, came_from)
            if bullets(before) == bullets(summary) or (shorter and len(bullets(before)) <= 1):
                choices = await self.length_choices(repo, article, came_from, before)
                return Resummary(before, came_from, False, choices)
        choices = await self.length_choices(repo, article, length, summary)
        return Resummary(summary, length, True, choices)
