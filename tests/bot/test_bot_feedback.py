"""👍/👎 under answers and the corrections a 👎 asks for, through the real Dispatcher, the real
embedded engine and the test Bot API server (every press answered exactly once: the
`harness_factory` fixture fails a test that answered one twice)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from bot.services.feedback import normalized
from bot.storage.tables import AnswerVoteRow, CorrectionRow, ShownAnswerRow
from handlers.feedback import ASK_CORRECTION
from tests.support import updates as U
from tests.support.fake_bot_api import BOT_USERNAME

QUESTION = "Где прошла встреча?"
PHRASE = "Объём  ВЗАИМНОЙ торговли"  # the article writes «объем взаимной торговли»


def _buttons(call) -> dict[str, str]:
    markup = call.params.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", [])
            for b in row}


def _answers(harness, since: int) -> list:
    return harness.api.calls_for("answerCallbackQuery", since=since)


async def _answered(harness, chat: int, seed_text: str, question: str = QUESTION,
                    *, group: bool = False):
    """The seed in `chat`, a question about it, and the answer's sendMessage call."""
    if group:
        mention = f"@{BOT_USERNAME}"
        await harness.feed_together(
            U.group_text(mention, chat_id=chat, mention=mention),
            U.group_text(seed_text, chat_id=chat, forward_origin={
                "type": "channel", "chat": {"id": -100777, "type": "channel", "title": "АЗЕРТАДЖ"},
                "message_id": 5, "date": 1}))
        await harness.feed(U.group_text(f"@newsbot_test_bot {question}", chat_id=chat,
                                        mention="@newsbot_test_bot"))
    else:
        await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
        await harness.feed(U.private_text(question, chat_id=chat))
    answer = harness.api.calls_for("sendMessage")[-1]
    assert answer.params["chat_id"] == chat
    return answer


async def _press(harness, data: str, message: dict, user_id: int | None = None):
    """Press a button; returns the one answerCallbackQuery and the messages sent meanwhile."""
    mark = harness.api.mark()
    chat = message["chat"]["id"]
    await harness.feed(U.callback_query(data, message=message,
                                        user_id=user_id or (chat if chat > 0 else U.USER_ID)))
    [toast] = _answers(harness, mark)
    return toast.params, harness.api.calls_for("sendMessage", since=mark)


async def _count(harness, table, chat: int) -> int:
    async with harness.sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(table).where(table.chat_id == chat)) or 0)


async def _corrections(harness, chat: int) -> list[CorrectionRow]:
    async with harness.sessionmaker() as session:
        return list(await session.scalars(
            select(CorrectionRow).where(CorrectionRow.chat_id == chat)))


def _votes_metric(verdict: str, kind: str) -> float:
    return REGISTRY.get_sample_value("newsbot_answer_votes_total",
                                     {"verdict": verdict, "kind": kind}) or 0.0


async def test_thumbs_down_then_a_phrase_of_the_article_stores_a_labelled_row(
        harness, seed_text) -> None:
    chat = harness.new_chat()
    answer = await _answered(harness, chat, seed_text)
    buttons = _buttons(answer)
    assert set(buttons) == {"👍", "👎"}
    toast, sent = await _press(harness, buttons["👎"], answer.result)
    assert "Спасибо за оценку 👎" in toast["text"] and "правильный ответ" in toast["text"]
    [prompt] = sent
    assert prompt.params["text"] == ASK_CORRECTION
    assert prompt.params["reply_markup"]["force_reply"] is True
    assert prompt.params["reply_parameters"]["message_id"] == answer.result["message_id"]

    mark = harness.api.mark()
    await harness.feed(U.private_text(PHRASE, chat_id=chat, reply_to=prompt.result))
    [thanks] = harness.api.sent_texts(chat, since=mark)
    assert thanks.startswith("Спасибо! Запомнил правильный ответ: «объем взаимной торговли»")
    [row] = await _corrections(harness, chat)
    assert row.context == seed_text.strip() and row.question == QUESTION
    assert row.context[row.answer_start:row.answer_start + len(row.text)] == row.text
    assert normalized(row.text)[0] == normalized(PHRASE)[0]

    # Never asked twice for the same answer; a second reply to the prompt changes nothing.
    toast, sent = await _press(harness, buttons["👎"], answer.result)
    assert "уже поставили 👎" in toast["text"] and not sent
    toast, sent = await _press(harness, buttons["👍"], answer.result)
    toast, sent = await _press(harness, buttons["👎"], answer.result)
    assert "Оценка изменена: 👎" == toast["text"] and not sent
    mark = harness.api.mark()
    await harness.feed(U.private_text("Баку", chat_id=chat, reply_to=prompt.result))
    assert harness.api.sent_texts(chat, since=mark) == [
        "Спасибо, исправление к этому ответу уже записано."]
    assert len(await _corrections(harness, chat)) == 1


