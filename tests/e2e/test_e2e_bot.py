"""The real bot process, polling the test Bot API server, driven by realistic updates.

One process serves the whole module (each test uses its own chat), as one bot serves many
users; the updates, files and pages all travel over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web

from tests.e2e.conftest import TOKEN, BotProcess, buttons, reply_in
from tests.support import updates as U
from tests.support.fake_bot_api import BOT_USERNAME, FakeBotAPI
from tests.support.pages import page_server

pytestmark = pytest.mark.asyncio(loop_scope="module")
SIGNED = ("медицинского страхования", "научных изданий", "волоконно-оптических")
_chats = iter(range(9101, 9200))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api():
    server = FakeBotAPI(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory):
    process = BotProcess(api, tmp_path_factory.mktemp("e2e") / "bot.sqlite3")
    await process.start()
    yield process
    await process.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def news_site(seed_text: str):
    """A news page on 127.0.0.1, as a link in a message would point to."""
    paragraphs = "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n")[3:])
    page = ("<html><head><title>Асадов встретился с Бектеновым</title></head><body>"
            "<nav>Главная | Политика</nav><article><h1>Асадов встретился с Бектеновым</h1>"
            f"{paragraphs}</article><footer>© Новости</footer></body></html>")

    async def article(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    async with page_server(web.get("/politics/asadov-bektenov", article)) as base:
        yield base


async def test_bot_starts_polling_and_registers_commands(api: FakeBotAPI, bot: BotProcess
                                                         ) -> None:
    assert api.calls_for("getMe") and api.calls_for("deleteWebhook")
    commands = await api.wait_for("setMyCommands", timeout=10)
    assert {"help", "ask", "articles", "settings", "forget"} <= {
        c["command"] for c in commands.params["commands"]}


async def test_forwarded_post_then_seed_question(api: FakeBotAPI, bot: BotProcess,
                                                 seed_text: str) -> None:
    chat = next(_chats)
    mark = api.mark()
    api.push_update(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=4512))
    summary = await reply_in(api, chat, mark)
    text = summary.params["text"]
    assert text.startswith("<b>Премьер-министр Али Асадов встретился с казахстанским коллегой</b>")
    assert "<b>Ключевое:</b>" in text and "Асадов" in text
    assert '<a href="https://t.me/azertac/4512">АЗЕРТАДЖ</a>' in text
    assert set(buttons(summary)) == {"Подробнее", "Задать вопрос"}
    # ("typing…" only for a reply slower than half a second, which this one may not be:
    # tests/bot/test_bot_model_queue.py holds an answer up to see it)

    mark = api.mark()
    api.push_update(U.private_text("Что подписали?", chat_id=chat))
    answer = (await reply_in(api, chat, mark)).params["text"]
    assert answer.startswith("<b>Ответ:</b>") and "<i>Из статьи:</i> «" in answer
    assert all(words in answer for words in SIGNED), answer


async def test_seed_pasted_as_two_messages_is_one_article(api: FakeBotAPI, bot: BotProcess,
                                                          seed_text: str) -> None:
    chat = next(_chats)
    cut = seed_text.rindex("\n", 0, 4096)
    mark = api.mark()
    api.push_update(U.private_text(seed_text[:cut], chat_id=chat))
    await asyncio.sleep(0.3)  # the client sends the second half a moment later
    api.push_update(U.private_text(seed_text[cut + 1:], chat_id=chat))
    first = await reply_in(api, chat, mark)
    await asyncio.sleep(1.5)  # nothing more may come: one reply per article
    replies = [c for c in api.calls_for("sendMessage", since=mark)
               if c.params["chat_id"] == chat]
    assert replies == [first] and "<b>Ключевое:</b>" in first.params["text"]

    mark = api.mark()
    api.push_update(U.command("/ask Что подписали?", chat_id=chat))
    answer = (await reply_in(api, chat, mark)).params["text"]
    assert all(words in answer for words in SIGNED), answer  # the tail half is in the article


async def test_seed_as_txt_document_via_get_file(api: FakeBotAPI, bot: BotProcess,
                                                 seed_text: str) -> None:
    chat = next(_chats)
    data = seed_text.encode("utf-8")
    api.add_file("seed-txt", data, "documents/file_7.txt")
    mark = api.mark()
    api.push_update(U.document("seed-txt", "asadov.txt", size=len(data), chat_id=chat))
    text = (await reply_in(api, chat, mark)).params["text"]
    assert api.calls_for("getFile", since=mark)
    assert "<b>Ключевое:</b>" in text and "Источник: файл asadov.txt" in text


async def test_link_to_a_page_on_localhost(api: FakeBotAPI, bot: BotProcess,
                                           news_site: str) -> None:
    chat = next(_chats)
    url = f"{news_site}/politics/asadov-bektenov"
    mark = api.mark()
    api.push_update(U.private_text(url, chat_id=chat))
    text = (await reply_in(api, chat, mark)).params["text"]
    assert text.startswith("<b>Асадов встретился с Бектеновым</b>")
    assert f'Источник: <a href="{url}">127.0.0.1</a>' in text


async def test_questions_as_text_and_as_replies(api: FakeBotAPI, bot: BotProcess,
                                                seed_text: str, second_article: str) -> None:
    chat = next(_chats)
    mark = api.mark()
    api.push_update(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=1))
    seed_summary = await reply_in(api, chat, mark)
    mark = api.mark()
    api.push_update(U.private_text(second_article, chat_id=chat))
    await reply_in(api, chat, mark)

    mark = api.mark()  # plain text: about the latest article
    api.push_update(U.private_text("Когда прошёл круглый стол?", chat_id=chat))
    answer = (await reply_in(api, chat, mark)).params["text"]
    assert "30 марта 2016" in answer and "беспилотные автомобили" in answer  # names the article

    mark = api.mark()  # a reply to the seed's summary: about the seed
    api.push_update(U.private_text("Что подписали?", chat_id=chat, reply_to=seed_summary.result))
    answer_call = await reply_in(api, chat, mark)
    assert all(words in answer_call.params["text"] for words in SIGNED)

    mark = api.mark()  # a reply to that answer: still the seed
    api.push_update(U.private_text("А кто встретился?", chat_id=chat,
                                   reply_to=answer_call.result))
    answer = (await reply_in(api, chat, mark)).params["text"]
    assert "Асадов" in answer or "Бектенов" in answer, answer


async def test_group_answers_only_when_mentioned(api: FakeBotAPI, bot: BotProcess,
                                                 seed_text: str) -> None:
    group = -1009100
    mention = f"@{BOT_USERNAME}"
    origin = {"type": "channel", "chat": {"id": -1001234567, "type": "channel",
                                          "title": "АЗЕРТАДЖ", "username": "azertac"},
              "message_id": 88, "date": 1740000000}
    mark = api.mark()
    api.push_update(U.group_text(mention, chat_id=group, mention=mention))
    api.push_update(U.group_text(seed_text, chat_id=group, forward_origin=origin))
    summary = await reply_in(api, group, mark)
    assert "https://t.me/azertac/88" in summary.params["text"]

    mark = api.mark()
    api.push_update(U.group_text("Что подписали?", chat_id=group))  # not for the bot
    api.push_update(U.group_text(f"{mention} Что подписали?", chat_id=group, mention=mention))
    answer = await reply_in(api, group, mark)
    assert all(words in answer.params["text"] for words in SIGNED)
    await asyncio.sleep(1.0)
    assert len([c for c in api.calls_for("sendMessage", since=mark)
                if c.params["chat_id"] == group]) == 1


async def _pressed_once(api: FakeBotAPI, data: str, shown: dict) -> None:
    """Press `data` on `shown` and wait for the press's answer."""
    press = U.callback_query(data, message=shown)
    query_id = press["callback_query"]["id"]
    mark = api.mark()
    api.push_update(press)
    await api.wait_for("answerCallbackQuery",
                       lambda c: c.params.get("callback_query_id") == query_id, 30, since=mark)


