"""Commands, settings, rate limit, 429 retries and the busy queue, through the real Dispatcher."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import select

from bot.storage.tables import ChatRow
from tests.support import updates as U
from tests.support.routing_engine import BlockingEngine


def _buttons(call) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


async def test_start_and_help_are_russian_with_an_example(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/start", chat_id=chat))
    await harness.feed(U.command("/help", chat_id=chat))
    start, help_ = harness.api.sent_texts(chat)
    assert start.startswith("Здравствуйте, Анна!")
    assert "Пример" in help_ and "Что подписали?" in help_ and len(help_) < 1000


async def test_settings_change_summary_length(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = harness.api.calls_for("sendMessage")[-1]
    assert "Пересказ: <b>короткий</b>" in menu.params["text"]
    await harness.feed(U.callback_query(_buttons(menu)["подробный"], message=menu.result))
    edit = await harness.api.wait_for("editMessageText", timeout=1)
    assert "Пересказ: <b>подробный</b>" in edit.params["text"]
    async with harness.sessionmaker() as session:
        assert (await session.get(ChatRow, chat)).summary_length == "long"
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    assert list(_buttons(summary)) == ["Короче", "Задать вопрос"]


async def test_settings_time_zone_by_button_and_by_name(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings tz Europe/Berlin", chat_id=chat))
    assert "Europe/Berlin" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/settings tz Mars/Olympus", chat_id=chat))
    assert "Не знаю часовой пояс" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.callback_query(_buttons(menu)["Баку"], message=menu.result))
    async with harness.sessionmaker() as session:
        assert (await session.get(ChatRow, chat)).timezone == "Asia/Baku"


async def test_forget_asks_first_then_deletes_only_this_chat(harness, seed_text) -> None:
    chat, other = harness.new_chat(), harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=other))
    await harness.feed(U.command("/forget", chat_id=chat))
    confirm = harness.api.calls_for("sendMessage")[-1]
    assert "Удалить статьи этого чата (1)" in confirm.params["text"]
    await harness.feed(U.callback_query(_buttons(confirm)["Отмена"], message=confirm.result))
    await harness.feed(U.command("/articles", chat_id=chat))
    assert "Последние статьи" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.callback_query(_buttons(confirm)["Да, удалить"], message=confirm.result))
    await harness.feed(U.command("/articles", chat_id=chat))
    assert "Статей пока нет" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/articles", chat_id=other))
    assert "Последние статьи" in harness.api.sent_texts(other)[-1]


async def test_a_message_past_the_rate_limit_is_answered_when_the_wait_ends(
        harness_factory) -> None:
    """3 a second allowed: the 4th and 5th are held (the user is told once to wait) and
    answered when the window lets them through, not dropped (#11)."""
    harness = await harness_factory(user_rate_limit=3, user_rate_window_seconds=1.5)
    chat = harness.new_chat()
    await harness.feed_together(*(U.command("/help", chat_id=chat) for _ in range(5)))
    texts = harness.api.sent_texts(chat)
    assert len(texts) == 6, texts
    assert sum("Слишком много сообщений" in t for t in texts) == 1
    assert sum("Как спросить" in t for t in texts) == 5


async def test_a_flood_past_the_held_messages_is_dropped_quietly(harness_factory) -> None:
    harness = await harness_factory(user_rate_limit=2, user_rate_window_seconds=0.5)
    chat = harness.new_chat()
    await harness.feed_together(*(U.command("/help", chat_id=chat) for _ in range(14)))
    texts = harness.api.sent_texts(chat)
    assert sum("Как спросить" in t for t in texts) == 12  # 2 at once, 10 held, 2 dropped
    assert sum("Слишком много сообщений" in t for t in texts) == 1


async def test_429_is_retried_after_retry_after(harness) -> None:
    chat = harness.new_chat()
    harness.api.fail_next("sendMessage", status=429, retry_after=1)
    await harness.feed(U.command("/help", chat_id=chat))
    sends = [c for c in harness.api.calls if c.method == "sendMessage"]
    assert [c.failed for c in sends] == [True, False]
    assert sends[1].at - sends[0].at >= 0.9


async def test_full_queue_gets_a_polite_busy(harness_factory, embedded_engine,
                                             seed_text) -> None:
    engine = BlockingEngine(embedded_engine)
    harness = await harness_factory(engine=engine, nlp_workers=1, nlp_queue_size=0,
                                    nlp_question_workers=0, nlp_question_queue_size=0)
    chat, other = harness.new_chat(), harness.new_chat()
    article = "Визит в Баку\n\n" + "\n\n".join(seed_text.split("\n\n")[3:7])
    await harness.feed(U.private_text(article, chat_id=chat))
    await harness.feed(U.private_text(article, chat_id=other))
    slow = asyncio.create_task(harness.feed(U.private_text("Кто приехал?", chat_id=chat)))
    await asyncio.to_thread(engine.started.wait, 10)  # the only worker is busy now
    await harness.feed(U.private_text("Что подписали?", chat_id=other))
    assert "Спросите ещё раз через минуту" in harness.api.sent_texts(other)[-1]
    engine.release.set()
    await slow
    assert harness.api.sent_texts(chat)[-1].startswith("<b>Ответ:</b>")


async def test_a_chats_questions_are_answered_in_the_order_asked(harness_factory,
                                                                 embedded_engine,
                                                                 seed_text) -> None:
    """The first question is held up in the engine; the second, sent meanwhile, waits for
    its turn instead of overtaking it (two threads serve questions)."""
    engine = BlockingEngine(embedded_engine)
    harness = await harness_factory(engine=engine, nlp_workers=1, nlp_question_workers=1)
    chat = harness.new_chat()
    article = "Визит в Баку\n\n" + "\n\n".join(seed_text.split("\n\n")[3:7])
    await harness.feed(U.private_text(article, chat_id=chat))
    mark = harness.api.mark()
    first = asyncio.create_task(harness.feed(U.private_text("Кто приехал?", chat_id=chat)))
    await asyncio.to_thread(engine.started.wait, 10)
    second = asyncio.create_task(harness.feed(U.private_text("Что подписали?", chat_id=chat)))
    await asyncio.sleep(1.0)
    assert harness.api.sent_texts(chat, since=mark) == []  # the second did not overtake
    engine.release.set()
    await asyncio.gather(first, second)
    replies = [c for c in harness.api.calls_for("sendMessage", since=mark)
               if c.params.get("chat_id") == chat]
    replied_to = [c.params["reply_parameters"]["message_id"]
                  if "reply_parameters" in c.params else int(c.params["reply_to_message_id"])
                  for c in replies]
    assert len(replies) == 2 and replied_to == sorted(replied_to)  # the first question first
    assert [q for _, q in engine.questions] == ["Кто приехал?", "Что подписали?"]


async def test_link_message_is_fetched_or_refused(harness_factory, seed_text) -> None:
    from aiohttp import web

    body = "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n")[3:7])
    page = f"<html><head><title>Визит</title></head><body><article>{body}</article></body></html>"
    async def news(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/news/1", news)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/news/1"
    try:
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
    finally:
        await runner.cleanup()


def test_run_without_token_explains_what_to_do(capsys) -> None:
    from bot.commands import run as run_command
    from bot.settings import Settings

    code = run_command.run(argparse.Namespace(log_level=None), Settings(_env_file=None,
                                                                        bot_token=None))
    err = capsys.readouterr().err
    assert code == 2
    assert "@BotFather" in err and "python -m bot summarize" in err


async def test_chat_row_created_once_with_defaults(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/help", chat_id=chat))
    await harness.feed(U.command("/help", chat_id=chat))
    async with harness.sessionmaker() as session:
        rows = (await session.scalars(select(ChatRow).where(ChatRow.id == chat))).all()
    assert len(rows) == 1 and rows[0].summary_length == "short" and rows[0].kind == "private"


async def test_group_chatter_does_not_count_towards_the_rate_limit(harness_factory) -> None:
    harness = await harness_factory(user_rate_limit=2)
    group = -1004000 - harness.new_chat()
    for n in range(5):
        await harness.feed(U.group_text(f"Обычная болтовня номер {n}", chat_id=group))
    assert harness.api.sent_texts(group) == []
    await harness.feed(U.command("/help", chat_id=group))
    assert "Пример" in harness.api.sent_texts(group)[-1]
