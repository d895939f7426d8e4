"""Articles through the real Dispatcher: forwards, pastes, files, bad input."""

from __future__ import annotations

from tests.support import updates as U


async def test_forwarded_channel_post_gets_one_summary_with_source_and_buttons(
        harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat, post_id=77))
    sent = harness.api.calls_for("sendMessage")
    assert len(sent) == 1, [c.params.get("text") for c in sent]
    params = sent[0].params
    text = params["text"]
    print(text)
    assert params["parse_mode"] == "HTML"
    assert params["link_preview_options"] == {"is_disabled": True}
    assert text.startswith("<b>Премьер-министр Али Асадов встретился с казахстанским коллегой</b>")
    assert "Ключевое:" in text
    assert '<a href="https://t.me/azertac/77">АЗЕРТАДЖ</a>' in text
    buttons = [b["text"] for row in params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Подробнее", "Задать вопрос"]


async def _stored(harness, chat: int):
    from bot.storage.repo import Repo

    async with harness.sessionmaker() as session:
        repo = Repo(session)
        return await repo.articles.recent(chat, 10)


def _texts(harness, chat: int) -> list[str]:
    return harness.api.sent_texts(chat)


async def test_paste_split_in_two_messages_becomes_one_article(harness, seed_text) -> None:
    chat = harness.new_chat()
    cut = seed_text.rindex(" ", 0, 4000)
    first, second = seed_text[:cut], seed_text[cut + 1:]
    await harness.feed_together(U.private_text(first, chat_id=chat),
                                U.private_text(second, chat_id=chat))
    texts = _texts(harness, chat)
    assert len(texts) == 1 and "Ключевое:" in texts[0]
    [article] = await _stored(harness, chat)
    assert "Олжасом Бектеновым" in article.text and "волоконно-оптических" in article.text
    assert len(article.text) > 0.95 * len(seed_text.strip())


async def test_txt_document_is_fetched_through_get_file(harness, seed_text) -> None:
    chat = harness.new_chat()
    data = seed_text.encode("utf-8")
    harness.api.add_file("seed-doc", data, "documents/file_1.txt")
    await harness.feed(U.document("seed-doc", "seed.txt", size=len(data), chat_id=chat))
    assert harness.api.calls_for("getFile")
    [text] = _texts(harness, chat)
    assert "Ключевое:" in text and "Источник: файл seed.txt" in text


async def test_html_document_is_read_as_article(harness, seed_text) -> None:
    chat = harness.new_chat()
    paragraphs = "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n")[3:7])
    page = f"<html><head><title>Визит</title></head><body><article>{paragraphs}</article></body></html>"
    harness.api.add_file("html-doc", page.encode(), "documents/file_2.html")
    await harness.feed(U.document("html-doc", "visit.html", size=len(page.encode()),
                                  chat_id=chat, mime_type="text/html"))
    [text] = _texts(harness, chat)
    assert "Ключевое:" in text


async def test_binary_file_named_txt_is_refused_politely(harness) -> None:
    chat = harness.new_chat()
    blob = bytes(range(256)) * 40
    harness.api.add_file("bin", blob, "documents/file_3.txt")
    await harness.feed(U.document("bin", "photo.txt", size=len(blob), chat_id=chat))
    [text] = _texts(harness, chat)
    assert "не похож на текст" in text


async def test_one_megabyte_text_file_is_refused_before_download(harness) -> None:
    chat = harness.new_chat()
    size = 1_000_000
    await harness.feed(U.document("big", "big.txt", size=size, chat_id=chat))
    [text] = _texts(harness, chat)
    assert "Файл слишком большой" in text and "1.0 МБ" in text
    assert not harness.api.calls_for("getFile")


async def test_a_big_file_with_no_size_given_is_refused_without_reading_it_whole(harness) -> None:
    chat = harness.new_chat()
    content = ("Очень длинная статья. " * 200_000).encode("utf-8")  # 8 MB
    harness.api.add_file("huge", content, "documents/huge.txt", report_size=False)
    await harness.feed(U.document("huge", "huge.txt", size=None, chat_id=chat))
    [text] = _texts(harness, chat)
    assert "Файл слишком большой" in text and "до 400 КБ" in text
    assert harness.api.calls_for("getFile")
    # the download stopped at the 400 KB limit (plus what was already in flight)
    assert harness.api.file_bytes_sent < len(content) / 2


async def test_unsupported_extension_is_refused(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.document("pdf", "report.pdf", size=1000, chat_id=chat,
                                  mime_type="application/pdf"))
    assert "только файлы .txt, .md и .html" in _texts(harness, chat)[0]