async def test_every_kind_of_button_is_answered_once_by_the_real_process(
        api: FakeBotAPI, bot: BotProcess, seed_text: str) -> None:
    """Summary, list, settings, «новость или вопрос?», /forget and stale buttons, pressed in
    the running bot: each press gets exactly one answerCallbackQuery (the `conftest` check
    after every test holds it to that)."""
    chat = next(_chats)
    shown = {}
    for name, update in (
            ("summary", U.forwarded_channel_post(seed_text, chat_id=chat, post_id=9)),
            ("list", U.command("/articles", chat_id=chat)),
            ("settings", U.command("/settings", chat_id=chat)),
            ("kind", U.private_text("Мэр ушёл в отпуск", chat_id=chat)),
            ("forget", U.command("/forget", chat_id=chat))):
        mark = api.mark()
        api.push_update(update)
        shown[name] = await reply_in(api, chat, mark)
        if name == "kind":  # the prompt replies to the message it asks about
            shown[name].result["reply_to_message"] = update["message"]
    presses = [(data, shown[name].result) for name in ("summary", "list", "kind")
               for data in buttons(shown[name]).values()]
    presses += [(data, shown["settings"].result)
                for data in list(buttons(shown["settings"]).values())[:2]]
    presses += [(buttons(shown["forget"])["Отмена"], shown["forget"].result),
                ("garbage", shown["summary"].result)]
    for data, message in presses:
        await _pressed_once(api, data, message)
    await asyncio.sleep(1.0)  # a second answer, if any, would come now
    assert not api.answered_twice()


