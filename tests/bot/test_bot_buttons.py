"""Every button press is answered, through the real Dispatcher and the test Bot API server:
stale or malformed data and presses on inline-mode messages get a short alert, never a spinner,
never an apology for an error."""

from __future__ import annotations

import pytest

from tests.support import updates as U


def _answers(harness, since: int) -> list:
    return harness.api.calls_for("answerCallbackQuery", since=since)


@pytest.mark.parametrize("data", ["garbage", "sum:abc:xxx", "ask:", "forget:maybe", ""])
async def test_unknown_or_malformed_button_data_gets_an_alert(harness, data: str) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/help", chat_id=chat))
    shown = harness.api.calls_for("sendMessage")[-1]
    mark = harness.api.mark()
    await harness.feed(U.callback_query(data, message=shown.result))
    answers = _answers(harness, mark)
    assert len(answers) == 1
    assert answers[0].params.get("show_alert") is True
    assert "устарела" in answers[0].params["text"]
    assert not harness.api.calls_for("sendMessage", since=mark)  # no apology, no reply


async def test_a_press_on_an_inline_message_is_answered_politely(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    buttons = [b["callback_data"] for row in summary.params["reply_markup"]["inline_keyboard"]
               for b in row]
    for data in buttons:  # real button data, pressed where there is no chat
        mark = harness.api.mark()
        await harness.feed(U.inline_callback_query(data))
        answers = _answers(harness, mark)
        assert len(answers) == 1 and answers[0].params.get("show_alert") is True
        assert "в чате со мной" in answers[0].params["text"]
        assert not harness.api.calls_for("sendMessage", since=mark)


async def test_a_known_button_is_still_served_by_its_feature(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    ask = next(b["callback_data"] for row in summary.params["reply_markup"]["inline_keyboard"]
               for b in row if b["text"] == "Задать вопрос")
    mark = harness.api.mark()
    await harness.feed(U.callback_query(ask, message=summary.result))
    answers = _answers(harness, mark)
    assert len(answers) == 1 and "устарела" not in answers[0].params.get("text", "")
    assert any("Спрашивайте" in t for t in harness.api.sent_texts(chat, since=mark))


def _buttons(call) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


async def test_news_pressed_on_a_too_short_text_is_answered_once_and_told_in_the_chat(
        harness, seed_text) -> None:
    """«Это новость» on «Мэр ушёл в отпуск» (17 characters): an empty answer came first (the
    press is answered before model work), then an alert Telegram refuses (#28, item 7). Now
    one answer, and the reason in the chat."""
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    update = U.private_text("Мэр ушёл в отпуск", chat_id=chat)
    await harness.feed(update)
    prompt = harness.api.calls_for("sendMessage")[-1]
    pressed = {**prompt.result, "reply_to_message": update["message"]}
    mark = harness.api.mark()
    await harness.feed(U.callback_query(_buttons(prompt)["Это новость"], message=pressed))
    assert len(_answers(harness, mark)) == 1
    assert not harness.api.answered_twice()
    [told] = harness.api.sent_texts(chat, since=mark)
    assert "Слишком короткий текст" in told, told


async def test_every_kind_of_button_is_answered_exactly_once(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.command("/articles", chat_id=chat))
    listing = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.command("/settings", chat_id=chat))
    settings = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.command("/forget", chat_id=chat))
    forget = harness.api.calls_for("sendMessage")[-1]
    presses = [(data, summary) for data in _buttons(summary).values()]
    presses += [(data, listing) for data in _buttons(listing).values()]
    presses += [(data, settings) for data in list(_buttons(settings).values())[:3]]
    presses += [(_buttons(forget)["Отмена"], forget), ("garbage", summary)]
    for data, shown in presses:
        mark = harness.api.mark()
        await harness.feed(U.callback_query(data, message=shown.result))
        assert len(_answers(harness, mark)) == 1, data
    assert not harness.api.answered_twice()


async def test_the_ask_toast_agrees_with_the_prompt(harness, seed_text) -> None:
    """The toast «Напишите вопрос ответом на сообщение» contradicted the prompt it was shown
    on («…или просто напишите вопрос») (#28, item 9)."""
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    mark = harness.api.mark()
    await harness.feed(U.callback_query(_buttons(summary)["Задать вопрос"],
                                        message=summary.result))
    [toast] = _answers(harness, mark)
    [prompt] = harness.api.sent_texts(chat, since=mark)
    assert "просто напишите вопрос" in prompt
    assert "ответом" not in toast.params.get("text", ""), toast.params


async def test_a_second_forget_confirmation_says_already_deleted(harness, seed_text) -> None:
    """The same «Да, удалить» pressed again said «удалено статей — 0, вопросы к ним тоже»
    (#28, item 16)."""
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    await harness.feed(U.command("/forget", chat_id=chat))
    confirm = harness.api.calls_for("sendMessage")[-1]
    for _ in range(2):
        mark = harness.api.mark()
        await harness.feed(U.callback_query(_buttons(confirm)["Да, удалить"],
                                            message=confirm.result))
    [edit] = harness.api.calls_for("editMessageText", since=mark)
    assert edit.params["text"].startswith("Уже удалено"), edit.params["text"]
    assert _answers(harness, mark)[0].params.get("text") == "Уже удалено"


async def test_start_says_what_stays_private_in_the_users_terms(harness) -> None:
    """«Всё работает на этом сервере, без внешних сервисов» said nothing a user can use
    (#28, item 18)."""
    chat = harness.new_chat()
    await harness.feed(U.command("/start", chat_id=chat))
    [text] = harness.api.sent_texts(chat)
    assert "посторонним сервисам" in text and "без внешних сервисов" not in text, text