async def test_sticker_photo_and_blank_text_get_a_hint_not_silence(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.sticker(chat_id=chat))
    await harness.feed(U.photo(chat_id=chat))
    await harness.feed(U.private_text("   ", chat_id=chat))
    sticker, photo, blank = _texts(harness, chat)
    assert "Стикеры я не читаю" in sticker and "Пришлите статью" in sticker
    assert "на картинках я не читаю" in photo and "подписью" in photo  # #28, item 4
    assert "нет текста, который можно прочитать" in blank


async def test_article_text_is_escaped_in_the_reply(harness, seed_text) -> None:
    chat = harness.new_chat()
    body = "\n\n".join(seed_text.split("\n\n")[3:7])
    await harness.feed(U.private_text("<b>x</i> & Co: визит в Баку\n\n" + body, chat_id=chat))
    [text] = _texts(harness, chat)
    assert text.startswith("<b>&lt;b&gt;x&lt;/i&gt; &amp; Co: визит в Баку</b>\n")


async def test_same_article_twice_is_summarised_once(harness, seed_text) -> None:
    from sqlalchemy import func, select

    from bot.storage.tables import SummaryCacheRow
    from models.core.types import Article

    async def cached() -> int:
        async with harness.sessionmaker() as session:
            return await session.scalar(select(func.count()).select_from(SummaryCacheRow).where(
                SummaryCacheRow.hash == Article(seed_text).hash))

    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    # the lengths its buttons offer are summarised with it (#28, item 6), once each
    after_first = await cached()
    await harness.feed(U.private_text("  " + seed_text.replace("\n", "\n\n") + " ", chat_id=chat))
    first, second = _texts(harness, chat)
    assert first == second
    assert len(await _stored(harness, chat)) == 1
    assert await cached() == after_first <= 3


