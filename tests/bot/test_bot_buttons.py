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
