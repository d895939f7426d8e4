"""Kill the bot (SIGKILL), start it again on the same database: nothing is lost.

Also webhook mode: the same bot, registered with `setWebhook`, fed by POSTs with the secret.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import aiohttp

from tests.e2e.conftest import TOKEN, BotProcess, free_port, reply_in
from tests.support import updates as U
from tests.support.fake_bot_api import FakeBotAPI

SIGNED = ("медицинского страхования", "научных изданий", "волоконно-оптических")


async def _settled(api: FakeBotAPI, db: Path) -> None:
    """Wait until the bot has confirmed every update (its next getUpdates carried the offset)
    and marked each done in its inbox: what happens after the kill is then all the restart's."""
    for _ in range(200):
        with sqlite3.connect(db) as conn:
            pending = conn.execute("SELECT count(*) FROM inbox WHERE status = 'pending'").fetchone()
        if api.pending_updates == 0 and pending[0] == 0:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("updates not settled")


async def test_restart_after_kill_keeps_articles_and_answers(tmp_path: Path,
                                                             seed_text: str) -> None:
    api = FakeBotAPI(token=TOKEN)
    await api.start()
    db = tmp_path / "bot.sqlite3"
    chat = 9301
    first = BotProcess(api, db)
    second = BotProcess(api, db)
    try:
        await first.start()
        mark = api.mark()
        api.push_update(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=31))
        summary = await reply_in(api, chat, mark)
        await _settled(api, db)
        await first.kill()
        assert first.proc is not None and first.proc.returncode == -9

        await second.start()
        mark = api.mark()
        api.push_update(U.private_text("Что подписали?", chat_id=chat))
        answer = (await reply_in(api, chat, mark)).params["text"]
        assert all(words in answer for words in SIGNED), answer

        mark = api.mark()  # the summary sent before the kill still maps to its article
        # (a question the seed must answer; the vaguer «Кто встретился?» gets «Касым-Жомарта
        # Токаева» from stop 21's reader, a known miss recorded in the README)
        api.push_update(U.private_text("С кем встретился Али Асадов?", chat_id=chat,
                                       reply_to=summary.result))
        answer = (await reply_in(api, chat, mark)).params["text"]
        assert "Асадов" in answer or "Бектенов" in answer, answer

        mark = api.mark()  # the same article again: summarised before the kill, cached
        api.push_update(U.private_text(seed_text, chat_id=chat))
        again = await reply_in(api, chat, mark)
        assert again.params["text"] == summary.params["text"]
        assert "summary cache hit" in second.output
        assert "summarised hash=" not in second.output
    finally:
        await first.stop()
        await second.stop()
        await api.stop()


def _sample_articles() -> list[str]:
    path = Path(__file__).resolve().parents[1] / "models" / "articles" / "wikinews_sample.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


async def _acknowledged(api: FakeBotAPI, timeout: float = 30.0) -> None:
    """Until the bot confirmed every update: its next getUpdates carried their offset."""
    for _ in range(int(timeout / 0.01)):
        if api.pending_updates == 0:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("updates not acknowledged")


async def test_updates_acknowledged_before_a_kill_are_answered_once_after_restart(
        tmp_path: Path) -> None:
    """kill -9 right after Telegram was told the updates arrived, before most replies were
    sent: the restarted bot finds them in its inbox and answers each exactly once."""
    api = FakeBotAPI(token=TOKEN)
    await api.start()
    db = tmp_path / "bot.sqlite3"
    first = BotProcess(api, db)
    second = BotProcess(api, db)
    chats = list(range(9501, 9509))
    try:
        await first.start()
        for chat, text in zip(chats, _sample_articles(), strict=True):
            api.push_update(U.private_text(text, chat_id=chat))
        await _acknowledged(api)
        await first.kill()
        before = {chat: len(api.sent_texts(chat)) for chat in chats}
        assert sum(before.values()) < len(chats)  # the kill did cut work short

        await second.start()
        deadline = asyncio.get_running_loop().time() + 90
        while any(not api.sent_texts(chat) for chat in chats):
            assert asyncio.get_running_loop().time() < deadline, second.output[-3000:]
            await asyncio.sleep(0.1)
        await asyncio.sleep(3)  # time for a duplicate to show up, were there one
        for chat in chats:
            texts = api.sent_texts(chat)
            assert len(texts) == 1, texts
            assert "<b>Ключевое:</b>" in texts[0]
        assert "running" in second.output and "stored updates again" in second.output
    finally:
        await first.stop()
        await second.stop()
        await api.stop()


async def test_webhook_mode_takes_updates_by_post_with_the_secret(tmp_path: Path) -> None:
    api = FakeBotAPI(token=TOKEN)
    await api.start()
    port = free_port()
    bot = BotProcess(api, tmp_path / "hook.sqlite3", WEBHOOK_URL=f"http://127.0.0.1:{port}",
                     WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port), WEBHOOK_SECRET="s3cret")
    try:
        await bot.start()
        hook = api.calls_for("setWebhook")[-1]
        assert hook.params["url"] == f"http://127.0.0.1:{port}/telegram/webhook"
        assert hook.params["secret_token"] == "s3cret"
        url = hook.params["url"]
        chat = 9401
        async with aiohttp.ClientSession() as http:
            wrong = U.with_id(U.command("/help", chat_id=chat))
            async with http.post(url, json=wrong,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}) as resp:
                assert resp.status == 401
            mark = api.mark()
            update = U.with_id(U.command("/help", chat_id=chat))
            async with http.post(url, json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as resp:
                assert resp.status == 200
            text = (await reply_in(api, chat, mark, timeout=20)).params["text"]
        assert "Пример" in text
        assert len(api.sent_texts(chat)) == 1  # the unauthenticated update did nothing
        assert api.get_updates_calls == 0
    finally:
        code = await bot.stop()
        await api.stop()
    assert code == 0, bot.output[-3000:]  # SIGTERM is a clean shutdown
