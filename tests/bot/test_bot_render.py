"""Replies as Telegram HTML: escaping and splitting at 4096 on sentence boundaries."""

from __future__ import annotations

import re
from datetime import datetime

from bot.rendering.replies import quote_around, render_answer, render_summary, short_title
from bot.rendering.split import split_message
from bot.services.questions import QuestionResult
from bot.storage.repo import StoredArticle
from models.core.types import Answer, Summary


def _article(**kw) -> StoredArticle:
    values = {"id": 1, "chat_id": 1, "hash": "h", "text": "t", "title": "", "source_kind": "text",
              "source_title": "", "source_url": "", "message_id": None, "reply_message_id": None,
              "summary": "", "created_at": datetime(2025, 3, 3)}
    values.update(kw)
    return StoredArticle(**values)


def test_long_reply_is_split_at_sentence_ends_within_limit() -> None:
    sentence = "Стороны приветствовали высокий уровень торгово-экономического сотрудничества. "
    text = "<b>Заголовок</b>\n" + sentence * 150  # one line of ~12 000 characters
    pieces = split_message(text)
    assert len(pieces) >= 3
    assert all(len(p) <= 4096 for p in pieces)
    assert all(p.rstrip().endswith("сотрудничества.") for p in pieces)
    assert re.sub(r"\s+", "", "".join(pieces)) == re.sub(r"\s+", "", text)


def test_split_never_breaks_tags_or_entities() -> None:
    text = "<i>" + "слово&amp;слово " * 600 + "</i>"  # no sentence ends at all
    pieces = split_message(text, limit=1000)
    for piece in pieces:
        assert len(piece) <= 1000
        assert piece.count("<i>") == piece.count("</i>") == 1
        assert not re.search(r"&[a-z]*$", piece.replace("</i>", ""))


def test_short_reply_is_one_piece() -> None:
    assert split_message("<b>Ответ:</b> да") == ["<b>Ответ:</b> да"]


def test_summary_escapes_every_piece_of_article_text() -> None:
    article = _article(title="<script>", source_title="A&B <канал>",
                       source_url='https://t.me/x/1?a="b"')
    summary = Summary(text="", sentences=("1 < 2 & 3 > 2.",), names=("<b>Имя</b>",),
                      numbers=("5 < 6",))
    text = render_summary(article, summary)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "1 &lt; 2 &amp; 3 &gt; 2." in text
    assert "&lt;b&gt;Имя&lt;/b&gt; · 5 &lt; 6" in text
    assert '<a href="https://t.me/x/1?a=&quot;b&quot;">A&amp;B &lt;канал&gt;</a>' in text


def test_answer_and_no_answer() -> None:
    found = QuestionResult(_article(), "q", Answer("документы <о>", "Подписаны документы <о>.",
                                                   0, 5, 0.9))
    text = render_answer(found)
    assert text == ("<b>Ответ:</b> документы &lt;о&gt;\n"
                    "<i>Из статьи:</i> «Подписаны документы &lt;о&gt;.»")
    missing = QuestionResult(_article(), "q", Answer.none("no match"))
    assert render_answer(missing).startswith(f"В статье «{short_title(_article())}» этого нет.")


def test_a_long_quote_is_cut_to_the_clauses_around_the_answer() -> None:
    items = ", ".join(f"соглашение номер {n} о сотрудничестве в области {n}-й отрасли"
                      for n in range(1, 25))
    sentence = f"По итогам переговоров были подписаны документы: {items}, а также меморандум."
    assert len(sentence) > 900
    quote = quote_around(sentence, "соглашение номер 12")
    assert "соглашение номер 12" in quote and len(quote) <= 310
    assert quote.startswith("…") and quote.endswith("…")
    assert quote_around("Короткое предложение.", "предложение") == "Короткое предложение."


async def test_articles_cuts_a_long_title_at_a_word(harness, seed_text) -> None:
    """/articles showed «…встретился с казахстанским колле…»: titles are cut at a word with
    «…» (#28, item 15)."""
    from tests.support import updates as U

    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    await harness.feed(U.command("/articles", chat_id=chat))
    line = harness.api.sent_texts(chat)[-1].splitlines()[1]
    shown = line.split(". ", 1)[1].split("…")[0]
    assert "…" in line and seed_text.split()[len(shown.split()) - 1] == shown.split()[-1], line
