"""No text lost (#27, items 2-4), through the real Dispatcher and the test Bot API server.

A long paste arrives as the pieces a Telegram client cuts it into (at 4,096 characters, at a
space, 0.1 s apart): it is one article and one message for the rate limit, up to the documented
200,000 characters, and past that the user is told exactly what was kept. Questions sent right
before a paste are answered as questions, not glued in as its first lines. A flood is never
dropped behind a promise: what was held is answered and what was not is named.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from bot.services.articles import clean_text
from bot.storage.repo import Repo
from tests.support import updates as U

SUPPORT = Path(__file__).resolve().parents[1]
SAMPLE = SUPPORT / "models" / "articles" / "wikinews_sample.jsonl"
SECOND = SUPPORT / "support" / "articles" / "wikinews_100084.txt"
CLIENT_CUT = 4_096
TOO_MANY = "Слишком много сообщений"
SKIPPED = "Я ответил на первые {} сообщений; остальные пропущены — задайте их ещё раз."


def long_text(chars: int, tail: str) -> str:
    """Real news texts again and again up to `chars`, `tail` (the seed) last."""
    others = [json.loads(line)["text"] for line in SAMPLE.read_text("utf-8").splitlines()]
    others.append(SECOND.read_text("utf-8"))
    body = ""
    while len(body) < chars:
        body += "\n\n".join(others) + "\n\n"
    body = body[:chars - len(tail) - 2]
    return body[:body.rfind("\n")].rstrip() + "\n\n" + tail.strip()


def client_pieces(text: str, cut: int = CLIENT_CUT) -> list[str]:
    """Cut as a Telegram client does: at most `cut` characters, at the last space or newline
    before it, which is dropped."""
    pieces: list[str] = []
    while len(text) > cut:
        at = max(text.rfind(" ", 0, cut), text.rfind("\n", 0, cut))
        pieces.append(text[:at])
        text = text[at + 1:]
    return [*pieces, text]


async def feed_paced(harness, updates: list[dict[str, Any]], gap: float = 0.1) -> None:
    """Updates `gap` seconds apart, each handled as its own task (as polling does)."""
    tasks = []
    for update in updates:
        tasks.append(asyncio.create_task(harness.feed(update)))
        await asyncio.sleep(gap)
    await asyncio.gather(*tasks)


async def _articles(harness, chat: int):
    async with harness.sessionmaker() as session:
        return await Repo(session).articles.recent(chat, 10)


# --- item 2: a long paste is one article and one message for the rate limit -------------------

async def test_a_196000_character_paste_is_one_article_and_one_message(harness_factory,
                                                                      seed_text) -> None:
    """196,000 characters in 48 pieces 0.1 s apart, at the default rate limit (20 a minute):
    it was two articles (78,695 and 38,960 characters), 21 pieces dropped, after «Подождите
    58 с.: я отвечу на них». Now: one summary of all of it, no wait notice."""
    harness = await harness_factory(user_rate_limit=20, user_rate_window_seconds=60)
    chat = harness.new_chat()
    text = long_text(196_000, seed_text)
    pieces = client_pieces(text)
    assert len(pieces) >= 48
    await feed_paced(harness, [U.private_text(p, chat_id=chat) for p in pieces])
    replies = harness.api.sent_texts(chat)
    assert not any(TOO_MANY in r for r in replies), replies
    assert len(replies) == 1 and "<b>Ключевое:</b>" in replies[0], replies
    [article] = await _articles(harness, chat)
    assert len(article.text) >= len(clean_text(text)) - len(pieces)  # only the cut spaces
    assert article.text.startswith(clean_text(pieces[0])[:200])
    assert article.text.endswith(seed_text.strip()[-300:])
    # The paste counted once: a question right after it is answered at once, not held.
    mark = harness.api.mark()
    await harness.feed(U.private_text("Что подписали по итогам переговоров?", chat_id=chat))
    [answer] = harness.api.sent_texts(chat, since=mark)
    assert "медицинского страхования" in answer, answer


async def test_a_paste_past_the_limit_keeps_what_fits_and_says_exactly_what(
        harness_factory, seed_text) -> None:
    """A 30,000-character paste where the limit is 20,000: it was refused whole («Слишком
    длинный текст»); now the first 20,000 are read and the user is told where the reading
    stopped and how much was left out."""
    harness = await harness_factory(max_article_chars=20_000)
    chat = harness.new_chat()
    text = long_text(30_000, seed_text)
    await feed_paced(harness, [U.private_text(p, chat_id=chat) for p in client_pieces(text)])
    summary, note = harness.api.sent_texts(chat)
    assert "<b>Ключевое:</b>" in summary, summary
    [article] = await _articles(harness, chat)
    assert 19_000 < len(article.text) <= 20_000
    last_words = " ".join(article.text.split()[-4:])
    assert "20 000" in note and last_words in note and "не вошл" in note, note


# --- item 3: questions right before a paste are questions -------------------------------------

async def test_questions_sent_right_before_a_paste_are_answered_not_glued_in(harness,
                                                                            seed_text) -> None:
    """Three questions, then a two-piece paste, in the same second (a replayed backlog after a
    restart looks the same): it was one article headed «Что подписали?» and no answers."""
    chat = harness.new_chat()
    body = seed_text.strip()
    cut = body.rindex(" ", 0, 4000)
    questions = ["Что подписали?", "Где прошла встреча?", "Кто встретился с Асадовым?"]
    await harness.feed_together(*(U.private_text(q, chat_id=chat) for q in questions),
                                U.private_text(body[:cut], chat_id=chat),
                                U.private_text(body[cut + 1:], chat_id=chat))
    replies = harness.api.sent_texts(chat)
    [article] = await _articles(harness, chat)
    assert article.text.startswith("Премьер-министр Али Асадов"), article.text[:100]
    assert not any(q in article.text for q in questions)
    assert sum("<b>Ключевое:</b>" in r for r in replies) == 1, replies
    answers = [r for r in replies if r.startswith("<b>Ответ:</b>")]
    assert len(answers) == 3, replies


async def test_a_question_right_after_a_one_message_article_is_not_its_tail(harness,
                                                                           seed_text) -> None:
    """A 3,900-character message may have been cut by the client, so the bot waits for more;
    a question in the same second is still a question."""
    chat = harness.new_chat()
    body = seed_text.strip()
    article_text = body[:body.rindex("\n", 0, 3900)]
    await harness.feed_together(U.private_text(article_text, chat_id=chat),
                                U.private_text("Где прошла встреча?", chat_id=chat))
    summary, answer = harness.api.sent_texts(chat)
    assert "<b>Ключевое:</b>" in summary
    assert answer.startswith("<b>Ответ:</b>") and "Баку" in answer, answer
    [article] = await _articles(harness, chat)
    assert "Где прошла встреча" not in article.text


# --- item 4: a flood is answered or told what was skipped --------------------------------------

async def test_a_flood_is_never_dropped_behind_a_promise(harness_factory) -> None:
    """60 questions in a second, 5 allowed per 2 s, 10 held: 15 answered, and then the user is
    told plainly that the rest were skipped and should be asked again. It was one «я отвечу на
    них, когда пройдёт это время» and 45 questions never answered."""
    harness = await harness_factory(user_rate_limit=5, user_rate_window_seconds=2)
    chat = harness.new_chat()
    await feed_paced(harness, [U.private_text(f"Что случилось в пункте {n}?", chat_id=chat)
                               for n in range(60)], gap=0.015)
    replies = harness.api.sent_texts(chat)
    answered = [r for r in replies if "сначала пришлите статью" in r]
    notices = [r for r in replies if TOO_MANY in r]
    skipped = [r for r in replies if "пропущены" in r]
    assert len(answered) == 15 and len(notices) == 1, replies
    assert skipped == [SKIPPED.format(15)], replies
    assert replies[-1] == skipped[0], "|".join(r[:6] for r in replies)  # after the last answer
    assert "отвечу на них" not in notices[0]  # no promise for what is then dropped
