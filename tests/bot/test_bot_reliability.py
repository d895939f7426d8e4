"""Under pressure nothing is lost: a burst on a one-connection pool, Telegram failing the
replies for a while. Through the real Dispatcher, the embedded engine and the test Bot API
server; the stored-update (inbox) paths run in tests/e2e with a real bot process."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.factory import build_bot, build_dispatcher, build_services
from bot.storage.db import create_schema, create_sessionmaker
from tests.bot.conftest import make_settings
from tests.support import updates as U
from tests.support.fake_bot_api import FakeBotAPI

SAMPLE = Path(__file__).resolve().parents[1] / "models" / "articles" / "wikinews_sample.jsonl"


def _articles() -> list[str]:
    return [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


class HoldTimes:
    """How long each pooled connection was out, from the pool's own checkout/checkin events."""

    def __init__(self, engine) -> None:
        self.out: dict[int, float] = {}
        self.longest = 0.0
        event.listen(engine.sync_engine, "checkout", self._checkout)
        event.listen(engine.sync_engine.pool, "checkin", self._checkin)

    def _checkout(self, _dbapi, record, _proxy) -> None:
        self.out[id(record)] = time.monotonic()

    def _checkin(self, _dbapi, record) -> None:
        started = self.out.pop(id(record), None)
        if started is not None:
            self.longest = max(self.longest, time.monotonic() - started)


async def test_a_burst_does_not_hold_the_database_pool(harness_factory) -> None:
    """The one model worker is busy for 3 s (another user's long article) when eight articles,
    eight questions and eight /start arrive, on a pool of ONE connection: each update borrows it
    only for its queries, never while it waits for the model or Telegram, so nobody waits for
    a connection and everyone gets their reply."""
    harness = await harness_factory(db_pool_size=1, db_max_overflow=0, db_pool_timeout=20.0,
                                    nlp_queue_size=64)
    holds = HoldTimes(harness.sessionmaker.kw["bind"])
    articles = _articles()
    readers = [harness.new_chat() for _ in articles]
    askers = [harness.new_chat() for _ in articles]
    updates = []
    for reader, asker, text in zip(readers, askers, articles, strict=True):
        updates += [U.private_text(text, chat_id=reader), U.command("/start", chat_id=asker),
                    U.private_text("О чём статья?", chat_id=asker)]
    mark = harness.api.mark()
    started = time.monotonic()
    long_job = asyncio.create_task(harness.dp["executor"].run(time.sleep, 3.0))
    await asyncio.sleep(0.05)
    await harness.feed_together(*updates)
    await long_job
    took = time.monotonic() - started
    for reader, asker in zip(readers, askers, strict=True):
        summary = harness.api.sent_texts(reader, since=mark)
        assert len(summary) == 1 and "<b>Ключевое:</b>" in summary[0], summary
        greeting, no_article = harness.api.sent_texts(asker, since=mark)
        assert "сначала пришлите статью" in no_article
    assert took > 3.0  # the model work really queued
    assert holds.longest < 1.5, (holds.longest, took)  # it was the whole 3 s wait before


@pytest.fixture
async def polling_bot(tmp_path: Path, embedded_engine):
    """The bot as `run_app` wires it (inbox, retries), polling the test Bot API server, with a
    3 s Bot API retry deadline so that a longer outage sends updates back to the inbox."""
    api = FakeBotAPI()
    await api.start()
    settings = make_settings(api, tmp_path / "bot.sqlite3", telegram_retry_seconds=3.0)
    db = settings.create_db_engine()
    await create_schema(db)
    sessionmaker = create_sessionmaker(db)
    services = build_services(settings, embedded_engine, sessionmaker)
    bot = build_bot(settings, inbox=services["inbox"])
    dp = build_dispatcher(settings, engine=embedded_engine, sessionmaker=sessionmaker,
                          services=services)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False,
                                                   close_bot_session=False, polling_timeout=1))
    while api.get_updates_calls == 0:  # started: commands set, the inbox's loop running
        await asyncio.sleep(0.05)
    yield api, services["inbox"]
    await dp.stop_polling()
    await polling
    services["executor"].shutdown()
    await bot.session.close()
    await api.stop()
    await db.dispose()


