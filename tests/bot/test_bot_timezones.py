"""Time zones as a user reads them (#28, item 14): the Russian city chosen with its UTC offset
(«Иркутск, UTC+8»), never an IANA id («Asia/Irkutsk») and never two bracketed groups in a row
(«(Asia/Yekaterinburg) (другое время: …)»), in /settings, its button toasts and /subscribe."""

from __future__ import annotations

import re

from tests.support import updates as U

_IANA = re.compile(r"\b(?:Europe|Asia|America|Africa)/\w+")
_TWO_BRACKETS = re.compile(r"\([^()]*\)[^()\n]{0,3}\(")


def _buttons(call) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


async def test_settings_tz_by_city_shows_the_city_and_offset(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings tz Иркутск", chat_id=chat))
    shown = _plain(harness.api.sent_texts(chat)[-1])
    assert "Часовой пояс: Иркутск, UTC+8" in shown
    assert not _IANA.search(shown), shown


async def test_subscribe_with_a_city_and_the_settings_digest_line(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/subscribe 08:00 Екатеринбург", chat_id=chat))
    reply = _plain(harness.api.sent_texts(chat)[-1])
    assert "каждый день в 08:00, Екатеринбург, UTC+5." in reply
    assert not _IANA.search(reply), reply
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = _plain(harness.api.sent_texts(chat)[-1])
    assert "Часовой пояс: Екатеринбург, UTC+5" in menu
    assert "Дайджест: в 08:00, Екатеринбург, UTC+5." in menu
    assert not _IANA.search(menu), menu
    assert not _TWO_BRACKETS.search(menu), menu


async def test_timezone_button_toast_and_redraw_name_the_city(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = harness.api.calls_for("sendMessage")[-1]
    assert "Новосибирск" in _buttons(menu)
    since = len(harness.api.calls)
    await harness.feed(U.callback_query(_buttons(menu)["Новосибирск"], message=menu.result))
    edit = await harness.api.wait_for("editMessageText", timeout=1, since=since)
    assert "Часовой пояс: Новосибирск, UTC+7" in _plain(edit.params["text"])
    toast = harness.api.calls_for("answerCallbackQuery", since=since)[-1]
    assert toast.params.get("text") == "Часовой пояс: Новосибирск, UTC+7"


async def test_a_zone_without_a_russian_name_keeps_its_id_with_the_offset(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings tz Asia/Tokyo", chat_id=chat))
    assert "Asia/Tokyo, UTC+9" in _plain(harness.api.sent_texts(chat)[-1])
