"""👍/👎 under answers and the corrections a 👎 asks for, through the real Dispatcher, the real
embedded engine and the test Bot API server (every press answered exactly once: the
`harness_factory` fixture fails a test that answered one twice)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from bot.services.feedback import normalized
from bot.storage.tables import AnswerVoteRow, CorrectionRow, ShownAnswerRow
from handlers.feedback import ASK_CORRECTION, THANKS_UNRECORDED
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


FEEDBACK_TABLES = (ShownAnswerRow, AnswerVoteRow, CorrectionRow)


async def _stored(harness, chat: int) -> dict[str, int]:
    """Rows of every feedback table that hold this chat's questions, answers or votes."""
    return {table.__tablename__: await _count(harness, table, chat) for table in FEEDBACK_TABLES}


def _nothing(stored: dict[str, int]) -> bool:
    return not any(stored.values())


def _prompts(harness, since: int) -> list:
    return [call for call in harness.api.calls_for("sendMessage", since=since)
            if (call.params.get("reply_markup") or {}).get("force_reply")]


async def _learning(harness, chat: int, on: bool, user_id: int | None = None) -> None:
    """/settings «Учиться: вкл/выкл», pressed by `user_id` (a group's administrator)."""
    await harness.feed(U.command("/settings", chat_id=chat, user_id=user_id or chat))
    shown = harness.api.calls_for("sendMessage")[-1]
    toast, _ = await _press(harness, _buttons(shown)["Учиться: вкл" if on else "Учиться: выкл"],
                            shown.result, user_id=user_id)
    assert toast["text"] == f"Учиться на исправлениях: {'вкл' if on else 'выкл'}"


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


async def test_learning_off_stores_nothing_yet_the_vote_is_thanked_and_counted(
        harness, seed_text) -> None:
    """The consent rule (#29): with «Учиться на исправлениях» off nothing about the chat's
    questions, answers or votes is written; the buttons stay, each press is answered once and
    counted; turned on, the next answer is recorded."""
    chat = harness.new_chat()
    await _learning(harness, chat, on=False)
    mark = harness.api.mark()
    answer = await _answered(harness, chat, seed_text,
                             "Сколько документов в договорно-правовой базе?")
    buttons = _buttons(answer)
    assert list(buttons) == ["👍", "👎"]  # the same keyboard as where the chat learns
    assert all(len(data.encode()) <= 64 for data in buttons.values())
    assert _nothing(await _stored(harness, chat))
    before = _votes_metric("up", "сколько"), _votes_metric("down", "сколько")
    for button in ("👍", "👎"):
        toast, sent = await _press(harness, buttons[button], answer.result)  # answered once
        assert toast["text"] == THANKS_UNRECORDED and not toast.get("show_alert")
        assert not sent
    assert (_votes_metric("up", "сколько"), _votes_metric("down", "сколько")) == (
        before[0] + 1, before[1] + 1)
    assert not _prompts(harness, mark)  # no ForceReply asking for a correction
    # a reply to the answer is a question again, never a correction
    await harness.feed(U.private_text("объем взаимной торговли", chat_id=chat,
                                      reply_to=answer.result))
    assert not _prompts(harness, mark)
    assert await _stored(harness, chat) == {"shown_answers": 0, "answer_votes": 0,
                                            "answer_corrections": 0}

    # Data that is not one of the nine kinds does not parse: a stale button, nothing counted.
    toast, _ = await _press(harness, buttons["👍"].replace(":n:", ":zz:"), answer.result)
    assert toast.get("show_alert") is True and "устарела" in toast["text"]

    await _learning(harness, chat, on=True)
    later = await _answered(harness, chat, seed_text)
    toast, [prompt] = await _press(harness, _buttons(later)["👎"], later.result)
    assert toast["text"].startswith("Спасибо за оценку 👎") and prompt.params["text"] == (
        ASK_CORRECTION)
    assert await _stored(harness, chat) == {"shown_answers": 1, "answer_votes": 1,
                                            "answer_corrections": 0}
    # the answer shown while learning was off stays unrecorded: thanked and counted only
    toast, sent = await _press(harness, buttons["👍"], answer.result)
    assert toast["text"] == THANKS_UNRECORDED and not sent
    assert await _count(harness, AnswerVoteRow, chat) == 1


async def test_turning_learning_off_stops_recording_at_once(harness, seed_text) -> None:
    """An answer recorded while the chat learned, voted on after learning was turned off: the
    press is counted, not stored; what was stored before stays (only /forget deletes it)."""
    chat = harness.new_chat()
    answer = await _answered(harness, chat, seed_text)
    await _press(harness, _buttons(answer)["👍"], answer.result)
    await _learning(harness, chat, on=False)
    mark = harness.api.mark()
    before = _votes_metric("down", "где")
    toast, sent = await _press(harness, _buttons(answer)["👎"], answer.result)
    assert toast["text"] == THANKS_UNRECORDED and not sent and not _prompts(harness, mark)
    assert _votes_metric("down", "где") == before + 1
    async with harness.sessionmaker() as session:
        [vote] = (await session.scalars(
            select(AnswerVoteRow).where(AnswerVoteRow.chat_id == chat))).all()
        shown = await session.get(ShownAnswerRow, vote.answer_id)
    assert vote.up is True  # kept as it was, not changed
    assert shown.asked_at is None and shown.prompt_message_id is None
    await _answered(harness, chat, seed_text, "Кто приехал в Баку?")
    assert await _stored(harness, chat) == {"shown_answers": 1, "answer_votes": 1,
                                            "answer_corrections": 0}
    # another chat's recorded answer, pressed here, is still refused
    other = harness.new_chat()
    other_answer = await _answered(harness, other, seed_text)
    toast, _ = await _press(harness, _buttons(other_answer)["👍"], answer.result)
    assert toast.get("show_alert") is True and "устарела" in toast["text"]
    assert await _count(harness, AnswerVoteRow, other) == 0


async def test_in_a_group_learning_waits_for_an_admin_and_every_member_votes(
        harness, seed_text) -> None:
    group = -1002900000 - harness.new_chat()
    admin, member = 501, 502
    harness.api.set_member(group, admin, "administrator")
    harness.api.set_member(group, member, "member")
    answer = await _answered(harness, group, seed_text, group=True)
    mark = harness.api.mark()
    before = _votes_metric("down", "где")
    toast, sent = await _press(harness, _buttons(answer)["👎"], answer.result, user_id=member)
    assert not sent  # off in a group until an admin turns it on: no prompt, nothing stored
    assert toast["text"] == THANKS_UNRECORDED and not _prompts(harness, mark)
    assert _votes_metric("down", "где") == before + 1
    assert _nothing(await _stored(harness, group))
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
