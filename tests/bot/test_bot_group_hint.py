"""A group, through the real Dispatcher and the test Bot API server (#28, item 8).

«@bot» alone gets the hint «Перешлите статью сразу после упоминания…»; a forward sent a few
seconds after that hint got no reply at all (the mention's short window had passed). Now the
next forward from that user within a minute is the article the hint asked for. And /help in a
group said «напишите вопрос текстом», which the bot never hears there: it explains mentions
and replies instead.
"""

from __future__ import annotations

from tests.support import updates as U
from tests.support.fake_bot_api import BOT_USERNAME

MENTION = f"@{BOT_USERNAME}"
OTHER_USER = 555001


def _forward(text: str, group: int, *, user_id: int = U.USER_ID, post_id: int = 5) -> dict:
    return U.group_text(text, chat_id=group, user_id=user_id, forward_origin={
        "type": "channel", "chat": {"id": -100777, "type": "channel", "title": "АЗЕРТАДЖ",
                                    "username": "azertac"}, "message_id": post_id, "date": 1})


async def _hinted_group(harness) -> int:
    group = -1002000 - harness.new_chat()
    await harness.feed(U.group_text(MENTION, chat_id=group, mention=MENTION))
    [hint] = harness.api.sent_texts(group)
    assert "Перешлите статью сразу после упоминания" in hint
    return group


async def test_the_forward_after_the_hint_is_summarised(harness, seed_text) -> None:
    group = await _hinted_group(harness)
    mark = harness.api.mark()
    await harness.feed(_forward(seed_text, group))  # after the hint, no mention of its own
    [summary] = harness.api.sent_texts(group, since=mark)
    assert "Ключевое:" in summary
    assert '<a href="https://t.me/azertac/5">АЗЕРТАДЖ</a>' in summary


async def test_only_the_next_forward_of_that_user_is_taken(harness, seed_text) -> None:
    group = await _hinted_group(harness)
    mark = harness.api.mark()
    await harness.feed(_forward(seed_text, group, user_id=OTHER_USER))  # someone else's
    assert harness.api.sent_texts(group, since=mark) == []
    await harness.feed(_forward(seed_text, group))
    assert len(harness.api.sent_texts(group, since=mark)) == 1
    mark = harness.api.mark()
    await harness.feed(_forward(seed_text, group, post_id=6))  # the hint was used
    assert harness.api.sent_texts(group, since=mark) == []


async def test_help_in_a_group_explains_mentions_and_replies(harness) -> None:
    group = -1002000 - harness.new_chat()
    await harness.feed(U.command("/help", chat_id=group))
    [text] = harness.api.sent_texts(group)
    assert "напишите вопрос текстом" not in text, text
    assert f"упомяните меня ({MENTION})" in text and f"«{MENTION} что произошло?»" in text
    assert "ответьте на мой пересказ" in text


async def test_help_in_a_private_chat_is_unchanged(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/help", chat_id=chat))
    [text] = harness.api.sent_texts(chat)
    assert "напишите вопрос текстом" in text
