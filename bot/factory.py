"""Build the Bot and the Dispatcher once; everything handlers need arrives as workflow data.

The composition root: the one module that imports `handlers` (handlers import `bot`, `bot`
imports `models`, never the other way). Handlers name what they need as arguments: `settings`,
`engine`, `sessionmaker`, `executor`, `nlp`, `intake`, `qa`, `joiner`, `fetcher`, `digest`
(from here), `repo` and `chat_settings` (per update, from `DbSessionMiddleware`). A feature's
startup work is registered on its own router (`router.startup.register(fn)`) and called with
the same workflow data as keyword arguments (plus `bot` and `dispatcher`) before polling starts.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from sqlalchemy.ext.asyncio import async_sessionmaker

import handlers.article
import handlers.articles_list
import handlers.buttons
import handlers.digest
import handlers.errors
import handlers.feedback
import handlers.forget
import handlers.question
import handlers.settings
import handlers.start
from bot.digest.wiring import DigestResumeMiddleware, build_digest_service
from bot.distributed.setup import ScaleOut, SharedState
from bot.inbox import Inbox, InboxStore
from bot.inbox.hooks import JournalReplies, StoreFetchedUpdates, run_outermost
from bot.inbox.journal import ReplyJournal
from bot.middlewares import (
    ArrivalMiddleware,
    CallbackAnswers,
    DbSessionMiddleware,
    TelegramRetryMiddleware,
    TypingMiddleware,
)
from bot.rate_limit import AtUpdateEnd, RateLimitMiddleware, RateWindow
from bot.rendering.replies import tell_skipped, tell_skipped_now, tell_to_wait
from bot.services.articles import (
    MIN_ARTICLE_CHARS,
    ArticleIntake,
    ArticlesInProgress,
    as_article,
)
from bot.services.chat_order import ChatOrder
from bot.services.documents import html_to_text
from bot.services.fetch import PageFetcher, fetch_settings
from bot.services.message_joiner import MessageJoiner
from bot.services.nlp import LocalModels, ModelCalls, NlpService
from bot.services.nlp_executor import NlpExecutor
from bot.services.paste_pieces import PastePieces
from bot.services.questions import QuestionService
from bot.settings import Settings
from bot.storage.repo import Repo
from models.core.types import Engine

logger = logging.getLogger(__name__)

# Every message the bot sends is HTML, without link previews: summaries and digests carry source
# links that Telegram would otherwise unfold into cards larger than the reply.
BOT_DEFAULTS = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)

def build_bot(settings: Settings, inbox: Inbox | None = None) -> Bot:
    """A Bot with HTML replies (`BOT_DEFAULTS`), talking to `TELEGRAM_API_URL` when set, riding
    out short Telegram faults; with `inbox`, polled updates are stored before they are
    acknowledged."""
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    if settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    else:
        session = AiohttpSession()
    session.middleware(TelegramRetryMiddleware(settings.telegram_retry_seconds))
    if inbox is not None:
        session.middleware(StoreFetchedUpdates(inbox))
        session.middleware(JournalReplies(inbox))
    return Bot(settings.bot_token.get_secret_value(), session=session, default=BOT_DEFAULTS)


def build_services(settings: Settings, engine: Engine | None,
                   sessionmaker: async_sessionmaker, *,
                   scale_out: ScaleOut | None = None) -> dict[str, Any]:
    """The services handlers use. With `scale_out` (REDIS_URL set) the model work goes to the
    workers and the per-chat state lives in Redis; otherwise all of it is in this process."""
    if scale_out is not None:
        models: ModelCalls = scale_out.models(settings)
        shared = scale_out.shared_state(settings)
        executor = None
    else:
        assert engine is not None, "one-process mode runs the engine here"
        executor = NlpExecutor(settings.nlp_workers, settings.nlp_queue_size,
                               settings.nlp_question_queue_size, settings.nlp_question_workers,
                               settings.nlp_question_wait_seconds, cores=settings.nlp_threads)
        models = LocalModels(engine, executor)
        shared = SharedState(
            in_progress=ArticlesInProgress(), joiner=MessageJoiner(settings.album_window_seconds),
            order=ChatOrder(), rate=RateWindow(settings.user_rate_limit,
                                               settings.user_rate_window_seconds))
    nlp = NlpService(models)
    instance = settings.resolved_instance_id
    return {
        "in_progress": shared.in_progress,
        "executor": executor,
        "models": models,
        "nlp": nlp,
        "intake": ArticleIntake(nlp, max_chars=settings.max_article_chars),
        "qa": QuestionService(nlp, shared.in_progress, order=shared.order,
                              answer_within=settings.nlp_question_wait_seconds),
        "joiner": shared.joiner,
        "rate_window": shared.rate,
        "fetcher": PageFetcher(**fetch_settings(settings)),
        "digest": build_digest_service(settings, models,
                                       redis=scale_out.redis if scale_out else None),
        "inbox": Inbox(InboxStore(sessionmaker, settings.resolved_instance_id),
                       journal=ReplyJournal(settings.data_dir / f"inbox-{instance}.journal"),
                       max_attempts=settings.inbox_max_attempts),
    }


def build_dispatcher(settings: Settings, *, engine: Engine,
                     sessionmaker: async_sessionmaker,
                     services: dict[str, Any] | None = None) -> Dispatcher:
    """The Dispatcher with middlewares, routers in a fixed order and workflow data."""
    services = services or build_services(settings, engine, sessionmaker)
    dp = Dispatcher(settings=settings, engine=engine, sessionmaker=sessionmaker, **services)
    inbox: Inbox = services["inbox"]
    run_outermost(dp, AtUpdateEnd())  # a flood's closing notice after the update's replies
    run_outermost(dp, inbox)  # settles each stored update after its error handlers ran
    dp.startup.register(inbox.start)
    dp.shutdown.register(inbox.stop)
    dp.update.outer_middleware(ArrivalMiddleware(
        services["joiner"], MIN_ARTICLE_CHARS, services["in_progress"],
        PastePieces(settings.album_window_seconds, settings.max_article_chars)))
    dp.update.outer_middleware(DbSessionMiddleware(
        sessionmaker, default_length=settings.default_summary_length,
        default_timezone=settings.default_timezone,
    ))
    # Inner middlewares run only when a handler matched: group chatter the bot ignores
    # neither counts towards the rate limit nor gets a "too many messages" reply.
    rate_limit = RateLimitMiddleware(services["rate_window"], tell_to_wait=tell_to_wait,
                                     tell_skipped=tell_skipped, tell_skipped_now=tell_skipped_now)
    dp.message.outer_middleware(DigestResumeMiddleware())
    typing = TypingMiddleware()
    dp.callback_query.middleware(CallbackAnswers())  # first: a held press is answered as well
    dp.message.middleware(rate_limit)
    dp.callback_query.middleware(rate_limit)
    dp.message.middleware(typing)
    dp.callback_query.middleware(typing)
    # The order an update meets them: errors, then buttons without a chat, commands, articles,
    # and the catch-alls last. Each call builds a fresh router: a router joins one dispatcher,
    # and tests build several in one process.
    dp.include_routers(
        handlers.errors.build_router(),
        handlers.buttons.build_router(),  # presses that carry no chat (inline mode)
        handlers.start.build_router(),
        handlers.settings.build_router(),
        handlers.articles_list.build_router(),
        handlers.forget.build_router(),
        handlers.digest.build_router(),
        handlers.feedback.build_router(),  # 👍/👎, and replies to its correction prompt
        handlers.article.build_router(),
        handlers.question.build_router(),  # short private text is a question: the catch-all
        handlers.buttons.build_stale_router(),  # a press no feature above accepted
    )
    dp.startup.register(_set_commands)
    dp.startup.register(_warm_up_html)
    dp.startup.register(prepare_current_articles)
    return dp


WARM_UP_PAGE = ("<html><head><title>Проверка</title></head><body><article><p>Первый абзац "
                "статьи для разогрева извлечения текста.</p><p>Второй абзац.</p></article>"
                "</body></html>")


async def _warm_up_html() -> None:
    """The first link or .html took 4–7 s (trafilatura's imports and first parse); pay that in
    the background at start instead of in a user's first link."""
    task = asyncio.create_task(asyncio.to_thread(html_to_text, WARM_UP_PAGE))
    _WARM_UP.add(task)
    task.add_done_callback(_WARM_UP.discard)


_WARM_UP: set[asyncio.Task[Any]] = set()


PREPARED_AT_START = 8  # the background lane's queue size: more would be refused


async def prepare_current_articles(sessionmaker: async_sessionmaker, nlp: NlpService) -> None:
    """Startup hook: the first question after a restart took 1.5–4.6 s (the article's vectors
    were gone with the old process); the most recent chats' current articles are prepared."""
    try:
        async with sessionmaker() as session:
            articles = await Repo(session).articles.current_in_recent_chats(PREPARED_AT_START)
    except Exception:  # noqa: BLE001  (a guess: the first questions will do the work)
        logger.warning("could not list the current articles to prepare", exc_info=True)
        return
    nlp.prefetch_at_start([as_article(a) for a in articles])


async def _set_commands(bot: Bot, dispatcher: Dispatcher) -> None:
    dispatcher["bot_username"] = (await bot.me()).username
    await bot.set_my_commands(handlers.start.COMMANDS)
