"""«Короче»/«Подробнее» only where they change something, through the real Dispatcher, the real
embedded engine and the test Bot API server (#28, item 6).

Before: a short article read the same at every length and still offered «Подробнее»; a
one-bullet summary offered «Короче»; a press that changed nothing re-sent the same text.
Now only lengths that read differently are offered, and a press of an older keyboard's button
that cannot change anything is answered with a toast (and that button goes).
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.repo import Repo
from handlers.keyboards import SummaryCb
from models.core.types import Length
from tests.support import updates as U

SHORT_ARTICLE = (Path(__file__).parents[1] / "support" / "articles" / "wikinews_100084.txt"
                 ).read_text(encoding="utf-8")
# Two sentences, one of which the summary keeps at every length.
ONE_BULLET = ("Мэр города Новосибирска ушёл в отпуск на две недели. Обязанности мэра будет "
              "исполнять его первый заместитель Иван Петров.")


def _buttons(call) -> dict[str, str]:
    markup = call.params.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", [])
            for b in row}


def _public_id(call) -> int:
    """The article's public id, from the «Задать вопрос» button's data (ask:<id>)."""
    return int(_buttons(call)["Задать вопрос"].split(":")[1])


async def _press(harness, data: str, shown: dict) -> tuple[list, list]:
    """One press; (its answers, the edits it made)."""
    mark = harness.api.mark()
    await harness.feed(U.callback_query(data, message=shown))
    return (harness.api.calls_for("answerCallbackQuery", since=mark),
            [c for c in harness.api.calls[mark:] if c.method.startswith("editMessage")])


async def test_a_short_article_offers_no_other_length(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(SHORT_ARTICLE, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    assert set(_buttons(summary)) == {"Задать вопрос"}, _buttons(summary)


async def test_a_one_bullet_summary_offers_no_shorter(harness) -> None:
    chat = harness.new_chat()
    async with harness.sessionmaker() as session:  # the chat reads medium summaries
        repo = Repo(session)
        await repo.chats.ensure(chat, kind="private")
        await repo.chats.set_summary_length(chat, Length.MEDIUM)
        await session.commit()
    await harness.feed(U.forwarded_channel_post(ONE_BULLET, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    assert summary.params["text"].count("•") == 1
    assert "Короче" not in _buttons(summary), _buttons(summary)


async def test_each_length_of_a_long_article_is_offered_and_differs(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    assert set(_buttons(summary)) == {"Подробнее", "Задать вопрос"}
    shown, texts, call = summary.result, [summary.params["text"]], summary
    for expected in ({"Короче", "Подробнее", "Задать вопрос"}, {"Короче", "Задать вопрос"}):
        answers, [edit] = await _press(harness, _buttons(call)["Подробнее"], shown)
        assert len(answers) == 1 and not answers[0].params.get("text")
        assert set(_buttons(edit)) == expected, _buttons(edit)
        texts.append(edit.params["text"])
        shown = {**shown, "text": edit.params["text"], "reply_markup": edit.params["reply_markup"]}
        call = edit
    assert len(set(texts)) == 3
    assert texts[0].count("•") < texts[1].count("•") < texts[2].count("•")


async def test_an_old_keyboards_longer_press_on_a_short_article_gets_a_toast(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(SHORT_ARTICLE, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    # the keyboard such a summary had before: «Подробнее» to medium
    old = SummaryCb(article_id=_public_id(summary), length=Length.MEDIUM).pack()
    markup = {"inline_keyboard": [[{"text": "Подробнее", "callback_data": old}],
                                  [{"text": "Задать вопрос",
                                    "callback_data": _buttons(summary)["Задать вопрос"]}]]}
    answers, edits = await _press(harness, old, {**summary.result, "reply_markup": markup})
    [answer] = answers
    assert answer.params["text"] == "Это уже самый подробный пересказ этой статьи."
    assert [e.method for e in edits] == ["editMessageReplyMarkup"]  # the text stays
    assert set(_buttons(edits[0])) == {"Задать вопрос"}  # and the useless button goes


async def test_an_old_keyboards_shorter_press_under_one_bullet_gets_a_toast(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(ONE_BULLET, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    # a summary shown at medium with the old «Короче» (to short) under its one bullet
    old = SummaryCb(article_id=_public_id(summary), length=Length.SHORT).pack()
    markup = {"inline_keyboard": [[{"text": "Короче", "callback_data": old}]]}
    answers, edits = await _press(harness, old, {**summary.result, "reply_markup": markup})
    [answer] = answers
    assert answer.params["text"] == "Это уже самый короткий пересказ."
    assert "editMessageText" not in [e.method for e in edits]


async def test_while_users_wait_for_the_models_the_lengths_are_not_compared(
        harness, embedded_engine, seed_text) -> None:
    """The comparison costs two more model jobs an article; in a burst of 200 forwards they cost
    a third of the summaries (92 against 132–139 summarised). While a job waits for the models
    (here one running, the executor's one worker taken), the neighbours are offered unread and
    no other length is summarised; when the models are idle, they are compared."""
    import asyncio
    import threading

    from bot.services.articles import ArticleIntake
    from bot.services.nlp import LocalModels, NlpService
    from bot.services.nlp_executor import NlpExecutor
    from models.core.types import Article

    article = Article(seed_text)
    summary = embedded_engine.summarize(article, length=Length.SHORT)
    executor = NlpExecutor(workers=1, question_workers=0)
    intake = ArticleIntake(NlpService(LocalModels(embedded_engine, executor)))
    release = threading.Event()
    blocker = asyncio.ensure_future(executor.run(release.wait, 30))
    try:
        while executor.running == 0:
            await asyncio.sleep(0.01)
        async with harness.sessionmaker() as session:
            choices = await intake.length_choices(Repo(session), article, Length.SHORT, summary)
        assert (choices.shorter, choices.longer) == (None, Length.MEDIUM)
        assert executor.in_flight == 1  # nothing was asked of the models
    finally:
        release.set()
        await blocker
    async with harness.sessionmaker() as session:
        repo = Repo(session)
        choices = await intake.length_choices(repo, article, Length.SHORT, summary)
        await session.commit()
        assert choices.longer == Length.MEDIUM
        assert await repo.cache.get(article.hash, Length.MEDIUM.value, embedded_engine.name)
    executor.shutdown()