async def test_thumbs_up_twice_counts_once_and_a_change_is_told(harness, seed_text) -> None:
    chat = harness.new_chat()
    answer = await _answered(harness, chat, seed_text,
                             "Сколько документов в договорно-правовой базе?")
    buttons = _buttons(answer)
    before_up = _votes_metric("up", "сколько")
    before_down = _votes_metric("down", "сколько")
    first, _ = await _press(harness, buttons["👍"], answer.result)
    second, sent = await _press(harness, buttons["👍"], answer.result)
    assert first["text"] == "Спасибо за оценку 👍"
    assert "уже поставили 👍" in second["text"] and not sent
    async with harness.sessionmaker() as session:
        [vote] = (await session.scalars(
            select(AnswerVoteRow).where(AnswerVoteRow.chat_id == chat))).all()
        assert vote.up is True
        shown = await session.get(ShownAnswerRow, vote.answer_id)
    assert shown.question == "Сколько документов в договорно-правовой базе?"
    assert shown.kind == "сколько" and shown.article_hash and shown.evidence
    assert "165" in shown.answer and 0 < shown.score <= 1
    assert _votes_metric("up", "сколько") == before_up + 1
    changed, sent = await _press(harness, buttons["👎"], answer.result)
    assert changed["text"].startswith("Оценка изменена: 👎") and len(sent) == 1  # the prompt
    assert await _count(harness, AnswerVoteRow, chat) == 1
    assert _votes_metric("down", "сколько") == before_down + 1


async def test_a_vote_on_another_chats_answer_is_refused(harness, seed_text) -> None:
    chat_a, chat_b = harness.new_chat(), harness.new_chat()
    answer_a = await _answered(harness, chat_a, seed_text)
    answer_b = await _answered(harness, chat_b, seed_text)
    forged = _buttons(answer_a)["👎"]  # chat A's answer id, pressed under chat B's answer
    toast, sent = await _press(harness, forged, answer_b.result)
    assert toast.get("show_alert") is True and "устарела" in toast["text"]
    assert not sent
    assert await _count(harness, AnswerVoteRow, chat_a) == 0
    assert await _count(harness, AnswerVoteRow, chat_b) == 0
    # chat B's own id under another of its messages is refused too
    await harness.feed(U.command("/help", chat_id=chat_b))
    help_message = harness.api.calls_for("sendMessage")[-1].result
    toast, _ = await _press(harness, _buttons(answer_b)["👍"], help_message)
    assert "устарела" in toast["text"] and await _count(harness, AnswerVoteRow, chat_b) == 0


async def test_forget_removes_votes_and_corrections(harness, seed_text) -> None:
    chat = harness.new_chat()
    answer = await _answered(harness, chat, seed_text)
    _, [prompt] = await _press(harness, _buttons(answer)["👎"], answer.result)
    await harness.feed(U.private_text("нет в статье", chat_id=chat, reply_to=prompt.result))
    [row] = await _corrections(harness, chat)
    assert row.text == "" and row.answer_start == -1
    await harness.feed(U.command("/forget", chat_id=chat))
    confirm = harness.api.calls_for("sendMessage")[-1]
    assert "оценки ответов и исправления (2)" in confirm.params["text"]
    await _press(harness, _buttons(confirm)["Да, удалить"], confirm.result)
    assert await _count(harness, AnswerVoteRow, chat) == 0
    assert await _count(harness, CorrectionRow, chat) == 0
    assert await _count(harness, ShownAnswerRow, chat) == 0
    toast, _ = await _press(harness, _buttons(answer)["👍"], answer.result)  # a stale button
    assert "устарела" in toast["text"] and await _count(harness, AnswerVoteRow, chat) == 0


async def test_a_phrase_not_in_the_article_is_told_and_not_stored(harness, seed_text) -> None:
    chat = harness.new_chat()
    answer = await _answered(harness, chat, seed_text)
    _, [prompt] = await _press(harness, _buttons(answer)["👎"], answer.result)
    for reply in ("в Москве", "!!!"):
        mark = harness.api.mark()
        await harness.feed(U.private_text(reply, chat_id=chat, reply_to=prompt.result))
        [told] = harness.api.sent_texts(chat, since=mark)
        assert told.startswith("Не нашёл этих слов в статье" if reply != "!!!"
                               else "Пришлите правильный ответ словами")
    assert await _corrections(harness, chat) == []
    await harness.feed(U.private_text("в Баку", chat_id=chat, reply_to=prompt.result))
    [row] = await _corrections(harness, chat)  # a second try is taken
    assert row.text == "в Баку"


