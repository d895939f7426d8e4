"""The last unhandled inputs (#27, items 6-9), through the real Dispatcher and the test Bot API
server: each gets its own clear reply, never the generic apology, and a link into our own
network is refused before any connection, however the address is spelled."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.support import updates as U

PRIVATE = "во внутреннюю сеть"


@pytest.fixture
async def loopback_site() -> AsyncIterator[tuple[int, list[str]]]:
    """A page server on 127.0.0.1: its port, and the paths it was asked for."""
    asked: list[str] = []

    async def page(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(text="<html><body><p>Секрет внутренней сети.</p></body></html>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1], asked
    finally:
        await runner.cleanup()


# --- item 8: IPv4 wrapped in IPv6 --------------------------------------------------------------

@pytest.mark.parametrize("host", [
    pytest.param("[2002:7f00:1::]", id="6to4"),
    pytest.param("[64:ff9b::7f00:1]", id="nat64"),
    pytest.param("[64:ff9b:1::7f00:1]", id="nat64-local"),
    pytest.param("[2001:0:4136:e378:8000:63bf:80ff:fffe]", id="teredo"),
    pytest.param("[::127.0.0.1]", id="ipv4-compatible"),
    pytest.param("[::ffff:127.0.0.1]", id="ipv4-mapped"),
    pytest.param("[::ffff:7f00:1]", id="ipv4-mapped-hex"),
    pytest.param("[2002:a00:1::]", id="6to4-private"),
])
async def test_a_link_to_ipv4_wrapped_in_ipv6_is_refused_before_connecting(
        harness_factory, loopback_site, host: str) -> None:
    """`http://[2002:7f00:1::]/` wraps 127.0.0.1 (6to4): it passed the guard and the bot
    connected. Now each embedded IPv4 is unwrapped and checked: the polite refusal, no request."""
    port, asked = loopback_site
    harness = await harness_factory(fetch_allow_private=False)
    chat = harness.new_chat()
    await harness.feed(U.private_text(f"http://{host}:{port}/news/1", chat_id=chat))
    [reply] = harness.api.sent_texts(chat)
    assert PRIVATE in reply, reply
    assert asked == []
