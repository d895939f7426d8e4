"""Messages read as what they are (#28, items 1-4), through the real Dispatcher and the test
Bot API server: a long question is a question, a short one typed in slang or with a slip is
answered at once, a message in English is told what the bot reads, a photo's caption is read
and a voice note is told what to send instead."""

from __future__ import annotations

from bot.storage.repo import Repo
from tests.support import updates as U

# 441 characters, one paragraph, second person, «почему», ending with «?» (item 1)
LONG_QUESTION = (
    "слушай, я вот читала эту статью про переговоры в Баку и не очень поняла, что там в итоге "
    "подписали и зачем это вообще нужно обеим странам, потому что в новостях пишут то про "
    "торговлю, то про медицинское страхование, то про какие-то меморандумы, а объяснений "
    "никаких нет, и мне правда интересно, почему это так важно именно сейчас, когда у всех и "
    "так полно своих забот, и что это в итоге даст обычным людям, которые там живут?")
CAPTION_NEWS = ("Банк России сохранил ключевую ставку на уровне 21% годовых, сообщила "
                "пресс-служба регулятора в пятницу.")


async def _articles(harness, chat: int) -> int:
    async with harness.sessionmaker() as session:
        return await Repo(session).articles.count(chat)


async def _reply(harness, chat: int, update: dict) -> list:
    mark = harness.api.mark()
    await harness.feed(update)
    return harness.api.calls_for("sendMessage", since=mark)


def _only_votes(call) -> bool:
    """The reply carries no buttons but an answer's 👍/👎 (#29)."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row] in ([], ["👍", "👎"])


async def test_a_long_question_is_answered_never_stored_as_an_article(harness,
                                                                     seed_text) -> None:
    """It got a one-bullet «summary» with Короче/Подробнее and became the chat's article."""
    assert len(LONG_QUESTION) > 400
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    [sent] = await _reply(harness, chat, U.private_text(LONG_QUESTION, chat_id=chat))
    assert "Ключевое" not in sent.params["text"], sent.params["text"]
    assert _only_votes(sent), sent.params  # an answer's 👍/👎, no summary's buttons
    assert await _articles(harness, chat) == 1


async def test_a_long_news_paragraph_is_still_an_article(harness) -> None:
    chat = harness.new_chat()
    news = (CAPTION_NEWS + " Аналитики ожидали такого решения. Регулятор отметил, что инфляция "
            "замедляется, и допустил снижение ставки в следующем году, если цены будут расти "
            "медленнее.")
    [sent] = await _reply(harness, chat, U.private_text(news, chat_id=chat))
    assert "Ключевое" in sent.params["text"], sent.params["text"]


async def test_short_questions_in_slang_or_with_a_slip_are_answered_at_once(harness,
                                                                           seed_text) -> None:
    """«скока денег дают», «скоьлко она заработала», «а в питере когда» each got «Это новость
    или вопрос?» and cost a tap."""
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    for text in ("скока денег дают", "скоьлко она заработала", "а в питере когда",
                 "скока всего иностранцев похитили в ираке"):  # news-sized: was stored
        sent = await _reply(harness, chat, U.private_text(text, chat_id=chat))
        assert len(sent) == 1 and "новость" not in sent[0].params["text"], (text, sent)
        assert _only_votes(sent[0]), (text, sent[0].params)  # an answer, not «новость?»


async def test_typed_news_with_no_article_is_offered_to_be_read(harness) -> None:
    """«в москве сегодня выпал первый снег» was told «Пока не о чем спрашивать»."""
    chat = harness.new_chat()
    update = U.private_text("в москве сегодня выпал первый снег", chat_id=chat)
    [offer] = await _reply(harness, chat, update)
    assert "Пока не о чем спрашивать" not in offer.params["text"]
    [[button]] = offer.params["reply_markup"]["inline_keyboard"]
    assert button["text"] == "Пересказать как новость"
    prompt = {**offer.result, "reply_to_message": update["message"]}
    mark = harness.api.mark()
    await harness.feed(U.callback_query(button["callback_data"], message=prompt))
    [summary] = harness.api.sent_texts(chat, since=mark)
    assert "снег" in summary, summary
    assert await _articles(harness, chat) == 1


async def test_a_message_in_english_is_told_what_the_bot_reads(harness, seed_text) -> None:
    """It got «В статье … этого нет»."""
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    text = "Hi! Can you summarize this article in English please?"
    [sent] = await _reply(harness, chat, U.private_text(text, chat_id=chat))
    assert "на русском" in sent.params["text"] and "этого нет" not in sent.params["text"]


async def test_a_photo_caption_that_is_news_is_read(harness) -> None:
    """A photo with a news caption got «Здесь нет текста»."""
    chat = harness.new_chat()
    [sent] = await _reply(harness, chat, U.photo(chat_id=chat, caption=CAPTION_NEWS))
    assert "ключевую ставку" in sent.params["text"] and "Здесь нет" not in sent.params["text"]


async def test_a_voice_note_and_a_bare_photo_are_told_what_to_send(harness) -> None:
    chat = harness.new_chat()
    [sent] = await _reply(harness, chat, U.voice(chat_id=chat))
    assert "Голосовые сообщения я не слушаю" in sent.params["text"], sent.params["text"]
    [sent] = await _reply(harness, chat, U.photo(chat_id=chat))
    assert "картинк" in sent.params["text"], sent.params["text"]
