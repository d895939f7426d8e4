"""Digest operations on plain data, shared by the handlers, the scheduler and the CLI.

Every method takes the per-update (or per-job) `Repo`; the caller commits. Input typed by users
(times, zones) is validated here and raises `ScheduleInputError`, whose text is the reply.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

from bot.digest.clock import Clock, system_clock
from bot.digest.compose import (
    EMPTY_DIGEST,
    DigestArticle,
    group_stories,
    render_digest,
    story_text,
)
from bot.digest.schedule import (
    BadTime,
    format_time_of_day,
    next_due,
    parse_time_of_day,
    parse_zone,
)
from bot.storage.repo import Repo, StoredArticle
from bot.storage.subscriptions import Subscription
from bot.storage.tables import as_utc

if TYPE_CHECKING:  # the service itself sends nothing; it only carries the limiter
    from bot.digest.delivery import Limiter

logger = logging.getLogger(__name__)

Embed = Callable[[Sequence[str]], Awaitable[np.ndarray]]
FIRST_WINDOW = timedelta(hours=24)  # a first digest covers the last day
LONGEST_WINDOW = timedelta(days=7)  # after a long pause, older articles are not news any more
PAUSED_BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class DigestOptions:
    default_time: str = "09:00"
    default_zone: str = "Europe/Moscow"
    send_empty: bool = False
    max_items: int = 15
    catch_up: timedelta = timedelta(hours=3)

    @classmethod
    def from_settings(cls, settings: Any) -> DigestOptions:
        return cls(settings.digest_default_time, settings.default_timezone,
                   settings.digest_send_empty, settings.digest_max_items,
                   timedelta(hours=settings.digest_catch_up_hours))


@dataclass(frozen=True, slots=True)
class Schedule:
    """A subscription's schedule as the user sees it: local time, zone, next local instant."""

    time_of_day: str
    zone: str
    next_due_at: datetime  # UTC

    @property
    def next_local(self) -> datetime:
        return self.next_due_at.astimezone(ZoneInfo(self.zone))


@dataclass(frozen=True, slots=True)
class Digest:
    """A composed digest: HTML text (one string, split later), article and story counts."""

    text: str
    articles: int
    stories: int
    window_end: datetime


def parse_subscribe_args(raw: str) -> tuple[str | None, str | None]:
    """`/subscribe [HH:MM] [Zone/Name]` in either order -> (time, zone), each None if absent."""
    time_arg = zone_arg = None
    for token in (raw or "").split():
        if any(ch.isdigit() for ch in token) and "/" not in token:
            if time_arg is not None:
                raise BadTime(token)
            time_arg = token
        elif zone_arg is None:
            zone_arg = token
        else:
            raise BadTime(raw)
    return time_arg, zone_arg


def to_digest_article(stored: StoredArticle) -> DigestArticle:
    return DigestArticle(stored.id, stored.title, stored.text, stored.summary,
                         stored.source_title, stored.source_url, stored.created_at, stored.hash)


