"""A link sent to the bot, alone or with words around it: fetched from a real HTTP server on
loopback and summarised, or refused when it points into a private network."""

from __future__ import annotations

from tests.support import updates as U
from tests.support.pages import page_server


async def test_link_message_is_fetched_or_refused(harness_factory, seed_text) -> None:
    from aiohttp import web

    body = "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n")[3:7])
    page = f"<html><head><title>Визит</title></head><body><article>{body}</article></body></html>"
    async def news(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    async with page_server(web.get("/news/1", news)) as base:
        url = f"{base}/news/1"
        allowed = await harness_factory(fetch_allow_private=True)
        chat = allowed.new_chat()
        await allowed.feed(U.private_text(url, chat_id=chat))
        [text] = allowed.api.sent_texts(chat)
        assert "Ключевое:" in text and f'<a href="{url}">127.0.0.1</a>' in text
        strict = await harness_factory(fetch_allow_private=False)
        await strict.feed(U.private_text(url, chat_id=chat))
        assert "во внутреннюю сеть" in strict.api.sent_texts(chat)[-1]
        # a link with words around it, as people share one (#11); routers live in one
        # dispatcher at a time: the latest harness is the one that answers
        shared = await harness_factory(fetch_allow_private=True)
        for message in (f"Смотри, что пишут: {url}", f"Визит в Баку\n{url}"):
            chat = shared.new_chat()
            await shared.feed(U.private_text(message, chat_id=chat))
            [text] = shared.api.sent_texts(chat)
            assert "Ключевое:" in text and f'<a href="{url}">127.0.0.1</a>' in text, text