@pytest.mark.parametrize("fault", [
    {"status": 500}, {"status": 429, "retry_after": 2}, {"delay": 5.0},
], ids=["500s", "429s", "5s-delays"])
async def test_every_update_is_answered_once_a_telegram_outage_ends(polling_bot, fault) -> None:
    """Eight seconds of the fault on every method: replies that cannot be sent within the 3 s
    retry deadline go back to the inbox and are sent when Telegram answers again, once each."""
    api, inbox = polling_bot
    chats = [9601, 9602, 9603]
    api.outage(8.0, **fault)
    api.push_update(U.command("/start", chat_id=chats[0]))
    api.push_update(U.command("/help", chat_id=chats[1]))
    api.push_update(U.private_text("Что подписали?", chat_id=chats[2]))  # no article yet
    for _ in range(400):
        if all(api.sent_texts(chat) for chat in chats):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.5)  # a duplicate would show up by now
    for chat in chats:
        assert len(api.sent_texts(chat)) == 1, api.sent_texts(chat)
    assert "сначала пришлите статью" in api.sent_texts(chats[2])[0]
    assert await inbox.store.counts() == {"done": 3}


def _long_article(seed_text: str, chars: int = 199_000) -> str:
    """The test articles again and again up to `chars`, the seed last: a 200,000-character
    paste of the largest size the bot accepts, with a known answer at its very end."""
    others = _articles() + [(SAMPLE.parents[2] / "support" / "articles" / "wikinews_100084.txt")
                            .read_text(encoding="utf-8")]
    body = ""
    while len(body) < chars:
        body += "\n\n".join(others) + "\n\n"
    body = body[:chars - len(seed_text) - 2]
    return body[:body.rfind("\n")].rstrip() + "\n\n" + seed_text


async def test_the_largest_article_is_summarised_whole_and_answered_to_its_end(
        harness, seed_text) -> None:
    """A 199,000-character file (the most the bot takes): one summary, key facts, and a
    question about its last paragraphs answered from them; `python -m bot benchmark --article`
    on such a file prints the times."""
    chat = harness.new_chat()
    text = _long_article(seed_text)
    harness.api.add_file("long", text.encode("utf-8"), "documents/long.txt")
    mark = harness.api.mark()
    await harness.feed(U.document("long", "long.txt", size=len(text.encode("utf-8")),
                                  chat_id=chat))
    replies = harness.api.sent_texts(chat, since=mark)
    assert len(replies) == 1 and "<b>Ключевое:</b>" in replies[0], replies
    mark = harness.api.mark()
    # the short «Что подписали?» is answered on the seed alone (test_reader); in this text it
    # may take the seed's other signing (the COP29 agreement), also in its last paragraphs
    await harness.feed(U.private_text("Что подписали по итогам переговоров?", chat_id=chat))
    answer = harness.api.sent_texts(chat, since=mark)[0]
    assert "медицинского страхования" in answer, answer


async def test_a_question_right_after_a_forward_waits_for_that_article(harness, seed_text
                                                                        ) -> None:
    """The forward is still in the joiner's window and then being summarised when the question
    is handled: the question waits and is answered from it, never "send an article first"."""
    chat = harness.new_chat()
    mark = harness.api.mark()
    await harness.feed_together(U.forwarded_channel_post(seed_text, chat_id=chat),
                                U.private_text("Где прошла встреча?", chat_id=chat))
    summary, answer = harness.api.sent_texts(chat, since=mark)
    assert "<b>Ключевое:</b>" in summary
    assert answer.startswith("<b>Ответ:</b>") and "Баку" in answer, answer