async def test_bad_inputs_get_polite_replies(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = next(_chats)
    binary = bytes(range(256)) * 64
    api.add_file("bin-txt", binary, "documents/file_8.txt")
    inputs = [
        U.private_text(" ", chat_id=chat),
        U.sticker(chat_id=chat),
        U.photo(chat_id=chat),
        U.document("huge", "book.txt", size=1_048_576, chat_id=chat),
        U.document("bin-txt", "notes.txt", size=len(binary), chat_id=chat),
        U.private_text("<b>x</i>", chat_id=chat),
    ]
    for update in inputs:  # one at a time: each must get its own reply
        mark = api.mark()
        api.push_update(update)
        await reply_in(api, chat, mark)
    texts = api.sent_texts(chat)
    assert len(texts) == len(inputs)
    assert "нет текста" in texts[0]
    assert "Стикеры я не читаю" in texts[1]  # each kind hears what it can send instead
    assert "Текст на картинках я не читаю" in texts[2]
    assert "Файл слишком большой" in texts[3]
    assert "не похож на текст" in texts[4]
    assert "Статей в этом чате пока нет" in texts[5]  # and an offer to read it as news
    assert not any(c.params.get("chat_id") == chat and c.failed for c in api.calls)
    assert "Traceback" not in bot.output


async def test_429_from_telegram_is_waited_out(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = next(_chats)
    api.fail_next("sendMessage", status=429, retry_after=1)
    mark = api.mark()
    api.push_update(U.command("/help", chat_id=chat))
    sent = await reply_in(api, chat, mark)
    failed = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.failed]
    assert len(failed) == 1 and sent.at - failed[0].at >= 0.9


async def test_log_has_no_token_and_no_message_text(bot: BotProcess) -> None:
    log = bot.output
    assert "summarised hash=" in log and "question chat=" in log  # it does log our events
    for secret in (TOKEN, "Что подписали", "Бектенов", "беспилотн"):
        assert secret not in log, secret


async def test_without_allow_private_a_loopback_link_is_refused(
        api: FakeBotAPI, news_site: str, tmp_path: Path) -> None:
    strict_api = FakeBotAPI(token=TOKEN)
    await strict_api.start()
    strict = BotProcess(strict_api, tmp_path / "strict.sqlite3", FETCH_ALLOW_PRIVATE="false")
    try:
        await strict.start()
        chat = next(_chats)
        strict_api.push_update(U.private_text(f"{news_site}/politics/asadov-bektenov",
                                              chat_id=chat))
        text = (await reply_in(strict_api, chat, 0)).params["text"]
        assert "во внутреннюю сеть" in text
    finally:
        await strict.stop()
        await strict_api.stop()
