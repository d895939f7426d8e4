"""The one place where errors become messages: each BotError/EngineError class has its text.

Anything else is a bug: logged with its traceback (never the message text) and answered with
a short apology, so the user never meets silence.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, ReplyParameters

from bot import errors as bot_errors
from bot import metrics
from bot.inbox import Delivery
from bot.middlewares import press_answered
from bot.rendering.replies import tell_to_wait
from models.core import errors as engine_errors

logger = logging.getLogger(__name__)

SEND_ARTICLE = ("Перешлите пост из канала, вставьте текст статьи, пришлите файл .txt, .md или "
                ".html или ссылку на страницу.")
APOLOGY = "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже."

_FETCH_REASONS = {
    "private": "Эта ссылка ведёт во внутреннюю сеть, такие страницы я не открываю.",
    "scheme": "Я открываю только ссылки http и https.",
    "timeout": "Страница не ответила вовремя. Попробуйте позже или пришлите текст.",
    "too_big": "Страница слишком большая. Пришлите текст статьи или файл.",
    "redirects": "Ссылка слишком много раз перенаправляет. Пришлите прямую ссылку или текст.",
    "type": "По ссылке не страница с текстом. Пришлите ссылку на статью или сам текст.",
    "no_text": "На странице не нашлось текста статьи. Пришлите текст или файл.",
    "unreadable": ("Не удалось прочитать эту страницу: разметка в ней вложена слишком глубоко. "
                   "Пришлите текст статьи или файл."),
    "not_text": ("Страница по этой ссылке не похожа на текст: слов в ней не разобрать. "
                 "Пришлите текст статьи или файл."),
    "charset": ("Страница в кодировке, которую я не знаю, поэтому прочитать её не могу. "
                "Пришлите текст статьи или файл."),
}


def message_for(error: Exception) -> str | None:
    """The Russian message for an error we raise on purpose; None for anything else."""
    match error:
        case bot_errors.NoArticleYet():
            return "Пока не о чем спрашивать: сначала пришлите статью. " + SEND_ARTICLE
        case bot_errors.ArticleNotFound():
            return "Этой статьи больше нет. Список статей: /articles"
        case bot_errors.ArticleTooShort():
            return "Слишком короткий текст для статьи. " + SEND_ARTICLE
        case bot_errors.ArticleTooLong(unit="bytes", exact=False) as e:
            return (f"Файл слишком большой: я читаю файлы до {e.limit // 1000} КБ. "
                    "Пришлите статью покороче.")
        case bot_errors.ArticleTooLong(unit="bytes") as e:
            return (f"Файл слишком большой ({e.size / 1_000_000:.1f} МБ), я читаю файлы до "
                    f"{e.limit // 1000} КБ. Пришлите статью покороче.")
        case bot_errors.ArticleTooLong() as e:
            return f"Слишком длинный текст: {e.size} символов, предел {e.limit}."
        case bot_errors.EmptyMessage():
            return "Здесь нет текста, который можно прочитать. " + SEND_ARTICLE
        case bot_errors.UnsupportedFile(reason="binary" | "not_text"):
            return ("Этот файл не похож на текст: слов в нём не разобрать. Пришлите статью "
                    "файлом .txt, .md или .html в кодировке UTF-8 или просто текстом.")
        case bot_errors.UnsupportedFile(reason="unreadable"):
            return ("Не удалось прочитать этот файл: разметка в нём вложена слишком глубоко. "
                    "Пришлите статью текстом или файлом .txt.")
        case bot_errors.UnsupportedFile(reason="download"):
            return "Не удалось скачать файл. Попробуйте ещё раз."
        case bot_errors.UnsupportedFile():
            return "Я читаю только файлы .txt, .md и .html."
        case bot_errors.FetchFailed() as e:
            return _FETCH_REASONS.get(e.reason, "Не удалось открыть ссылку. Пришлите текст "
                                                "статьи или файл.")
        case bot_errors.Busy(lane="question"):
            return "Сейчас очень много вопросов, я не успеваю. Спросите ещё раз через минуту."
        case bot_errors.Busy():
            return ("Я сейчас занят другими статьями и эту не прочитал. Пришлите её ещё раз "
                    "через минуту.")
        case bot_errors.ModelTimeout(lane="question"):
            return "Не успел найти ответ: сейчас много работы. Спросите ещё раз через минуту."
        case bot_errors.ModelTimeout():
            return ("Не успел прочитать статью: сейчас много работы. Пришлите её ещё раз "
                    "через минуту.")
        case bot_errors.RateLimited() as e:
            return tell_to_wait(e.retry_in)
        case engine_errors.EmptyText() | engine_errors.TextTooShort():
            return "В этом тексте почти нечего пересказывать. " + SEND_ARTICLE
        case engine_errors.EmptyQuestion():
            return "Не вижу вопроса. Например: «Что подписали?»"
        case engine_errors.ModelUnavailable():
            return "Модель сейчас недоступна. Попробуйте позже."
    return None


# Telegram did not take a reply (after the Bot API retries ran out): the update is tried again.
UNDELIVERED = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter)


async def _reply(event: ErrorEvent, bot: Bot, text: str, delivery: Delivery | None) -> None:
    """Say `text` where the update came from; if Telegram will not take it now, the update goes
    back to the inbox (`delivery`) and this error is met and answered again later."""
    update = event.update
    try:
        query = update.callback_query
        if query is not None and not press_answered.get():
            await query.answer(text[:200], show_alert=True)
            return
        if query is not None:  # answered before the work began: say it in the chat
            if query.message is not None:
                await bot.send_message(query.message.chat.id, text)
                metrics.REPLIES.labels(_reply_kind(event.exception)).inc()
            return
        message = update.message or update.edited_message
        if message is not None:
            # in a group: whose message; in a private chat, which of the questions in flight
            # was refused (each answer quotes its question too)
            about_question = getattr(event.exception, "lane", None) == "question"
            quote = (ReplyParameters(message_id=message.message_id)
                     if message.chat.type != ChatType.PRIVATE or about_question else None)
            await bot.send_message(message.chat.id, text, reply_parameters=quote)
            metrics.REPLIES.labels(_reply_kind(event.exception)).inc()
    except TelegramForbiddenError:
        logger.info("update=%s: the user blocked the bot", update.update_id)
    except UNDELIVERED:
        if delivery is not None:
            delivery.retry_later()
        logger.warning("update=%s: could not say why it failed", update.update_id)
    except TelegramAPIError:  # e.g. a button press too old to answer
        logger.warning("update=%s: could not say why it failed", update.update_id, exc_info=True)


def _reply_kind(error: BaseException) -> str:
    if isinstance(error, bot_errors.Busy):
        return "busy"
    if isinstance(error, bot_errors.ModelTimeout):
        return "timeout"
    if isinstance(error, (bot_errors.BotError, engine_errors.EngineError)):
        return "refusal"  # bad input, explained
    return "error"


async def on_undelivered(event: ErrorEvent, delivery: Delivery | None = None) -> None:
    """A reply did not reach Telegram: no apology (it would not reach it either), a later try."""
    logger.warning("update=%s: %s; %s", event.update.update_id, type(event.exception).__name__,
                   "will try again" if delivery is not None else "not stored, dropped")
    if delivery is not None:
        delivery.retry_later()


async def on_rate_limited(event: ErrorEvent, bot: Bot, delivery: Delivery | None = None) -> None:
    error = event.exception
    assert isinstance(error, bot_errors.RateLimited)
    if error.notify:
        await _reply(event, bot, message_for(error) or APOLOGY, delivery)


async def on_known_error(event: ErrorEvent, bot: Bot, delivery: Delivery | None = None) -> None:
    error = event.exception
    logger.info("update=%s: %s", event.update.update_id, type(error).__name__)
    await _reply(event, bot, message_for(error) or APOLOGY, delivery)


async def on_unexpected_error(event: ErrorEvent, bot: Bot, delivery: Delivery | None = None
                              ) -> None:
    error = event.exception
    logger.error("update=%s failed: %s", event.update.update_id, type(error).__name__,
                 exc_info=error)
    await _reply(event, bot, APOLOGY, delivery)


def build_router() -> Router:
    """The error handlers, most specific first; the last one takes anything."""
    router = Router(name=__name__)
    router.error.register(on_undelivered, ExceptionTypeFilter(*UNDELIVERED))
    router.error.register(on_rate_limited, ExceptionTypeFilter(bot_errors.RateLimited))
    router.error.register(on_known_error,
                          ExceptionTypeFilter(bot_errors.BotError, engine_errors.EngineError))
    router.error.register(on_unexpected_error)
    return router
