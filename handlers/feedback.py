"""👍/👎 under every answer, and the correction a 👎 asks for.

A vote is one per user per answer (a second press of the other button changes it); in groups
every member may vote. After a 👎 the bot asks once per answer, where the chat allows learning
from corrections (/settings), for the right answer as a ForceReply; a reply to that prompt is
matched to the article's words (`bot.services.feedback.match_phrase`) and stored as a labelled
QA row, or as an unanswerable one for «нет в статье».

Consent: in a chat that does not learn (/settings «Учиться на исправлениях» off) nothing about
its questions, answers or votes is written to the database. Its answers carry the same two
buttons, whose data holds only the question's kind (`UnrecordedVoteCb`); a press is thanked once
and counted on /metrics (`newsbot_answer_votes_total`, no text), and that is all. A press on an
answer recorded while the chat learned, made after learning was turned off, is treated alike.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal, get_args

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import BaseFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    User,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from bot import metrics
from bot.rendering.html import esc
from bot.services.feedback import (
    KIND_BY_CODE,
    KIND_CODES,
    match_phrase,
    says_not_in_article,
)
from bot.storage.feedback import ShownAnswer
from bot.storage.repo import Repo
from handlers.buttons import STALE
from handlers.filters import message_text, strip_mention

logger = logging.getLogger(__name__)

# A shown answer's id (`ShownAnswer.id`, random, never reused): button data is user input, so
# an id out of range does not parse and the press is answered as a stale button.
AnswerId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# A question's kind as its letter (`bot.services.feedback.KIND_CODES`): anything else in forged
# data does not parse, so the counter's `kind` label only ever takes one of the nine kinds.
KindCode = Literal["n", "w", "t", "p", "y", "q", "s", "h", "o"]
assert set(get_args(KindCode)) == set(KIND_BY_CODE)
UP, DOWN = "👍", "👎"
ASK_CORRECTION = "Пришлите правильный ответ — фразу из статьи (или «нет в статье»)"
NOT_FOUND = ("Не нашёл этих слов в статье. Пришлите фразу точно как в тексте — ответом на "
             "сообщение с просьбой — или «нет в статье».")
EMPTY_CORRECTION = "Пришлите правильный ответ словами — фразой из статьи или «нет в статье»."
THANKS_PHRASE = "Спасибо! Запомнил правильный ответ: «{}»."
THANKS_NONE = "Спасибо! Запомнил, что в статье этого нет."
ALREADY_CORRECTED = "Спасибо, исправление к этому ответу уже записано."
LEARNING_OFF = ("Исправления в этом чате не собираю: обучение выключено в /settings. "
                "Спасибо за помощь!")
THANKS_UNRECORDED = "Спасибо за оценку!"
ARTICLE_GONE = "Статьи, к которой относился ответ, уже нет: исправление не сохранить."
MAX_CORRECTION_CHARS = 300


class VoteCb(CallbackData, prefix="vote"):
    """👍 (`up`) or 👎 on the shown answer `answer_id`."""

    answer_id: AnswerId
    up: bool


class UnrecordedVoteCb(CallbackData, prefix="vq"):
    """👍 (`up`) or 👎 on an answer that was not recorded (the chat does not learn): the data
    names only the question's kind, for the counter («vq:n:1», well under Telegram's 64 bytes)."""

    kind: KindCode
    up: bool


def vote_keyboard(answer_id: int | None, kind: str = "другое") -> InlineKeyboardMarkup:
    """👍/👎 for the shown answer `answer_id`, or for an answer not recorded (None) of `kind`:
    the same two buttons either way."""
    keyboard = InlineKeyboardBuilder()
    for text, up in ((UP, True), (DOWN, False)):
        keyboard.button(text=text, callback_data=(
            VoteCb(answer_id=answer_id, up=up) if answer_id is not None
            else UnrecordedVoteCb(kind=KIND_CODES.get(kind, "o"), up=up)))
    return keyboard.adjust(2).as_markup()


def _toast(outcome: str, up: bool, asking: bool) -> str:
    mark = UP if up else DOWN
    if outcome == "same":
        return f"Вы уже поставили {mark}: голос учтён один раз"
    if outcome == "changed":
        text = f"Оценка изменена: {mark}"
    else:
        text = f"Спасибо за оценку {mark}"
    return text + (". Подскажите правильный ответ ниже" if asking else "")


def _mention(user: User) -> str:
    return f'<a href="tg://user?id={user.id}">{esc(user.full_name or "Вы")}</a>'


async def on_vote(query: CallbackQuery, callback_data: VoteCb, repo: Repo,
                  callback_answer: CallbackAnswer) -> None:
    """A vote on an answer of this chat's, under that answer's own message; anything else
    (another chat's answer in forged data, an answer /forget deleted) is a stale button."""
    message = query.message  # a press without a chat was answered by handlers.buttons
    shown = (await repo.feedback.answer(message.chat.id, callback_data.answer_id)
             if isinstance(message, Message) else None)  # else too old for Telegram to show
    if shown is None or shown.message_id not in (None, message.message_id):
        callback_answer.text, callback_answer.show_alert = STALE, True
        return
    up = callback_data.up
    if not await repo.feedback.learning(message.chat.id):  # turned off since it was shown
        _count_unrecorded(callback_answer, up, shown.kind)
        logger.info("vote chat=%s answer=%s up=%s not stored (learning off)", message.chat.id,
                    shown.id, up)
        return
    outcome = await repo.feedback.vote(shown, query.from_user.id, up)
    if outcome != "same":
        metrics.ANSWER_VOTES.labels("up" if up else "down", shown.kind).inc()
    asking = (not up and outcome != "same" and await repo.feedback.learning(message.chat.id)
              and await repo.feedback.claim_prompt(shown.id))
    callback_answer.text = _toast(outcome, up, asking)
    logger.info("vote chat=%s answer=%s up=%s outcome=%s", message.chat.id, shown.id, up,
                outcome)
    if asking:
        await _ask_for_correction(message, query.from_user, repo, shown)


async def on_unrecorded_vote(query: CallbackQuery, callback_data: UnrecordedVoteCb, repo: Repo,
                             callback_answer: CallbackAnswer) -> None:
    """A vote on an answer shown where the chat did not learn: nothing was stored, so nothing
    is looked up, checked or written. The press is thanked and counted, every press (there is
    no record to tell a repeat by). The data is user input and names no answer, so a forged
    press (another chat's button, made-up data) can at most add one to the anonymous counter,
    under one of the nine kinds; only a press on a message that no longer stands for an
    article of this chat (after /forget, or too old to show) is a stale button."""
    message = query.message
    if (not isinstance(message, Message)
            or await repo.articles.by_message(message.chat.id, message.message_id) is None):
        callback_answer.text, callback_answer.show_alert = STALE, True
        return
    _count_unrecorded(callback_answer, callback_data.up, KIND_BY_CODE[callback_data.kind])
    logger.info("vote chat=%s up=%s not stored (learning off)", message.chat.id,
                callback_data.up)


def _count_unrecorded(callback_answer: CallbackAnswer, up: bool, kind: str) -> None:
    metrics.ANSWER_VOTES.labels("up" if up else "down", kind).inc()
    callback_answer.text = THANKS_UNRECORDED


async def _ask_for_correction(message: Message, user: User, repo: Repo,
                              shown: ShownAnswer) -> None:
    """The prompt, once per answer: a ForceReply under the answer; in a group it names the
    voter, whom `selective` shows the reply field to."""
    group = message.chat.type != ChatType.PRIVATE
    text = f"{_mention(user)}, п{ASK_CORRECTION[1:]}" if group else ASK_CORRECTION
    prompt = await message.answer(
        text, reply_parameters=ReplyParameters(message_id=message.message_id,
                                               allow_sending_without_reply=True),
        reply_markup=ForceReply(force_reply=True, selective=group,
                                input_field_placeholder="Фраза из статьи или «нет в статье»"))
    await repo.feedback.set_prompt(shown.id, prompt.message_id)


class CorrectionReply(BaseFilter):
    """A text reply to one of the bot's correction prompts: gives `shown` (its answer)."""

    async def __call__(self, message: Message, repo: Repo) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or not replied.from_user.is_bot:
            return False
        shown = await repo.feedback.by_prompt(message.chat.id, replied.message_id)
        return {"shown": shown} if shown is not None else False


async def on_correction(message: Message, bot: Bot, repo: Repo, shown: ShownAnswer) -> None:
    """The user's right answer: a phrase of the article, or «нет в статье»."""
    reply = strip_mention(message_text(message), (await bot.me()).username).strip()
    chat_id = message.chat.id
    if not await repo.feedback.learning(chat_id):  # turned off since the prompt was sent
        await message.reply(LEARNING_OFF)
        return
    if await repo.feedback.correction(shown.id) is not None:
        await message.reply(ALREADY_CORRECTED)
        return
    if not any(ch.isalnum() for ch in reply):
        await message.reply(EMPTY_CORRECTION)
        return
    article = await repo.articles.by_id(chat_id, shown.article_id)
    if article is None or article.hash != shown.article_hash:
        await message.reply(ARTICLE_GONE)
        return
    user_id = message.from_user.id if message.from_user else None
    if says_not_in_article(reply):
        stored = await repo.feedback.correct(shown, user_id=user_id, context=article.text,
                                             text="", answer_start=-1)
        thanks = THANKS_NONE
    else:
        near = (shown.evidence_at, shown.evidence_at + len(shown.evidence))
        span = (match_phrase(article.text, reply[:MAX_CORRECTION_CHARS], near)
                if len(reply) <= MAX_CORRECTION_CHARS else None)
        if span is None:
            logger.info("correction chat=%s answer=%s: not in the article", chat_id, shown.id)
            await message.reply(NOT_FOUND)
            return
        stored = await repo.feedback.correct(shown, user_id=user_id, context=article.text,
                                             text=span.of(article.text),
                                             answer_start=span.start)
        thanks = THANKS_PHRASE.format(esc(span.of(article.text)))
    if stored is None:  # another reply to the same prompt was stored a moment before
        await message.reply(ALREADY_CORRECTED)
        return
    logger.info("correction chat=%s answer=%s stored (answerable=%s)", chat_id, shown.id,
                stored.answer_start >= 0)
    await message.reply(thanks)


def build_router() -> Router:
    """Votes and corrections; included before articles and questions, so a reply to a
    correction prompt is never read as an article or a question."""
    router = Router(name=__name__)
    router.callback_query.register(on_vote, VoteCb.filter(), F.message)
    router.callback_query.register(on_unrecorded_vote, UnrecordedVoteCb.filter(), F.message)
    router.message.register(on_correction, F.reply_to_message, F.text, CorrectionReply())
    return router

