"""The per-user rate limit: held messages are answered when the window lets them through,
a flood past the held ones is skipped and the user told so once, group chatter does not
count."""

from __future__ import annotations

from tests.support import updates as U


async def test_a_message_past_the_rate_limit_is_answered_when_the_wait_ends(
        harness_factory) -> None:
    """3 a second allowed: the 4th and 5th are held (the user is told once to wait) and
    answered when the window lets them through, not dropped (#11)."""
    harness = await harness_factory(user_rate_limit=3, user_rate_window_seconds=1.5)
    chat = harness.new_chat()
    await harness.feed_together(*(U.command("/help", chat_id=chat) for _ in range(5)))
    texts = harness.api.sent_texts(chat)
    assert len(texts) == 6, texts
    assert sum("Слишком много сообщений" in t for t in texts) == 1
    assert sum("Как спросить" in t for t in texts) == 5


async def test_a_flood_past_the_held_messages_is_skipped_and_said_so_once(harness_factory
                                                                         ) -> None:
    harness = await harness_factory(user_rate_limit=2, user_rate_window_seconds=0.5)
    chat = harness.new_chat()
    await harness.feed_together(*(U.command("/help", chat_id=chat) for _ in range(14)))
    texts = harness.api.sent_texts(chat)
    assert sum("Как спросить" in t for t in texts) == 12  # 2 at once, 10 held, 2 skipped
    assert sum("Слишком много сообщений" in t for t in texts) == 1
    assert texts[-1] == ("Я ответил на первые 12 сообщений; остальные пропущены — задайте их "
                         "ещё раз.")


async def test_group_chatter_does_not_count_towards_the_rate_limit(harness_factory) -> None:
    harness = await harness_factory(user_rate_limit=2)
    group = -1004000 - harness.new_chat()
    for n in range(5):
        await harness.feed(U.group_text(f"Обычная болтовня номер {n}", chat_id=group))
    assert harness.api.sent_texts(group) == []
    await harness.feed(U.command("/help", chat_id=group))
    assert "Пример" in harness.api.sent_texts(group)[-1]
