"""The last unhandled inputs (#27, items 6-9), through the real Dispatcher and the test Bot API
server: each gets its own clear reply, never the generic apology, and a link into our own
network is refused before any connection, however the address is spelled."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.support import updates as U
from tests.support.pages import page_server

PRIVATE = "во внутреннюю сеть"


@contextlib.asynccontextmanager
async def _page_server(body: bytes, content_type: str) -> AsyncIterator[str]:
    """A page server on 127.0.0.1 serving `body` as `content_type`: its URL."""
    async def page(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type})

    async with page_server(web.get("/news", page)) as base:
        yield f"{base}/news"


@pytest.fixture
async def loopback_site() -> AsyncIterator[tuple[int, list[str]]]:
    """A page server on 127.0.0.1: its port, and the paths it was asked for."""
    asked: list[str] = []

    async def page(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(text="<html><body><p>Секрет внутренней сети.</p></body></html>",
                            content_type="text/html")

    async with page_server(web.get("/{tail:.*}", page)) as base:
        yield int(base.rsplit(":", 1)[1]), asked


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


# --- item 7: malformed button data and an unknown page charset ---------------------------------

MALFORMED_CALLBACKS = [
    "sum:99999999999999999999:short", "sum:-99999999999999999999:short",
    "sum:9223372036854775808:short", "ask:99999999999999999999", "ask:-9223372036854775809",
    "ask:1" + "0" * 60, "sum:0:short", "ask:-1", "ask:٥", "ask:1_000", "ask: 5", "ask:1e3",
    "sum:abc:short", "sum:1:huge", "sum:1", "sum::", "sum", "ask:", "ask:1:2",
    "forget:maybe", "forget:", "kind:2", "kind", "set:len", "set:len:gigantic",
    "set:tz:Mars/Olympus", "set:tz:", "set:digest:", "set:digest:25:99", "set:zzz:1",
    "zzz:1", "", ":", "::::", "x" * 64, "sum:1:short\n", "ask:\x00",
]


@pytest.mark.parametrize("data", MALFORMED_CALLBACKS)
async def test_every_malformed_button_gets_a_clear_answer_and_no_traceback(
        harness, caplog: pytest.LogCaptureFixture, data: str) -> None:
    """A button whose id does not fit SQLite's integer ended in the generic apology and an
    ERROR traceback (OverflowError); every shape of hand-made data now gets one clear answer."""
    from handlers.errors import APOLOGY

    chat = harness.new_chat()
    mark = harness.api.mark()
    with caplog.at_level("WARNING"):
        await harness.feed(U.callback_query(data, message=U.bot_message(chat, 900)))
    answers = harness.api.calls_for("answerCallbackQuery", since=mark)
    assert len(answers) == 1, answers
    said = [answers[0].params.get("text", "")] + harness.api.sent_texts(chat, since=mark)
    assert APOLOGY not in said and any(said), said
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param("Визит премьер-министра в Баку. ".encode("cp1251") * 20,
                 "кодировке, которую я не знаю", id="not-utf8"),
    pytest.param(("<html><body><article>" + "<p>Премьер-министр Али Асадов встретился с "
                  "казахстанским коллегой в Баку, стороны подписали документы.</p>" * 6 +
                  "</article></body></html>").encode("utf-8"),
                 "<b>Ключевое:</b>", id="utf8-mislabelled"),
])
async def test_a_page_in_an_unknown_charset_gets_its_own_answer(
        harness_factory, caplog: pytest.LogCaptureFixture, body: bytes, expected: str) -> None:
    """`Content-Type: text/html; charset=x-no-such-charset` raised LookupError: the generic
    apology and an ERROR traceback. Now a UTF-8 page with a wrong label is read, any other
    is refused in plain words."""
    harness = await harness_factory(fetch_allow_private=True)
    chat = harness.new_chat()
    async with _page_server(body, "text/html; charset=x-no-such-charset") as url:
        with caplog.at_level("WARNING"):
            await harness.feed(U.private_text(url, chat_id=chat))
    [reply] = harness.api.sent_texts(chat)
    assert expected in reply, reply
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


# --- item 9: a page nested too deep to parse ---------------------------------------------------

DEEP = ("<html><body>" + "<div>" * 30_000 + "<p>" + "Премьер-министр Али Асадов встретился с "
        "казахстанским коллегой в Баку. " * 10 + "</p>" + "</div>" * 30_000 + "</body></html>")


async def test_an_html_file_nested_30000_deep_is_said_to_be_unreadable(harness) -> None:
    """It was refused as «Слишком короткий текст»: the parser stops at 256 levels and the text
    below is lost. Now the user hears that the file could not be read, and why."""
    chat = harness.new_chat()
    data = DEEP.encode("utf-8")
    harness.api.add_file("deep", data, "documents/deep.html")
    await harness.feed(U.document("deep", "deep.html", size=len(data), chat_id=chat,
                                  mime_type="text/html"))
    [reply] = harness.api.sent_texts(chat)
    assert reply.startswith("Не удалось прочитать этот файл"), reply
    assert "короткий" not in reply


async def test_a_page_nested_30000_deep_is_said_to_be_unreadable(harness_factory) -> None:
    harness = await harness_factory(fetch_allow_private=True)
    chat = harness.new_chat()
    async with _page_server(DEEP.encode("utf-8"), "text/html; charset=utf-8") as url:
        await harness.feed(U.private_text(url, chat_id=chat))
    [reply] = harness.api.sent_texts(chat)
    assert reply.startswith("Не удалось прочитать эту страницу"), reply


# --- item 6: bytes that are not text -----------------------------------------------------------

ARTICLE = (
    "Правительство Казахстана утвердило программу строительства новых школ в Шымкенте. "
    "Как сообщили в министерстве просвещения, до конца следующего года в городе откроют "
    "двенадцать школ на тридцать шесть тысяч учеников. Строительство финансируется из "
    "республиканского бюджета, на него выделено около ста миллиардов тенге.\n\n"
    "Аким Шымкента Габит Сыздыкбеков заявил, что первые четыре школы примут учеников уже "
    "первого сентября. По его словам, в новых зданиях предусмотрены спортивные залы, "
    "лаборатории и столовые. Подрядчиков выбирали на открытом конкурсе.\n\n"
    "В министерстве напомнили, что нехватка мест в школах Шымкента — одна из самых острых "
    "в стране: многие дети учатся в три смены. Программа должна решить эту проблему к "
    "концу двадцать седьмого года.\n"
)
NOT_TEXT = "не похож на текст"
NOT_TEXT_PAGE = "не похожа на текст"


def _with_bad_bytes(data: bytes) -> bytes:
    """The UTF-8 article with three bytes that are not UTF-8, dropped between its words."""
    cuts = [data.index(b" ", len(data) * n // 4) for n in (1, 2, 3)]
    for cut in reversed(cuts):
        data = data[:cut] + b"\xff" + data[cut:]
    return data


def _random_bytes(low: int, size: int = 20_000) -> bytes:
    rng = random.Random(27)
    return bytes(rng.randrange(low, 0x100) for _ in range(size))


def _random_high_bytes() -> bytes:
    """20 KB of bytes 0x80-0xFF: read as cp1251, three in four are «letters»."""
    return _random_bytes(0x80)


async def _send_file(harness, data: bytes, name: str) -> str:
    chat = harness.new_chat()
    harness.api.add_file(name, data, f"documents/{name}")
    await harness.feed(U.document(name, name, size=len(data), chat_id=chat))
    [reply] = harness.api.sent_texts(chat)
    return reply


async def test_a_utf8_file_with_a_few_bad_bytes_is_read_as_utf8(harness) -> None:
    """Three stray bytes made the whole file cp1251: «РџСЂР°РІ…» was summarised. Now a file
    that is mostly UTF-8 is read as UTF-8, the stray bytes dropped."""
    reply = await _send_file(harness, _with_bad_bytes(ARTICLE.encode("utf-8")), "schools.txt")
    assert "Шымкент" in reply, reply
    assert "Р°" not in reply and "\ufffd" not in reply, reply


async def test_a_cp1251_file_is_still_read(harness) -> None:
    reply = await _send_file(harness, ARTICLE.encode("cp1251"), "schools-1251.txt")
    assert "Шымкент" in reply, reply


async def test_random_high_bytes_named_txt_are_not_summarised(harness) -> None:
    """20 KB of random bytes 0x80-0xFF read as cp1251 are «letters», and were summarised as
    gibberish. Now the text must read as text: the polite refusal, no summary."""
    reply = await _send_file(harness, _random_high_bytes(), "notes.txt")
    assert NOT_TEXT in reply, reply
    assert "Ключевое" not in reply


BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(0)


@pytest.mark.parametrize(("body", "content_type"), [
    pytest.param(BINARY, "text/plain", id="binary-as-text-plain"),
    pytest.param(BINARY, "text/plain; charset=utf-8", id="binary-as-utf8-text"),
    pytest.param(_random_high_bytes(), "text/plain", id="random-high-bytes"),
])
async def test_a_page_that_is_not_text_is_refused(harness_factory, body: bytes,
                                                   content_type: str) -> None:
    """A binary body served as text/plain went to the summariser (the link path never looked
    for NUL and control bytes), random high bytes came back as a gibberish summary. Now a page
    is held to the same test as a file."""
    harness = await harness_factory(fetch_allow_private=True)
    chat = harness.new_chat()
    async with _page_server(body, content_type) as url:
        await harness.feed(U.private_text(url, chat_id=chat))
    [reply] = harness.api.sent_texts(chat)
    assert NOT_TEXT_PAGE in reply, reply
    assert "Ключевое" not in reply


async def test_a_cp1251_page_with_no_charset_is_read(harness_factory) -> None:
    """With no charset declared a cp1251 page was read as UTF-8: every letter a «�». Now an
    unlabelled page is read as a file is: UTF-8 when it mostly is, else cp1251."""
    harness = await harness_factory(fetch_allow_private=True)
    chat = harness.new_chat()
    async with _page_server(ARTICLE.encode("cp1251"), "text/plain") as url:
        await harness.feed(U.private_text(url, chat_id=chat))
    [reply] = harness.api.sent_texts(chat)
    assert "Шымкент" in reply, reply
