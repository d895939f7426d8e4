"""Fetch a linked page and extract its article text, without becoming an SSRF proxy.

A link is user input aimed at our network. Every hop is checked: the scheme is http(s), every
address the host resolves to is public (no loopback, private, link-local, multicast, reserved),
redirects are followed by hand and counted, the body is read up to a byte cap under one overall
timeout. The connector's resolver re-checks at connect time, so a DNS answer that changes between
the check and the connection (rebinding) is refused too. `allow_private` lifts the address rule
for tests and intranets.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.errors import FetchFailed, UnsupportedFile
from bot.services.documents import html_to_text
from bot.services.readable import decode_unlabelled, looks_binary, reads_as_text
from bot.storage.db import release_connection

logger = logging.getLogger(__name__)

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_USER_AGENT = "Mozilla/5.0 (compatible; newsbot/0.1; +https://github.com/)"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # the final URL, after redirects
    title: str
    text: str
    site: str  # host name, for the source line


# A link "with words around it" is still a link to read when the words are a comment or a
# title («Смотри, что пишут: https://…», a share sheet's «Заголовок\nhttps://…»), not an article.
MAX_LINK_COMMENT_CHARS = 200
_URL = re.compile(r"<?(https?://[^\s<>]+)>?", re.IGNORECASE)


def shared_link(text: str, extra_urls: tuple[str, ...] = ()) -> str | None:
    """The URL of a message whose substance is one link: the link alone, or with a short
    comment or title; None for text with no link, several links or a long text around one.
    `extra_urls` are links hidden behind words (Telegram's text_link entities)."""
    urls = [m.group(1).rstrip(".,;:!?»)") for m in _URL.finditer(text or "")] + list(extra_urls)
    if len(set(urls)) != 1:
        return None
    rest = _URL.sub(" ", text or "")
    if len(" ".join(rest.split())) > MAX_LINK_COMMENT_CHARS:
        return None
    return urls[0]


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries to a host: IPv4-mapped (::ffff:a.b.c.d) and
    IPv4-compatible (::a.b.c.d), 6to4 (2002::/16), Teredo (2001::/32, server and client) and
    NAT64 (64:ff9b::/96, 64:ff9b:1::/48). `http://[2002:7f00:1::]/` is 127.0.0.1 to a host
    with a 6to4 relay: each must be public too."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    low = ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    if any(ip in net for net in _NAT64) or (int(ip) >> 32 == 0 and int(ip) > 1):
        found.append(low)
    return found


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_public(address: str) -> bool:
    """Every address the connection could reach is public: an IPv6 address and the IPv4
    addresses embedded in it (a mapped or compatible one is judged by its IPv4 alone)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _public(ip)
    inner = embedded_ipv4(ip)
    if ip.ipv4_mapped is not None or (int(ip) >> 32 == 0 and int(ip) > 1):
        return all(_public(v4) for v4 in inner)
    return _public(ip) and all(_public(v4) for v4 in inner)


class _GuardedResolver(AbstractResolver):
    """Resolves like aiohttp does, then refuses non-public addresses (checked at connect)."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = DefaultResolver()
        self._allow_private = allow_private

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private and any(not is_public(r["host"]) for r in results):
            raise FetchFailed("private", detail=host)
        return results

    async def close(self) -> None:
        await self._inner.close()


class PageFetcher:
    def __init__(self, *, timeout: float = 10.0, max_bytes: int = 3_000_000,
                 max_redirects: int = 5, allow_private: bool = False) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.allow_private = allow_private

    async def _check_host(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailed("scheme", detail=parts.scheme)
        if self.allow_private:
            return
        host = parts.hostname
        try:
            addresses = [host] if _is_ip(host) else [
                info[4][0] for info in await asyncio.get_running_loop().getaddrinfo(
                    host, parts.port or 443, type=socket.SOCK_STREAM)
            ]
        except socket.gaierror as exc:
            raise FetchFailed("dns", detail=host) from exc
        if not addresses or any(not is_public(a) for a in addresses):
            raise FetchFailed("private", detail=host)

    async def fetch(self, url: str) -> FetchedPage:
        """The page's article text; `FetchFailed` with a reason otherwise.

        The download may take up to `timeout` seconds: the update's connection is given back
        first (`release_connection`)."""
        await release_connection()
        try:
            async with asyncio.timeout(self.timeout):
                final_url, body, content_type, charset = await self._download(url)
        except TimeoutError as exc:
            raise FetchFailed("timeout", detail=urlsplit(url).hostname or "") from exc
        except aiohttp.ClientError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, FetchFailed):
                raise cause from None
            raise FetchFailed("network", detail=type(exc).__name__) from exc
        site = urlsplit(final_url).hostname or ""
        title, text = await page_text(body, content_type, charset, host=site)
        logger.info("fetched host=%s bytes=%d chars=%d", site, len(body), len(text))
        return FetchedPage(url=final_url, title=title, text=text, site=site)

    async def _download(self, url: str) -> tuple[str, bytes, str, str | None]:
        connector = aiohttp.TCPConnector(resolver=_GuardedResolver(self.allow_private),
                                         limit=2, force_close=True)
        headers = {"User-Agent": _USER_AGENT, "Accept": "text/html,text/plain;q=0.9"}
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
            for _hop in range(self.max_redirects + 1):
                await self._check_host(url)
                async with session.get(url, allow_redirects=False) as resp:
                    if resp.status in (301, 302, 303, 307, 308):
                        location = resp.headers.get("Location")
                        if not location:
                            raise FetchFailed("status", detail=str(resp.status))
                        url = urljoin(url, location)
                        continue
                    if resp.status != 200:
                        raise FetchFailed("status", detail=str(resp.status))
                    content_type = resp.content_type or ""
                    if content_type not in _TEXT_TYPES:
                        raise FetchFailed("type", detail=content_type)
                    declared = resp.content_length
                    if declared is not None and declared > self.max_bytes:
                        raise FetchFailed("too_big", detail=str(declared))
                    body = await _read_capped(resp, self.max_bytes)
                    return url, body, content_type, resp.charset
            raise FetchFailed("redirects", detail=str(self.max_redirects))


async def page_text(body: bytes, content_type: str, charset: str | None, *,
                    host: str) -> tuple[str, str]:
    """(title, text) of a downloaded page, held to the test a file is held to: a binary body
    served as text/plain (NUL, control bytes) and a text that does not read as text are
    refused as `FetchFailed("not_text")`, not summarised as gibberish."""
    page = decode_page(body, charset, host=host)
    if looks_binary(page):
        raise FetchFailed("not_text", detail=host)
    if content_type == "text/plain":
        title, text = "", page
    else:
        try:
            title, text = await asyncio.to_thread(html_to_text, page)
        except UnsupportedFile as exc:  # nested too deep to be read
            raise FetchFailed("unreadable", detail=host) from exc
    if not text.strip():
        raise FetchFailed("no_text", detail=host)
    if not reads_as_text(text):
        raise FetchFailed("not_text", detail=host)
    return title, text


async def _read_capped(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise FetchFailed("too_big", detail=f">{limit}")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_page(body: bytes, charset: str | None, *, host: str = "") -> str:
    """The page as text in the charset it declares. A charset Python does not know (a typo, a
    made-up name) raised LookupError and the user got the generic apology: such a page is read
    as UTF-8 when it is valid UTF-8 (a wrong label), else refused as `FetchFailed("charset")`.
    A page that declares none, or UTF-8, is read as a file is (`decode_unlabelled`): UTF-8
    when it mostly is, a few bad bytes dropped, else cp1251; with no label a cp1251 page was
    read as UTF-8 and every letter became «�»."""
    try:
        codec = codecs.lookup(charset or "utf-8")
    except LookupError:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchFailed("charset", detail=f"{host}: {charset}") from None
    if codec.name == "utf-8":
        return decode_unlabelled(body)
    return body.decode(codec.name, errors="replace")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def fetch_settings(settings: Any) -> dict[str, Any]:
    """PageFetcher keyword arguments from `Settings`."""
    return {"timeout": settings.fetch_timeout_seconds, "max_bytes": settings.fetch_max_bytes,
            "max_redirects": settings.fetch_max_redirects,
            "allow_private": settings.fetch_allow_private}
