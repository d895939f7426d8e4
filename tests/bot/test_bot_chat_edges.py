"""What a reader meets in the chat (#11), through the real Dispatcher and the test Bot API
server: small talk, a short news item typed in, an article in English."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import updates as U

SECOND = Path(__file__).resolve().parents[1] / "support" / "articles" / "wikinews_100084.txt"
SAMPLE_ARTICLES = [json.loads(line)["text"] for line in (
    Path(__file__).resolve().parents[1] / "models" / "articles" / "wikinews_sample.jsonl"
).read_text(encoding="utf-8").splitlines()]

ENGLISH = ("The central bank kept its key rate unchanged on Friday, citing slowing inflation. "
           "Analysts had expected the decision. The governor said the bank would watch prices "
           "closely and could cut rates next year if inflation keeps falling.")


async def _the_reply(harness, chat: int, text: str) -> str:
    """Send `text` in `chat`; the one reply it gets."""
    mark = harness.api.mark()
    await harness.feed(U.private_text(text, chat_id=chat))
    [reply] = harness.api.sent_texts(chat, since=mark)
    return reply


async def test_thanks_and_greetings_get_a_word_back_never_an_answer(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    for text, expected in (("спасибо!", "Пожалуйста"), ("Спасибо большое 🙏", "Пожалуйста"),
                           ("привет", "Здравствуйте"), ("ок", "👍")):
        mark = harness.api.mark()
        await harness.feed(U.private_text(text, chat_id=chat))
        [reply] = harness.api.sent_texts(chat, since=mark)
        assert expected in reply and "Ответ" not in reply, (text, reply)
    mark = harness.api.mark()  # a question is still a question
    await harness.feed(U.private_text("Где прошла встреча?", chat_id=chat))
    assert "Баку" in harness.api.sent_texts(chat, since=mark)[0]


async def test_a_short_news_item_typed_in_is_read_not_taken_for_a_question(harness) -> None:
    chat = harness.new_chat()
    news = ("Банк России сохранил ключевую ставку на уровне 21% годовых, сообщила пресс-служба "
            "регулятора в пятницу.")
    assert len(news) < 200
    mark = harness.api.mark()
    await harness.feed(U.private_text(news, chat_id=chat))
    [summary] = harness.api.sent_texts(chat, since=mark)
    assert "ключевую ставку" in summary and "этого нет" not in summary, summary
    mark = harness.api.mark()
    await harness.feed(U.private_text("Какую ставку сохранил Банк России?", chat_id=chat))
    [answer] = harness.api.sent_texts(chat, since=mark)
    assert "21%" in answer, answer


async def test_an_english_article_is_summarised_with_a_word_about_the_language(harness) -> None:
    chat = harness.new_chat()
    mark = harness.api.mark()
    await harness.feed(U.private_text(ENGLISH, chat_id=chat))
    [summary] = harness.api.sent_texts(chat, since=mark)
    assert "читаю статьи на русском" in summary, summary


async def test_help_lists_one_command_a_line(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/help", chat_id=chat))
    lines = harness.api.sent_texts(chat)[-1].splitlines()
    for command in ("/articles", "/settings", "/forget", "/subscribe", "/unsubscribe", "/digest",
                    "/source"):
        [line] = [line for line in lines if line.startswith(command + " ")]
        assert line.count("/") == 1, line  # the command itself, nothing crowded after it


async def test_articles_shows_times_in_the_chats_time_zone(harness, seed_text) -> None:
    from datetime import datetime, timedelta, timezone

    chat = harness.new_chat()
    await harness.feed(U.command("/settings tz Asia/Vladivostok", chat_id=chat))
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    before = datetime.now(timezone.utc)
    await harness.feed(U.command("/articles", chat_id=chat))
    listing = harness.api.sent_texts(chat)[-1]
    local = before + timedelta(hours=10)  # Vladivostok is UTC+10 all year
    assert local.strftime("%d.%m %H:") in listing or (local + timedelta(minutes=1)).strftime(
        "%d.%m %H:") in listing, listing


async def test_settings_and_subscribe_take_the_same_zone_names(harness) -> None:
    chat = harness.new_chat()
    for raw, shown in (("Москва", "Москва"), ("asia/almaty", "Алматы"),
                       ("Новосибирск", "Новосибирск")):
        await harness.feed(U.command(f"/settings tz {raw}", chat_id=chat))
        reply = harness.api.sent_texts(chat)[-1]
        assert "Не знаю" not in reply and shown in reply, (raw, reply)
    await harness.feed(U.command("/settings tz Марс", chat_id=chat))
    assert "Не знаю часовой пояс «Марс»" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/subscribe 08:30 Москва", chat_id=chat))
    assert "Не знаю" not in harness.api.sent_texts(chat)[-1]


async def test_a_question_the_latest_article_cannot_answer_is_answered_from_an_earlier_one(
        harness, seed_text) -> None:
    second_article_text = SECOND.read_text(encoding="utf-8")
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    await harness.feed(U.forwarded_channel_post(second_article_text, chat_id=chat, post_id=90))
    mark = harness.api.mark()
    await harness.feed(U.private_text("С кем встретился Али Асадов?", chat_id=chat))
    [answer] = harness.api.sent_texts(chat, since=mark)
    assert "Бектенов" in answer, answer
    assert "«Госдума планирует разрешить беспилотные автомобили» этого нет" in answer, answer
    assert "Премьер-министр Али Асадов встретился" in answer, answer
    mark = harness.api.mark()  # nothing anywhere: the «нет» names the article it searched
    await harness.feed(U.private_text("Сколько стоит билет на Луну?", chat_id=chat))
    [answer] = harness.api.sent_texts(chat, since=mark)
    assert answer.startswith("В статье «Госдума планирует разрешить беспилотные автомобили»")


async def test_after_a_restart_the_chats_current_articles_are_prepared(harness, seed_text
                                                                       ) -> None:
    """The startup hook reads the chats' current articles from the database and computes their
    sentence vectors in the background, so the first question after a restart is not slow."""
    from bot.factory import prepare_current_articles
    from bot.services.articles import as_article
    from bot.storage.repo import Repo

    chat = harness.new_chat()
    text = seed_text.replace("3 марта", "4 марта")  # an article no other test has analysed
    await harness.feed(U.private_text(text, chat_id=chat))
    async with harness.sessionmaker() as session:
        [stored] = await Repo(session).articles.recent(chat, 1)
    engine = harness.dp["engine"]
    engine.clear_cache()  # as after a restart: nothing analysed, no vectors
    nlp = harness.dp["nlp"]
    await prepare_current_articles(harness.sessionmaker, nlp)
    for task in list(nlp._background):
        await task
    assert engine.analyze(as_article(stored)).has_vectors


async def _prompted(harness, chat: int, text: str) -> tuple[dict, dict]:
    """Send `text`; returns (the user's message, the bot's prompt as a button press sees it:
    Telegram puts the message the prompt replies to inside it)."""
    update = U.private_text(text, chat_id=chat)
    mark = harness.api.mark()
    await harness.feed(update)
    sent = harness.api.calls_for("sendMessage", since=mark)
    assert len(sent) == 1 and "новость" in sent[0].params["text"], [c.params for c in sent]
    buttons = {b["text"]: b["callback_data"]
               for row in sent[0].params["reply_markup"]["inline_keyboard"] for b in row}
    assert set(buttons) == {"Это новость", "Это вопрос"}
    prompt = {**sent[0].result, "reply_to_message": update["message"]}
    return buttons, prompt


async def test_a_short_statement_gets_two_buttons_and_is_read_as_news(harness,
                                                                      seed_text) -> None:
    """«Путин подписал закон о Росгвардии»: no question form, too short to be sure it is news;
    the user says which, and it is read as news."""
    chat = harness.new_chat()
    await harness.feed(U.private_text(seed_text, chat_id=chat))
    buttons, prompt = await _prompted(harness, chat, "Путин подписал закон о Росгвардии")
    mark = harness.api.mark()
    await harness.feed(U.callback_query(buttons["Это новость"], message=prompt))
    summary = harness.api.sent_texts(chat, since=mark)
    assert len(summary) == 1 and "Росгварди" in summary[0], summary
    assert harness.api.calls_for("answerCallbackQuery", since=mark)  # no spinner left
    assert harness.api.calls_for("editMessageReplyMarkup", since=mark)  # buttons taken away


async def test_a_short_statement_is_answered_as_a_question_when_the_user_says_so(
        harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.private_text(seed_text, chat_id=chat))
    buttons, prompt = await _prompted(harness, chat, "объём взаимной торговли двух стран")
    mark = harness.api.mark()
    await harness.feed(U.callback_query(buttons["Это вопрос"], message=prompt))
    answer = harness.api.sent_texts(chat, since=mark)
    assert len(answer) == 1 and "500 млн долларов" in answer[0], answer


async def test_a_statement_with_no_article_in_the_chat_is_offered_to_be_read(harness) -> None:
    """Nothing to ask about, so not «новость или вопрос?»: one button to read it as news
    (#28, item 2; it was «Пока не о чем спрашивать»)."""
    chat = harness.new_chat()
    await harness.feed(U.private_text("Путин подписал закон о Росгвардии", chat_id=chat))
    sent = harness.api.calls_for("sendMessage")[-1]
    buttons = [b["text"] for row in sent.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Пересказать как новость"], sent.params


async def test_the_seeds_summary_says_what_was_signed(harness, seed_text) -> None:
    """The outcome first: the documents signed, told in the article's last paragraph, are in
    the short summary and stay in the medium one, instead of the protocol of the talks."""
    chat = harness.new_chat()
    await harness.feed(U.private_text(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    assert "подписаны документы" in summary.params["text"]
    longer = next(b["callback_data"] for row in summary.params["reply_markup"]["inline_keyboard"]
                  for b in row if b["text"] == "Подробнее")
    mark = harness.api.mark()
    await harness.feed(U.callback_query(longer, message=summary.result))
    medium = harness.api.calls_for("editMessageText", since=mark)[-1].params["text"]
    assert "подписаны документы" in medium and "медицинского страхования" in medium


async def test_a_wiki_link_in_a_summary_line_shows_its_words(harness) -> None:
    text = ("Роскомнадзор заблокировал крупный файлообменник\n\nРоскомнадзор заблокировал "
            "крупный файлообменник по решению суда, [https://rkn.gov.ru/news/rsoc/news123.htm "
            "говорится] в сообщении ведомства. Файлообменник внесли в реестр запрещённых сайтов "
            "в понедельник. Эксперты отмечают, что подобные решения принимаются всё чаще. В "
            "прошлом году ведомство рассмотрело несколько тысяч обращений граждан и организаций. "
            "Представители отрасли обещают обжаловать решение в суде в ближайшее время. Юристы "
            "считают, что шансы на успех у компании невелики, но дело может занять несколько "
            "месяцев. Пользователи сервиса пока не получили никаких объяснений от владельцев.")
    chat = harness.new_chat()
    await harness.feed(U.private_text(text, chat_id=chat))
    summary = harness.api.sent_texts(chat)[-1]
    assert "по решению суда, говорится в сообщении ведомства" in summary, summary
    assert "https://" not in summary and "[" not in summary


async def test_a_short_question_is_answered_not_turned_away(harness, seed_text) -> None:
    """«Сколько женщин нашли?» has two content words and matches its sentence less than a long
    question would (0.88): it once fell under the one no-answer floor (0.886) and got «этого
    нет»; questions that short now have the floor their own group calls for (reader.json). The
    same question about an unrelated article is still turned away."""
    chat = harness.new_chat()
    await harness.feed(U.private_text(SAMPLE_ARTICLES[5], chat_id=chat))  # Cleveland
    answer = await _the_reply(harness, chat, "Сколько женщин нашли?")
    assert answer.startswith("<b>Ответ:</b> Три"), answer
    other = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=other))
    answer = await _the_reply(harness, other, "Сколько женщин нашли?")
    assert "этого нет" in answer, answer


async def test_an_age_question_is_answered_with_the_age_the_article_gives(harness) -> None:
    """News states an age as «57-летний Тоомас Хендрик Ильвес»: «Сколько лет президенту?»
    finds that sentence («57-летний» counts as «год», the lemma of «лет») and answers with the
    age word, not its clause nor a year."""
    chat = harness.new_chat()
    await harness.feed(U.private_text(SAMPLE_ARTICLES[3], chat_id=chat))  # Estonian election
    answer = await _the_reply(harness, chat, "Сколько лет президенту?")
    assert answer.startswith("<b>Ответ:</b> 57-летний\n"), answer
