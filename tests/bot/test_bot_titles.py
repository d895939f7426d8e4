"""A headline with wiki markup, through the real Dispatcher and the test Bot API server (#28,
item 3 of the round): the forwarded text's first line «[[Расул Мирзаев]], виновный в гибели
''московского студента'', освобождён в зале суда» is shown as its words, in the summary's bold
title, the «Задать вопрос» prompt, the /articles list and the digest, never with '' or [[ ]]."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support import updates as U

ARTICLES = Path(__file__).resolve().parents[1] / "support" / "articles"
WIKI_MARKUP = re.compile(r"''|\[\[|\]\]|\{\{|\}\}|\[https?://")
HEADLINE = ("[[Расул Мирзаев]], виновный в гибели ''московского студента'', "
            "освобождён в зале суда")
SHOWN = "Расул Мирзаев, виновный в гибели московского студента, освобождён в зале суда"


def _with_marked_up_headline() -> str:
    """wikinews_21274 with its headline (its first line) in wiki markup, as Wikinews' source."""
    text = (ARTICLES / "wikinews_21274.txt").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    assert first == SHOWN
    return HEADLINE + "\n" + rest


async def test_a_marked_up_headline_is_shown_clean_in_summary_list_and_digest(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(_with_marked_up_headline(), chat_id=chat,
                                                post_id=93))
    [summary] = harness.api.sent_texts(chat)
    assert summary.startswith(f"<b>{SHOWN}</b>"), summary
    assert not WIKI_MARKUP.search(summary), summary

    shown = harness.api.calls_for("sendMessage")[-1]
    ask = next(b["callback_data"] for row in shown.params["reply_markup"]["inline_keyboard"]
               for b in row if b["text"] == "Задать вопрос")
    mark = harness.api.mark()
    await harness.feed(U.callback_query(ask, message=shown.result))
    [prompt] = harness.api.sent_texts(chat, since=mark)
    assert prompt.startswith("Спрашивайте о «Расул Мирзаев, виновный в гибели"), prompt
    assert not WIKI_MARKUP.search(prompt), prompt

    mark = harness.api.mark()
    await harness.feed(U.command("/articles", chat_id=chat))
    [listed] = harness.api.sent_texts(chat, since=mark)
    assert "1. Расул Мирзаев, виновный в гибели московского студента…" in listed, listed
    assert not WIKI_MARKUP.search(listed), listed

    mark = harness.api.mark()
    await harness.feed(U.command("/digest", chat_id=chat))
    [digest] = harness.api.sent_texts(chat, since=mark)
    assert not WIKI_MARKUP.search(digest), digest