class DigestService:
    def __init__(self, options: DigestOptions, embed: Embed, *, clock: Clock = system_clock,
                 vector_cache_size: int = 4096, flood_limiter: Limiter | None = None) -> None:
        self.options = options
        self.embed = embed
        self.clock = clock
        # Scale-out: the flood limits every instance shares (Redis); the scheduler sends
        # through it. None: each sender keeps its own, in memory.
        self.flood_limiter = flood_limiter
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = vector_cache_size

    # --- schedule -------------------------------------------------------------------------

    async def _chat_zone(self, repo: Repo, chat_id: int) -> str:
        chat = await repo.chats.get(chat_id)
        return chat.timezone if chat and chat.timezone else self.options.default_zone

    async def subscribe(self, repo: Repo, chat_id: int, args: str = "") -> Schedule:
        """Subscribe (or change the time of) `chat_id`; a zone given here becomes the chat's."""
        time_arg, zone_arg = parse_subscribe_args(args)
        existing = await repo.subscriptions.get(chat_id)
        default_time = existing.time_of_day if existing and existing.active else None
        at = parse_time_of_day(time_arg or default_time or self.options.default_time)
        if zone_arg is not None:
            zone = parse_zone(zone_arg)
            await repo.chats.set_timezone(chat_id, zone.key)
        else:
            zone = parse_zone(await self._chat_zone(repo, chat_id))
        due = next_due(self.clock(), at, zone)
        await repo.subscriptions.upsert(
            chat_id, time_of_day=format_time_of_day(at), timezone=zone.key, next_due_at=due)
        logger.info("digest subscribe chat=%s at=%s zone=%s next=%s", chat_id,
                    format_time_of_day(at), zone.key, due.isoformat())
        return Schedule(format_time_of_day(at), zone.key, due)

    async def unsubscribe(self, repo: Repo, chat_id: int) -> bool:
        return await repo.subscriptions.deactivate(chat_id)

    async def subscription(self, repo: Repo, chat_id: int) -> Subscription | None:
        return await repo.subscriptions.get(chat_id)

    async def change_schedule(self, repo: Repo, chat_id: int, *, time_of_day: str | None = None,
                              zone: str | None = None) -> Schedule | None:
        """/settings: a new time and/or zone for an existing subscription (None: there is none).
        The zone is validated and becomes the chat's even without a subscription."""
        zone_info = parse_zone(zone) if zone is not None else None
        at = parse_time_of_day(time_of_day) if time_of_day is not None else None
        if zone_info is not None:
            await repo.chats.set_timezone(chat_id, zone_info.key)
        subs = repo.subscriptions
        current = await subs.get(chat_id)
        if current is None or not current.active:
            return None
        at = at or parse_time_of_day(current.time_of_day)
        zone_info = zone_info or parse_zone(current.timezone)
        due = next_due(self.clock(), at, zone_info)
        await subs.reschedule(chat_id, time_of_day=format_time_of_day(at),
                              timezone=zone_info.key, next_due_at=due)
        return Schedule(format_time_of_day(at), zone_info.key, due)

    async def paused(self, repo: Repo, chat_id: int) -> Subscription | None:
        """The chat's subscription when it is paused and would resume; a read only."""
        current = await repo.subscriptions.get(chat_id)
        if current is None or current.paused_reason is None or not current.active:
            return None
        return current

    async def resume_if_paused(self, repo: Repo, chat_id: int,
                               current: Subscription | None = None) -> bool:
        """The user wrote again after blocking the bot: resume, next due at the usual time.
        `current`: the paused subscription when the caller has just read it (`paused`)."""
        current = current or await self.paused(repo, chat_id)
        if current is None:
            return False
        due = next_due(self.clock(), parse_time_of_day(current.time_of_day),
                       parse_zone(current.timezone))
        resumed = await repo.subscriptions.resume(chat_id, due)
        if resumed:
            logger.info("digest resumed chat=%s next=%s", chat_id, due.isoformat())
        return resumed

    async def pause(self, repo: Repo, chat_id: int, reason: str = PAUSED_BLOCKED) -> None:
        await repo.subscriptions.pause(chat_id, reason)
        logger.info("digest paused chat=%s reason=%s", chat_id, reason)

    # --- sources --------------------------------------------------------------------------

    async def add_source(self, repo: Repo, chat_id: int, channel_id: int, *, username: str = "",
                         title: str = "") -> bool:
        return await repo.sources.add(chat_id, channel_id, username=username, title=title)

    async def chats_for_channel(self, repo: Repo, channel_id: int) -> list[int]:
        return await repo.sources.chats_of(channel_id)

    # --- content --------------------------------------------------------------------------

    def window_start(self, last_sent_at: datetime | None, now: datetime) -> datetime:
        """Since the last digest, else the last 24 hours; never more than a week back."""
        start = as_utc(last_sent_at) if last_sent_at else now - FIRST_WINDOW
        return max(start, now - LONGEST_WINDOW)

    async def compose(self, repo: Repo, chat_id: int, *, since: datetime, until: datetime,
                      zone: str) -> Digest | None:
        """The digest of `chat_id`'s articles in [since, until); None when there are none and
        the settings say an empty day sends nothing."""
        stored = await repo.articles.created_between(chat_id, since, until)
        if not stored:
            if not self.options.send_empty:
                return None
            return Digest(EMPTY_DIGEST, 0, 0, until)
        articles = [to_digest_article(a) for a in stored]
        vectors = await self._vectors_for(articles)
        stories = group_stories(articles, vectors)
        local_day = until.astimezone(ZoneInfo(zone))
        text = render_digest(stories, day=local_day, max_items=self.options.max_items)
        logger.info("digest composed chat=%s articles=%d stories=%d", chat_id, len(articles),
                    len(stories))
        return Digest(text, len(articles), len(stories), until)

    async def digest_now(self, repo: Repo, chat_id: int) -> Digest:
        """/digest: what the next digest would hold so far; it does not move the schedule, so
        the scheduled digest still lists everything. Empty: one short line, always."""
        now = self.clock()
        current = await repo.subscriptions.get(chat_id)
        since = self.window_start(current.last_sent_at if current else None, now)
        zone = current.timezone if current else await self._chat_zone(repo, chat_id)
        digest = await self.compose(repo, chat_id, since=since, until=now, zone=zone)
        return digest or Digest(EMPTY_DIGEST, 0, 0, now)

    async def _vectors_for(self, articles: Sequence[DigestArticle]) -> np.ndarray:
        """Story vectors, cached by article hash: a story many chats share is embedded once."""
        missing = [a for a in articles if not a.hash or a.hash not in self._vectors]
        if missing:
            fresh = await self.embed([story_text(a) for a in missing])
            for article, vector in zip(missing, fresh):
                if article.hash:
                    self._vectors[article.hash] = vector
            while len(self._vectors) > self._cache_size:
                self._vectors.popitem(last=False)
            by_id = {a.id: v for a, v in zip(missing, fresh)}
        else:
            by_id = {}
        rows = [by_id[a.id] if a.id in by_id else self._vectors[a.hash] for a in articles]
        return np.vstack(rows).astype(np.float32)
