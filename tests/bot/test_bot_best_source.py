"""The same article sent again keeps the best source seen, through the real Dispatcher and the
test Bot API server (#28, item 17): a text first pasted and then forwarded from its channel
showed no «Источник: АЗЕРТАДЖ» line, since the stored row kept the paste's empty source."""

from __future__ import annotations

from bot.storage.repo import Repo
from tests.support import updates as U

CHANNEL_LINE = 'Источник: <a href="https://t.me/azertac/4512">АЗЕРТАДЖ</a>'


async def _stored(harness, chat: int):
    async with harness.sessionmaker() as session:
        return await Repo(session).articles.recent(chat, 10)


async def test_a_forward_of_a_pasted_article_brings_the_channel_line(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.private_text(seed_text, chat_id=chat))
    [pasted] = harness.api.sent_texts(chat)
    assert "Источник:" not in pasted

    mark = harness.api.mark()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=4512))
    [forwarded] = harness.api.sent_texts(chat, since=mark)
    assert CHANNEL_LINE in forwarded, forwarded
    [article] = await _stored(harness, chat)  # still one article, now with its channel
    assert (article.source_kind, article.source_title, article.source_url) == (
        "forward", "АЗЕРТАДЖ", "https://t.me/azertac/4512")


async def test_a_paste_after_the_forward_keeps_the_channel_line(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=4512))
    mark = harness.api.mark()
    await harness.feed(U.private_text(seed_text, chat_id=chat))
    [pasted_again] = harness.api.sent_texts(chat, since=mark)
    assert CHANNEL_LINE in pasted_again, pasted_again
    [article] = await _stored(harness, chat)
    assert article.source_url == "https://t.me/azertac/4512"
