"""Link fetching over real HTTP on 127.0.0.1: the SSRF guard, redirects, size and time caps."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from bot.errors import FetchFailed
from bot.services.fetch import PageFetcher, is_public, shared_link
from tests.support.pages import page_server

ARTICLE = ("<html><head><title>Переговоры в Баку</title></head><body><nav>Меню</nav><article>"
           "<h1>Переговоры в Баку</h1>" + "<p>Стороны подписали документы о сотрудничестве в "
           "сфере образования и науки, обсудили транзит и энергетику.</p>" * 8 +
           "</article><footer>Подвал</footer></body></html>")


@pytest.fixture
async def site():
    async def article(_: web.Request) -> web.Response:
        return web.Response(text=ARTICLE, content_type="text/html")

    async def hop(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        raise web.HTTPFound("/article" if n == 0 else f"/hop/{n - 1}")

    async def big(_: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(_)
        for _i in range(100):
            await resp.write(b"<p>" + b"x" * 10_000 + b"</p>")
        return resp

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(text=ARTICLE, content_type="text/html")

    async def image(_: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG", content_type="image/png")

    async with page_server(web.get("/article", article), web.get("/hop/{n}", hop),
                           web.get("/big", big), web.get("/slow", slow),
                           web.get("/image", image)) as base:
        yield base


async def test_page_text_is_extracted_after_redirects(site) -> None:
    page = await PageFetcher(allow_private=True).fetch(f"{site}/hop/2")
    assert page.url.endswith("/article") and page.title == "Переговоры в Баку"
    assert "подписали документы" in page.text and "Меню" not in page.text


async def test_loopback_is_refused_unless_allowed(site) -> None:
    with pytest.raises(FetchFailed) as info:
        await PageFetcher().fetch(f"{site}/article")
    assert info.value.reason == "private"
    with pytest.raises(FetchFailed) as info:
        await PageFetcher().fetch("http://localhost:9/")
    assert info.value.reason == "private"


@pytest.mark.parametrize("path,reason,kwargs", [
    ("/hop/9", "redirects", {"max_redirects": 3}),
    ("/big", "too_big", {"max_bytes": 200_000}),
    ("/slow", "timeout", {"timeout": 0.3}),
    ("/image", "type", {}),
])
async def test_caps(site, path: str, reason: str, kwargs: dict) -> None:
    with pytest.raises(FetchFailed) as info:
        await PageFetcher(allow_private=True, **kwargs).fetch(f"{site}{path}")
    assert info.value.reason == reason


async def test_only_http_schemes() -> None:
    with pytest.raises(FetchFailed) as info:
        await PageFetcher().fetch("file:///etc/passwd")
    assert info.value.reason == "scheme"


def test_address_classes() -> None:
    assert is_public("93.184.216.34") and is_public("2a00:1450:4010:c05::64")
    for private in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1",
                    "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "fd00::1"):
        assert not is_public(private), private


def test_a_shared_link_is_one_link_with_at_most_a_short_comment() -> None:
    assert shared_link(" https://example.com/a?b=1 ") == "https://example.com/a?b=1"
    assert shared_link("Смотри, что пишут: https://example.com/denis-ten.html") == (
        "https://example.com/denis-ten.html")
    assert shared_link("Заголовок статьи\nhttps://example.com/news/1.") == (
        "https://example.com/news/1")
    assert shared_link("Читайте тут", ("https://example.com/x",)) == "https://example.com/x"
    assert shared_link("https://a.example/1 и https://b.example/2") is None
    assert shared_link("Что подписали?") is None
    assert shared_link("Длинный текст статьи. " * 20 + "https://example.com") is None