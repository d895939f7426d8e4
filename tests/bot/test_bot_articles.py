"""Articles through the real Dispatcher: forwards, pastes, files, bad input."""

from __future__ import annotations

from tests.support import updates as U


async def test_forwarded_channel_post_gets_one_summary_with_source_and_buttons(
        harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=77))
    sent = harness.api.calls_for("sendMessage")
    assert len(sent) == 1, [c.params.get("text") for c in sent]
    params = sent[0].params
    text = params["text"]
    print(text)
    assert params["parse_mode"] == "HTML"
    assert text.startswith("<b>Премьер-министр Али Асадов встретился с казахстанским коллегой</b>")
    assert "Ключевое:" in text
    assert '<a href="https://t.me/azertac/77">АЗЕРТАДЖ</a>' in text
    buttons = [b["text"] for row in params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Подробнее", "Задать вопрос"]
