"""A forwarded Wikinews article with wiki markup, through the real Dispatcher and the test Bot
API server (#28): neither its summary nor the digest line shows the markup, and no summary
bullet leans on a sentence that is not shown."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support import updates as U

ARTICLES = Path(__file__).resolve().parents[1] / "support" / "articles"
# '' or ''' quotes, [[links]], {{templates}}, == headings ==, [https://… links]
WIKI_MARKUP = re.compile(r"''|\[\[|\]\]|\{\{|\}\}|==|\[https?://")


def _with_markup() -> str:
    """wikinews_21274 (two quotations in '' already) with a link and a template added."""
    text = (ARTICLES / "wikinews_21274.txt").read_text(encoding="utf-8")
    text = text.replace("Замоскворецкий суд Москвы", "Замоскворецкий суд [[Москва|Москвы]]", 1)
    return text.replace("зачли за два.", "зачли за два{{источник|РАПСИ}}.", 1)


async def test_a_forward_with_wiki_markup_gets_a_summary_and_a_digest_line_without_it(
        harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(_with_markup(), chat_id=chat, post_id=91))
    [summary] = harness.api.sent_texts(chat)
    assert "Замоскворецкий суд Москвы" in summary and "Ключевое:" in summary
    assert not WIKI_MARKUP.search(summary), summary
    assert "источник|" not in summary and "РАПСИ" not in summary

    mark = harness.api.mark()
    await harness.feed(U.command("/digest", chat_id=chat))
    [digest] = harness.api.sent_texts(chat, since=mark)
    assert "Замоскворецкий суд Москвы" in digest, digest
    assert not WIKI_MARKUP.search(digest), digest


async def test_the_longest_summary_of_an_article_with_pronouns_does_not_dangle(harness) -> None:
    """wikinews_13912 has «Спустя три месяца…», «В нее, как правило…», «Они гарантировали…»:
    the detailed summary shows none of them without the sentence before it."""
    chat = harness.new_chat()
    text = (ARTICLES / "wikinews_13912.txt").read_text(encoding="utf-8")
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = harness.api.calls_for("sendMessage")[-1]
    buttons = {b["text"]: b["callback_data"]
               for row in menu.params["reply_markup"]["inline_keyboard"] for b in row}
    await harness.feed(U.callback_query(buttons["подробный"], message=menu.result, user_id=chat))
    mark = harness.api.mark()
    await harness.feed(U.forwarded_channel_post(text, chat_id=chat, post_id=92))
    [summary] = harness.api.sent_texts(chat, since=mark)
    bullets = [line[2:] for line in summary.splitlines() if line.startswith("• ")]
    assert len(bullets) >= 3, summary
    before = {"Спустя три месяца": "В январе нынешнего года", "В нее": "Она представляет",
              "Она представляет": "В таких случаях", "Они гарантировали": None}
    for position, bullet in enumerate(bullets):
        for opener, antecedent in before.items():
            if bullet.startswith(opener):
                assert antecedent and position and bullets[position - 1].startswith(
                    antecedent), summary