async def test_longer_button_edits_the_summary(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    call = harness.api.calls_for("sendMessage")[-1]
    markup = call.params["reply_markup"]["inline_keyboard"]
    longer = next(b for row in markup for b in row if b["text"] == "Подробнее")
    await harness.feed(U.callback_query(longer["callback_data"], message=call.result))
    edit = await harness.api.wait_for("editMessageText", timeout=1)
    assert edit.params["message_id"] == call.result["message_id"]
    assert len(edit.params["text"]) > len(call.params["text"])
    buttons = [b["text"] for row in edit.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Короче", "Подробнее", "Задать вопрос"]


async def test_group_ignores_messages_not_meant_for_the_bot(harness, seed_text) -> None:
    group = -1002000 - harness.new_chat()
    await harness.feed(U.group_text("Всем привет, как дела?", chat_id=group))
    await harness.feed(U.group_text(seed_text[:3000], chat_id=group))
    assert _texts(harness, group) == []


async def test_group_forward_after_a_bare_mention_is_summarised(harness, seed_text) -> None:
    from tests.support.fake_bot_api import BOT_USERNAME

    group = -1002000 - harness.new_chat()
    mention = U.group_text(f"@{BOT_USERNAME}", chat_id=group, mention=f"@{BOT_USERNAME}")
    forward = U.group_text(seed_text, chat_id=group, forward_origin={
        "type": "channel", "chat": {"id": -100777, "type": "channel", "title": "АЗЕРТАДЖ",
                                    "username": "azertac"}, "message_id": 5, "date": 1})
    await harness.feed_together(mention, forward)
    texts = _texts(harness, group)
    assert len(texts) == 1 and "Ключевое:" in texts[0]
    assert '<a href="https://t.me/azertac/5">АЗЕРТАДЖ</a>' in texts[0]
    assert harness.api.calls_for("sendMessage")[-1].params["reply_parameters"]["message_id"]
    [article] = await _stored(harness, group)
    assert article.source_kind == "forward" and article.text == seed_text.strip()


async def test_short_tail_of_a_split_paste_is_not_taken_for_a_question(harness, seed_text
                                                                       ) -> None:
    chat = harness.new_chat()
    body = seed_text.strip()
    cut = body.rindex(" ", 0, len(body) - 60)
    await harness.feed_together(U.private_text(body[:cut], chat_id=chat),
                                U.private_text(body[cut + 1:], chat_id=chat))
    [text] = _texts(harness, chat)
    assert "Ключевое:" in text
    [article] = await _stored(harness, chat)
    assert article.text.endswith(body[cut + 1:])


async def test_bare_group_mention_with_nothing_after_it_gets_a_hint(harness) -> None:
    from tests.support.fake_bot_api import BOT_USERNAME

    group = -1002000 - harness.new_chat()
    mention = f"@{BOT_USERNAME}"
    await harness.feed(U.group_text(mention, chat_id=group, mention=mention))
    [text] = _texts(harness, group)
    assert "Перешлите статью сразу после упоминания" in text
    assert "что подписали" not in text  # an example that fits any article (#11)


async def test_two_posts_forwarded_together_get_a_summary_each(harness, seed_text) -> None:
    from pathlib import Path

    other = (Path(__file__).parents[1] / "support" / "articles" / "wikinews_100084.txt").read_text()
    chat = harness.new_chat()
    await harness.feed_together(
        U.forwarded_channel_post(seed_text, chat_id=chat, post_id=77),
        U.forwarded_channel_post(other, chat_id=chat, post_id=78, channel_id=-100999,
                                 channel_title="Викиновости", channel_username="wikinews"),
    )
    texts = _texts(harness, chat)
    assert len(texts) == 2 and all("Ключевое:" in t for t in texts)
    assert any("https://t.me/azertac/77" in t for t in texts)
    assert any("https://t.me/wikinews/78" in t for t in texts)
    stored = await _stored(harness, chat)
    assert sorted(a.text.splitlines()[0] for a in stored) == sorted(
        [seed_text.strip().splitlines()[0], other.strip().splitlines()[0]])


def test_a_long_post_cut_by_its_channel_joins_but_separate_posts_do_not() -> None:
    from bot.services.message_joiner import Part, split_forwards

    head = Part("а" * 1000, 1, origin="channel:1", origin_message_id=10)
    tail = Part("конец.", 2, origin="channel:1", origin_message_id=11)
    short = Part("Короткий пост.", 3, origin="channel:1", origin_message_id=12)
    elsewhere = Part("б" * 1000, 4, origin="channel:2", origin_message_id=13)
    runs = split_forwards([head, tail, short, elsewhere])
    assert [[p.message_id for p in run] for run in runs] == [[1, 2], [3], [4]]


async def test_vectors_for_questions_are_ready_soon_after_the_summary(harness, embedded_engine
                                                                      ) -> None:
    import asyncio

    from models.core.types import Article

    embedded_engine.clear_cache()
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(
        "Правительство утвердило новый порядок выдачи электронных виз для иностранцев. "
        "Документ подписал премьер-министр во вторник, сообщила пресс-служба кабмина. "
        "По новым правилам визу можно будет получить за четыре дня вместо десяти. "
        "Стоимость оформления составит 52 доллара, как и раньше. "
        "Первые визы по новым правилам начнут выдавать с 1 марта.", chat_id=chat, post_id=5))
    [stored] = await _stored(harness, chat)
    doc = embedded_engine.analyze(Article(text=stored.text, title=stored.title))
    for _ in range(100):
        if doc.has_vectors:
            break
        await asyncio.sleep(0.1)
    assert doc.has_vectors


async def test_a_short_forwarded_post_is_still_an_article(harness) -> None:
    chat = harness.new_chat()
    post = ("Центробанк сохранил ключевую ставку на уровне 21%. "
            "Следующее заседание совета директоров пройдёт 20 декабря.")
    await harness.feed(U.forwarded_channel_post(post, chat_id=chat, post_id=9))
    [text] = _texts(harness, chat)
    assert "Центробанк сохранил ключевую ставку" in text and "Ключевое:" in text
    await harness.feed(U.private_text("Когда следующее заседание?", chat_id=chat))
    answer = _texts(harness, chat)[-1]
    assert "20 декабря" in answer


async def test_each_post_of_a_forwarded_batch_gets_its_own_reply(harness, seed_text) -> None:
    """Three posts forwarded at once: the article is summarised, and each of the two posts
    too short to summarise is told so in a reply of its own, not one reply for the batch."""
    chat = harness.new_chat()
    posts = [U.forwarded_channel_post(seed_text, chat_id=chat, post_id=10),
             U.forwarded_channel_post("Подробности позже.", chat_id=chat, post_id=20),
             U.forwarded_channel_post("Фото дня.", chat_id=chat, post_id=30)]
    mark = harness.api.mark()
    await harness.feed_together(*posts)
    sent = [c for c in harness.api.calls_for("sendMessage", since=mark)
            if c.params["chat_id"] == chat]
    assert len(sent) == 3
    assert "<b>Ключевое:</b>" in sent[0].params["text"]
    short = [c for c in sent if "Слишком короткий" in c.params["text"]]
    assert sorted(c.params["reply_parameters"]["message_id"] for c in short) == sorted(
        p["message"]["message_id"] for p in posts[1:])
