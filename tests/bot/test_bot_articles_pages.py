"""/articles pages through all of a chat's articles (#28, item 10), through the real
Dispatcher and the test Bot API server: before, it listed the newest 5 and gave no way to
older ones. Now 6 a page with « ‹ › buttons that edit the list in place, one answer per press;
a page button under a list whose articles /forget deleted says so instead of failing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import updates as U

SAMPLE = Path(__file__).resolve().parents[1] / "models" / "articles" / "wikinews_sample.jsonl"
ARTICLES = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _buttons(call) -> dict[str, str]:
    markup = call.params.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", [])
            for b in row}


def _entries(text: str) -> list[int]:
    """The numbers of the listed articles («7. Заголовок (…)»)."""
    return [int(line.split(".", 1)[0]) for line in text.splitlines()[1:] if line[:1].isdigit()]


async def _chat_with_eight_articles(harness) -> int:
    chat = harness.new_chat()
    assert len(ARTICLES) == 8
    for post_id, row in enumerate(ARTICLES, 1):
        await harness.feed(U.forwarded_channel_post(row["text"], chat_id=chat, post_id=post_id))
    return chat


async def _press(harness, data: str, listing: dict):
    """One press on the list's message: (its answers, its edits, messages sent)."""
    mark = harness.api.mark()
    await harness.feed(U.callback_query(data, message=listing))
    return (harness.api.calls_for("answerCallbackQuery", since=mark),
            harness.api.calls_for("editMessageText", since=mark),
            harness.api.calls_for("sendMessage", since=mark))


async def test_articles_pages_back_and_forth_in_place(harness) -> None:
    chat = await _chat_with_eight_articles(harness)
    await harness.feed(U.command("/articles", chat_id=chat))
    first = harness.api.calls_for("sendMessage")[-1]
    assert "страница 1 из 2" in first.params["text"]
    assert _entries(first.params["text"]) == [1, 2, 3, 4, 5, 6]
    assert set(_buttons(first)) == {"1", "2", "3", "4", "5", "6", "›"}
    assert f"1. {ARTICLES[-1]['title'][:30]}" in first.params["text"]  # newest first

    answers, [edit], sent = await _press(harness, _buttons(first)["›"], first.result)
    assert len(answers) == 1 and not sent
    assert edit.params["message_id"] == first.result["message_id"]
    assert "страница 2 из 2" in edit.params["text"]
    assert _entries(edit.params["text"]) == [7, 8]
    assert set(_buttons(edit)) == {"7", "8", "«", "‹"}
    assert f"8. {ARTICLES[0]['title'][:30]}" in edit.params["text"]  # the oldest

    answers, [back], sent = await _press(harness, _buttons(edit)["‹"], first.result)
    assert len(answers) == 1 and not sent
    assert back.params["text"] == first.params["text"]


async def test_a_page_button_after_forget_says_the_list_is_gone(harness) -> None:
    chat = await _chat_with_eight_articles(harness)
    await harness.feed(U.command("/articles", chat_id=chat))
    listing = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.command("/forget", chat_id=chat))
    confirm = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.callback_query(_buttons(confirm)["Да, удалить"], message=confirm.result))

    answers, [edit], sent = await _press(harness, _buttons(listing)["›"], listing.result)
    [answer] = answers
    assert answer.params["text"] == "Этих статей больше нет — список устарел."
    assert edit.params["text"].startswith("Статей пока нет") and not _buttons(edit)
    assert not sent
