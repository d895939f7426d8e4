"""End to end: the bot from the factory long-polls the test Bot API server over HTTP; the digest
scheduler runs inside it on a manual clock. Nothing between the socket and the database is faked.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.digest.clock import ManualClock
from bot.digest.wiring import build_digest_service
from bot.factory import build_bot, build_dispatcher, build_services
from bot.settings import Settings
from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
from bot.storage.repo import Repo
from bot.storage.subscriptions import SubscriptionRepo
from tests.support.fake_bot_api import BOT_USER_ID, FakeBotAPI
from tests.support.updates import callback_query, channel_post, command, private_text

STORIES = json.loads((Path(__file__).with_name("stories.json")).read_text(encoding="utf-8"))
CHANNEL = -1009876
USER = 6001


def story(name: str) -> str:
    article = next(a for a in STORIES["articles"] if a["story"] == name)
    return article["title"] + "\n\n" + article["text"]


@pytest.fixture
async def running_bot(tmp_path: Path, embedded_engine):
    api = FakeBotAPI()  # resolves @username as Telegram does
    await api.start()
    settings = Settings(bot_token=api.token, telegram_api_url=api.base_url,
                        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
                        user_rate_limit=1000, album_window_seconds=0.2, data_dir=tmp_path,
                        _env_file=None)
    db = create_db_engine(settings.resolved_database_url)
    await create_schema(db)
    # Articles are stamped by the real clock, so the manual one starts at the real "now".
    clock = ManualClock(datetime.now(UTC))
    sessionmaker = create_sessionmaker(db)
    services = build_services(settings, embedded_engine, sessionmaker)
    services["digest"] = build_digest_service(settings, services["models"],
                                              clock=clock)
    bot = build_bot(settings, inbox=services["inbox"])
    dp = build_dispatcher(settings, engine=embedded_engine, sessionmaker=sessionmaker,
                          services=services)
    dp["digest_tick_seconds"] = 0.2
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False,
                                                   close_bot_session=False, polling_timeout=1))
    yield api, dp, clock
    await dp.stop_polling()
    await asyncio.wait_for(polling, 10)
    services["executor"].shutdown()
    await bot.session.close()
    await api.stop()
    await db.dispose()


def digests(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [t for t in api.sent_texts(chat_id) if t.startswith("<b>Дайджест")]


async def subscribe_in_an_hour(api: FakeBotAPI, clock: ManualClock) -> datetime:
    """/subscribe at the Moscow wall time an hour from the clock; returns that instant (UTC)."""
    due = (clock() + timedelta(hours=1)).replace(second=0, microsecond=0)
    local = due.astimezone(ZoneInfo("Europe/Moscow"))
    mark = api.mark()
    api.push_update(command(f"/subscribe {local:%H:%M}", chat_id=USER))
    reply = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                               since=mark)
    assert f"{local:%H:%M}" in reply.params["text"] and "Москва, UTC+3" in reply.params["text"]
    return due


async def article_count(dp: Any) -> int:
    async with dp["sessionmaker"]() as session:
        return await Repo(session).articles.count(USER)


async def wait_until(probe: Any, expected: Any, timeout: float = 60.0) -> None:
    """Poll `await probe()` until it returns `expected` (updates are handled as tasks)."""
    for _ in range(int(timeout / 0.1)):
        if await probe() == expected:
            return
        await asyncio.sleep(0.1)
    assert await probe() == expected


async def tick_at(dp: Any, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    dp["digest_scheduler"].wake()
    await asyncio.sleep(0.4)


async def test_subscribe_then_the_digest_arrives_once_at_its_time(running_bot) -> None:
    api, dp, clock = running_bot
    due = await subscribe_in_an_hour(api, clock)
    # A channel becomes a source; its post is stored as this chat's article.
    api.set_chat(CHANNEL, {"id": CHANNEL, "type": "channel", "title": "Вести",
                           "username": "vesti"})
    api.set_member(CHANNEL, BOT_USER_ID, "administrator")
    api.set_member(CHANNEL, USER, "creator")
    mark = api.mark()
    api.push_update(command("/source @vesti", chat_id=USER))
    added = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                               since=mark)
    assert "добавлен" in added.params["text"]
    api.push_update(channel_post(story("belgium"), channel_id=CHANNEL, title="Вести",
                                 username="vesti"))
    await wait_until(lambda: article_count(dp), 1)
    await tick_at(dp, clock, due - timedelta(minutes=1))
    assert digests(api, USER) == []  # a minute early: nothing
    clock.set(due + timedelta(seconds=10))
    dp["digest_scheduler"].wake()
    sent = await api.wait_for("sendMessage", lambda c: str(c.params.get("text", "")).startswith(
        "<b>Дайджест"), 60)
    assert "Альберт II" in sent.params["text"] and "https://t.me/vesti/" in sent.params["text"]
    for minutes in (1, 2, 3):  # more ticks in the same period send nothing more
        await tick_at(dp, clock, due + timedelta(minutes=minutes))
    assert len(digests(api, USER)) == 1


async def test_blocked_user_is_paused_and_resumed_when_writing_again(running_bot) -> None:
    api, dp, clock = running_bot
    due = await subscribe_in_an_hour(api, clock)
    mark = api.mark()
    api.push_update(private_text(story("cuba"), chat_id=USER))
    await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 60, since=mark)
    await wait_until(lambda: article_count(dp), 1)
    await asyncio.sleep(0.5)  # let the summary's follow-ups (buttons) go out first
    api.fail_next("sendMessage", status=403)
    clock.set(due + timedelta(seconds=10))
    dp["digest_scheduler"].wake()

    async def paused_reason() -> str | None:
        async with dp["sessionmaker"]() as session:
            sub = await SubscriptionRepo(session).get(USER)
            assert sub is not None
            return sub.paused_reason

    await wait_until(paused_reason, "blocked")
    await tick_at(dp, clock, due + timedelta(days=1, seconds=10))
    assert digests(api, USER) == []  # paused: the next day's digest is not even tried
    mark = api.mark()
    api.push_update(command("/help", chat_id=USER))  # the user writes again
    await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30, since=mark)
    assert await paused_reason() is None
    # Articles carry real timestamps, two manual days ago by now; an empty day's line proves
    # that delivery resumed.
    dp["digest"].options = replace(dp["digest"].options, send_empty=True)
    mark = api.mark()
    await tick_at(dp, clock, due + timedelta(days=2, seconds=10))
    resumed = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                                 since=mark)
    assert resumed.params["text"] == "За этот период новых статей не было."


async def test_bad_time_or_zone_gets_a_clear_message(running_bot) -> None:
    api, dp, _clock = running_bot
    replies = []
    for text in ("/subscribe 25:00", "/subscribe 08:00 Mars/Olympus"):
        mark = api.mark()
        api.push_update(command(text, chat_id=USER))
        reply = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                                   since=mark)
        replies.append(reply.params["text"])
    assert "«25:00»" in replies[0] and "/subscribe 08:30" in replies[0]
    assert "«Mars/Olympus»" in replies[1] and "Asia/Almaty" in replies[1]
    async with dp["sessionmaker"]() as session:
        assert await SubscriptionRepo(session).get(USER) is None  # nothing half-saved


async def test_settings_show_the_digest_and_a_zone_change_moves_it(running_bot) -> None:
    api, dp, clock = running_bot
    mark = api.mark()
    api.push_update(command("/subscribe 08:00 Asia/Almaty", chat_id=USER))
    reply = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                               since=mark)
    assert "Алматы, UTC+" in reply.params["text"]  # the city, not «Asia/Almaty» (#28, 14)
    mark = api.mark()
    api.push_update(command("/settings tz Europe/Berlin", chat_id=USER))
    shown = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                               since=mark)
    assert "Дайджест: в <b>08:00</b>, Europe/Berlin, UTC+" in shown.params["text"]

    async def zone() -> str | None:
        async with dp["sessionmaker"]() as session:
            found = await SubscriptionRepo(session).get(USER)
        return found.timezone if found else None

    # the reply goes out before the middleware commits the handler's session: wait for the row
    await wait_until(zone, "Europe/Berlin")
    async with dp["sessionmaker"]() as session:
        sub = await SubscriptionRepo(session).get(USER)
    assert sub is not None and sub.timezone == "Europe/Berlin"
    local = sub.next_due_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{local:%H:%M}" == "08:00" and sub.next_due_at > clock()


async def test_settings_button_turns_the_digest_on_at_that_time(running_bot) -> None:
    api, dp, _clock = running_bot
    mark = api.mark()
    api.push_update(command("/settings", chat_id=USER))
    shown = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                               since=mark)
    assert "Дайджест: выключен" in shown.params["text"]
    buttons = [b for row in shown.params["reply_markup"]["inline_keyboard"] for b in row]
    at_21 = next(b for b in buttons if b["text"] == "21:00")
    message = {**shown.result, "chat": {"id": USER, "type": "private", "first_name": "User"}}
    mark = api.mark()
    api.push_update(callback_query(at_21["callback_data"], message=message, user_id=USER))
    await api.wait_for("editMessageText", None, 30, since=mark)

    async def schedule() -> tuple[bool, str] | None:
        # the handler edits the message before its session commits (after the handler returns)
        async with dp["sessionmaker"]() as session:
            sub = await SubscriptionRepo(session).get(USER)
        return None if sub is None else (sub.active, sub.time_of_day)

    await wait_until(schedule, (True, "21:00"))


def membership(status: str) -> dict[str, Any]:
    """What Telegram sends when the user blocks ("kicked") or unblocks ("member") the bot."""
    bot_user = {"id": BOT_USER_ID, "is_bot": True, "first_name": "Newsbot"}
    old = "member" if status == "kicked" else "kicked"
    member = {"user": bot_user, "status": status}
    if status == "kicked":
        member["until_date"] = 0
    old_member = {"user": bot_user, "status": old, **({"until_date": 0} if old == "kicked"
                                                         else {})}
    return {"my_chat_member": {
        "chat": {"id": USER, "type": "private", "first_name": "Анна"},
        "from": {"id": USER, "is_bot": False, "first_name": "Анна"},
        "date": int(datetime.now(UTC).timestamp()),
        "old_chat_member": old_member, "new_chat_member": member,
    }}


async def test_block_and_unblock_events_pause_and_resume_at_once(running_bot) -> None:
    api, dp, clock = running_bot
    await subscribe_in_an_hour(api, clock)

    async def paused_reason() -> str | None:
        async with dp["sessionmaker"]() as session:
            sub = await SubscriptionRepo(session).get(USER)
            return sub.paused_reason if sub else "missing"

    api.push_update(membership("kicked"))
    await wait_until(paused_reason, "blocked")
    api.push_update(membership("member"))
    await wait_until(paused_reason, None)


async def test_digest_now_lists_the_chat_articles_and_keeps_the_schedule(running_bot) -> None:
    api, dp, clock = running_bot
    mark = api.mark()
    api.push_update(command("/digest", chat_id=USER))
    empty = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER, 30,
                               since=mark)
    assert empty.params["text"] == "За этот период новых статей не было."
    api.push_update(command("/subscribe 09:00", chat_id=USER))
    for count, name in enumerate(("belgium", "drones"), start=1):  # apart: not one paste
        api.push_update(private_text(story(name), chat_id=USER))
        await wait_until(lambda: article_count(dp), count)
    clock.set(datetime.now(UTC))  # articles carry real timestamps; the manual clock catches up
    mark = api.mark()
    api.push_update(command("/digest", chat_id=USER))
    sent = await api.wait_for("sendMessage", lambda c: str(c.params["text"]).startswith(
        "<b>Дайджест"), 60, since=mark)
    assert sent.params["text"].count("\n• ") == 2 and "2 статьи" in sent.params["text"]
    async with dp["sessionmaker"]() as session:
        sub = await SubscriptionRepo(session).get(USER)
    assert sub is not None and sub.last_sent_at is None  # the 09:00 digest will list them too
