"""Questions about an article: `/ask`, a reply to an article or its summary, plain text.

This router is the last feature the factory includes: its private-chat text handler is the
catch-all.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import metrics
from bot.errors import ArticleNotFound, EmptyMessage
from bot.rendering.html import esc
from bot.rendering.replies import render_answer, short_title
from bot.rendering.split import split_message
from bot.services.articles import ArticleIntake, IncomingArticle
from bot.services.feedback import evidence_span
from bot.services.message_kind import SmallTalk, could_be_either, foreign_language
from bot.services.questions import QuestionResult, QuestionService
from bot.storage.feedback import ShownAnswer
from bot.storage.repo import ChatSettings, Repo
from handlers.article import take_article
from handlers.feedback import vote_keyboard
from handlers.filters import GROUPS, Addressed, SmallTalkFilter, message_text, strip_mention
from handlers.keyboards import (
    AskCb,
    KindCb,
    news_offer_keyboard,
    news_or_question_keyboard,
    question_prompt,
)

TYPING = {"chat_action": "typing"}
# Model work follows: the press is answered first, before Telegram gives up waiting for it.
ANSWER_FIRST = {"callback_answer": {"pre": True}}
NO_ORIGINAL = "Не вижу исходного сообщения: пришлите его ещё раз."
ASK_HINT = "Напишите вопрос после команды, например: /ask Что подписали?"
RUSSIAN_ONLY = ("Я читаю статьи на русском и отвечаю по-русски. Пришлите статью или вопрос "
                "на русском языке.")
NEWS_OR_QUESTION = "Это новость, которую пересказать, или вопрос о статье?"
OFFER_TO_READ = ("Статей в этом чате пока нет, так что спросить не о чем. Пересказать это "
                 "сообщение как новость?")


async def send_answer(message: Message, repo: Repo, result: QuestionResult, *,
                      show_title: bool) -> None:
    """The answer (or «в статье этого нет»), with 👍/👎 under its last piece. Where the chat
    learns from its readers the shown answer is recorded first, so the buttons carry its id;
    where it does not, nothing about the question or the answer is stored and the buttons
    carry only the question's kind (handlers.feedback.UnrecordedVoteCb)."""
    shown = (await record_shown(repo, message.chat.id, result)
             if await repo.feedback.learning(message.chat.id) else None)
    keyboard = vote_keyboard(shown.id if shown is not None else None, result.kind)
    pieces = split_message(render_answer(result, show_title=show_title))
    for number, piece in enumerate(pieces, 1):
        sent = await message.reply(piece, reply_markup=keyboard if number == len(pieces) else None)
        await repo.articles.link_message(message.chat.id, sent.message_id, result.article.id,
                                         role="answer")
    if shown is not None:
        await repo.feedback.set_message(shown.id, sent.message_id)
    metrics.REPLIES.labels("answer").inc()


async def record_shown(repo: Repo, chat_id: int, result: QuestionResult) -> ShownAnswer:
    """What a vote on this answer is about: the question, the answer as shown, its evidence
    and where that sentence is in the article, the question's kind, the reader's score."""
    answer, article = result.answer, result.article
    near = evidence_span(article.text, answer.sentence, answer.start if answer.found else -1)
    return await repo.feedback.record_answer(
        chat_id, article_id=article.id, article_hash=article.hash, question=result.question,
        answer=answer.shown if answer.found else "", evidence=answer.sentence,
        evidence_at=near[0], kind=result.kind, score=answer.score, reason=answer.reason)


async def ask(message: Message, repo: Repo, qa: QuestionService, question: str, *,
              reply_to: int | None = None) -> None:
    if reply_to is not None and await _about_a_forgotten_article(repo, message.chat.id, reply_to):
        raise ArticleNotFound()
    async with qa.turn(message.chat.id, message.message_id,
                       about_latest=reply_to is None) as deadline:
        result = await qa.ask(repo, message.chat.id, question,
                              user_id=message.from_user.id if message.from_user else None,
                              replied_message_id=reply_to, deadline=deadline)
        # Name the article when the user did not point at one and there is a choice.
        show_title = reply_to is None and await repo.articles.count(message.chat.id) > 1
        await send_answer(message, repo, result, show_title=show_title)


async def _about_a_forgotten_article(repo: Repo, chat_id: int, replied_id: int) -> bool:
    """A reply to a message from before /forget that no article claims now: its article was
    deleted. Answering about the newest article instead would answer a question not asked."""
    return (await repo.articles.by_message(chat_id, replied_id) is None
            and await repo.chats.forgotten(chat_id, replied_id))


SMALL_TALK_REPLIES = {
    SmallTalk.THANKS: "Пожалуйста! Спрашивайте ещё или пришлите новую статью.",
    SmallTalk.GREETING: "Здравствуйте! Пришлите статью: перескажу её и отвечу на вопросы.",
    SmallTalk.OK: "👍",
    SmallTalk.BYE: "До встречи! Статьи и вопросы к ним я сохраню.",
}