async def test_no_answer_reply_gets_buttons_and_a_false_refusal_is_kept(
        harness, seed_text) -> None:
    chat = harness.new_chat()
    answer = await _answered(harness, chat, seed_text, "Кто выиграл чемпионат мира по хоккею?")
    assert "этого нет" in answer.params["text"]
    _, [prompt] = await _press(harness, _buttons(answer)["👎"], answer.result)
    await harness.feed(U.private_text("Олжасом Бектеновым", chat_id=chat,
                                      reply_to=prompt.result))
    [row] = await _corrections(harness, chat)
    assert row.text == "Олжасом Бектеновым"
    async with harness.sessionmaker() as session:
        shown = await session.get(ShownAnswerRow, row.answer_id)
    assert shown.answer == "" and shown.kind == "кто"


async def test_learning_off_no_prompt_and_no_correction(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings", chat_id=chat))
    shown = harness.api.calls_for("sendMessage")[-1]
    assert "Учиться на исправлениях: <b>вкл</b>" in shown.params["text"]
    toast, _ = await _press(harness, _buttons(shown)["Учиться: выкл"], shown.result)
    assert toast["text"] == "Учиться на исправлениях: выкл"
    answer = await _answered(harness, chat, seed_text)
    toast, sent = await _press(harness, _buttons(answer)["👎"], answer.result)
    assert not sent and "правильный ответ" not in toast["text"]
    # a reply to the answer is a question again, not a correction
    await harness.feed(U.private_text("объем взаимной торговли", chat_id=chat,
                                      reply_to=answer.result))
    assert await _corrections(harness, chat) == []
    async with harness.sessionmaker() as session:
        row = await session.scalar(select(ShownAnswerRow).where(
            ShownAnswerRow.chat_id == chat, ShownAnswerRow.message_id
            == answer.result["message_id"]))
    assert row.asked_at is None and row.prompt_message_id is None


async def test_in_a_group_learning_waits_for_an_admin_and_every_member_votes(
        harness, seed_text) -> None:
    group = -1002900000 - harness.new_chat()
    admin, member = 501, 502
    harness.api.set_member(group, admin, "administrator")
    harness.api.set_member(group, member, "member")
    answer = await _answered(harness, group, seed_text, group=True)
    _, sent = await _press(harness, _buttons(answer)["👎"], answer.result, user_id=member)
    assert not sent  # off in a group until an admin turns it on
    await harness.feed(U.command("/settings", chat_id=group, user_id=member))
    settings = harness.api.calls_for("sendMessage")[-1]
    assert "Учиться на исправлениях: <b>выкл</b>" in settings.params["text"]
    toast, _ = await _press(harness, _buttons(settings)["Учиться: вкл"], settings.result,
                            user_id=member)
    assert "администратор" in toast["text"]
    toast, _ = await _press(harness, _buttons(settings)["Учиться: вкл"], settings.result,
                            user_id=admin)
    assert toast["text"] == "Учиться на исправлениях: вкл"
    answer = await _answered(harness, group, seed_text, "Кто приехал в Баку?", group=True)
    await _press(harness, _buttons(answer)["👍"], answer.result, user_id=admin)
    _, [prompt] = await _press(harness, _buttons(answer)["👎"], answer.result, user_id=member)
    assert f"tg://user?id={member}" in prompt.params["text"]
    assert prompt.params["reply_markup"]["selective"] is True
    _, again = await _press(harness, _buttons(answer)["👎"], answer.result, user_id=admin)
    assert not again  # asked once per answer, whoever presses
    async with harness.sessionmaker() as session:
        votes = (await session.scalars(
            select(AnswerVoteRow).join(ShownAnswerRow,
                                       ShownAnswerRow.id == AnswerVoteRow.answer_id)
            .where(ShownAnswerRow.message_id == answer.result["message_id"])
            .order_by(AnswerVoteRow.user_id))).all()
    assert [(v.user_id, v.up) for v in votes] == [(admin, False), (member, False)]
    await harness.feed(U.group_text("Олжасом Бектеновым", chat_id=group, user_id=member,
                                    reply_to=prompt.result))
    [row] = await _corrections(harness, group)
    assert row.text == "Олжасом Бектеновым" and row.user_id == member


@pytest.fixture
async def restarted(harness_factory):
    """Two bots one after the other on the same SQLite file: the second is a restart."""
    return harness_factory


async def test_votes_and_corrections_survive_a_restart(restarted, seed_text) -> None:
    first = await restarted()
    chat = first.new_chat()
    answer = await _answered(first, chat, seed_text)
    await _press(first, _buttons(answer)["👍"], answer.result)
    second = await restarted()  # a new bot, dispatcher and engine on the same database
    toast, _ = await _press(second, _buttons(answer)["👍"], answer.result)
    assert "уже поставили 👍" in toast["text"]
    _, [prompt] = await _press(second, _buttons(answer)["👎"], answer.result)
    await second.feed(U.private_text("в Баку", chat_id=chat, reply_to=prompt.result))
    [row] = await _corrections(second, chat)
    assert row.text == "в Баку"
    assert await _count(second, AnswerVoteRow, chat) == 1