async def on_small_talk(message: Message, kind: SmallTalk) -> None:
    """Thanks and greetings get a word back, never an "answer" cut out of the article."""
    if message.chat.type in GROUPS:
        await message.reply(SMALL_TALK_REPLIES[kind])
    else:
        await message.answer(SMALL_TALK_REPLIES[kind])


async def on_ask_command(message: Message, command: CommandObject, repo: Repo,
                         qa: QuestionService) -> None:
    if not (command.args or "").strip():
        await message.answer(ASK_HINT)
        return
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    await ask(message, repo, qa, command.args or "", reply_to=reply_to)


async def on_reply_question(message: Message, bot: Bot, repo: Repo, qa: QuestionService) -> None:
    """A reply to an article, its summary, a prompt or an answer: a question about that one."""
    assert message.reply_to_message is not None
    text = strip_mention(message.text or "", (await bot.me()).username)
    await ask(message, repo, qa, text, reply_to=message.reply_to_message.message_id)


async def on_group_question(message: Message, bot: Bot, repo: Repo, qa: QuestionService) -> None:
    text = strip_mention(message.text or "", (await bot.me()).username)
    if foreign_language(text):
        await message.reply(RUSSIAN_ONLY)
        return
    await ask(message, repo, qa, text)


async def on_plain_question(message: Message, repo: Repo, qa: QuestionService) -> None:
    """The catch-all: short text in a private chat is a question about the current article.

    Text in another language is told what the bot reads. A short statement that may as well
    be news gets two buttons instead of a guess; with no article in the chat there is nothing
    to ask about, so it is offered to be read as news."""
    text = message_text(message)
    if not text.strip():
        raise EmptyMessage()
    if foreign_language(text):
        await message.answer(RUSSIAN_ONLY)
        return
    if could_be_either(text):
        if await repo.articles.count(message.chat.id) > 0:
            await message.reply(NEWS_OR_QUESTION, reply_markup=news_or_question_keyboard())
        else:
            await message.reply(OFFER_TO_READ, reply_markup=news_offer_keyboard())
        return
    await ask(message, repo, qa, text)


async def on_news_or_question(query: CallbackQuery, callback_data: KindCb, repo: Repo,
                              qa: QuestionService, intake: ArticleIntake,
                              chat_settings: ChatSettings) -> None:
    """The answer to the prompt above: the prompt replies to the user's message, so the
    message to read or answer is the one it replies to (the filter made sure it has text)."""
    prompt = query.message
    assert isinstance(prompt, Message) and prompt.reply_to_message is not None
    original = prompt.reply_to_message
    assert original.text is not None
    with contextlib.suppress(TelegramBadRequest):  # pressed twice: the buttons are gone
        await prompt.edit_reply_markup(reply_markup=None)
    if callback_data.news:
        incoming = IncomingArticle(text=original.text, source_kind="news",
                                   message_ids=(original.message_id,))
        await take_article(original, repo, intake, chat_settings, incoming)
    else:
        await ask(original, repo, qa, original.text)


async def on_original_gone(query: CallbackQuery,
                           callback_answer: CallbackAnswer) -> None:
    """«Новость или вопрос?» pressed where the user's message is no longer there to read."""
    callback_answer.text, callback_answer.show_alert = NO_ORIGINAL, True


async def on_ask_button(query: CallbackQuery, callback_data: AskCb, repo: Repo,
                        callback_answer: CallbackAnswer) -> None:
    """"Задать вопрос": make this article the current one and prompt for a reply."""
    message = query.message
    if not isinstance(message, Message):
        return
    article = await repo.articles.by_public_id(message.chat.id, callback_data.article_id)
    if article is None:
        raise ArticleNotFound()
    await repo.chats.set_current_article(message.chat.id, article.id)
    callback_answer.text = "Жду ваш вопрос"  # the prompt below says how to ask: no second rule
    title = f" о «{esc(short_title(article))}»" if article.title else ""
    prompt = await message.answer(
        f"Спрашивайте{title}: ответьте на это сообщение или просто напишите вопрос.",
        reply_markup=question_prompt(),
    )
    await repo.articles.link_message(message.chat.id, prompt.message_id, article.id, "prompt")


def build_router() -> Router:
    """Questions; the private-chat catch-all is registered last of them."""
    router = Router(name=__name__)
    router.message.register(on_small_talk, F.text, SmallTalkFilter(), Addressed())
    router.message.register(on_ask_command, Command("ask"), flags=TYPING)
    router.message.register(
        on_reply_question, F.reply_to_message, F.text, Addressed(), flags=TYPING)
    router.message.register(
        on_group_question, F.chat.type.in_(GROUPS), F.text, Addressed(), flags=TYPING)
    router.message.register(on_plain_question, F.chat.type == ChatType.PRIVATE, flags=TYPING)
    router.callback_query.register(on_news_or_question, KindCb.filter(),
                                   F.message.reply_to_message.text,
                                   flags={**TYPING, **ANSWER_FIRST})
    router.callback_query.register(on_original_gone, KindCb.filter())
    router.callback_query.register(on_ask_button, AskCb.filter())
    return router
