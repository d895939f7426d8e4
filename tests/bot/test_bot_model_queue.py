"""The bounded model queue as a chat sees it: a polite "busy" when it is full, a chat's
questions answered in the order asked."""

from __future__ import annotations

import asyncio
import time

from tests.support import updates as U
from tests.support.routing_engine import BlockingEngine


def short_seed(seed_text: str) -> str:
    """Four paragraphs of the seed under a headline: an article that reads in a moment."""
    return "Визит в Баку\n\n" + "\n\n".join(seed_text.split("\n\n")[3:7])


async def chat_with_article(harness, seed_text: str) -> int:
    """A new chat that has sent `short_seed` (its summary answered)."""
    chat = harness.new_chat()
    await harness.feed(U.private_text(short_seed(seed_text), chat_id=chat))
    return chat


async def test_full_queue_gets_a_polite_busy(harness_factory, embedded_engine,
                                             seed_text) -> None:
    engine = BlockingEngine(embedded_engine)
    harness = await harness_factory(engine=engine, nlp_workers=1, nlp_queue_size=0,
                                    nlp_question_workers=0, nlp_question_queue_size=0)
    chat, other = (await chat_with_article(harness, seed_text),
                   await chat_with_article(harness, seed_text))
    slow = asyncio.create_task(harness.feed(U.private_text("Кто приехал?", chat_id=chat)))
    await asyncio.to_thread(engine.started.wait, 10)  # the only worker is busy now
    await harness.feed(U.private_text("Что подписали?", chat_id=other))
    assert "Спросите ещё раз через минуту" in harness.api.sent_texts(other)[-1]
    engine.release.set()
    await slow
    assert harness.api.sent_texts(chat)[-1].startswith("<b>Ответ:</b>")


async def test_a_chats_questions_are_answered_in_the_order_asked(harness_factory,
                                                                 embedded_engine,
                                                                 seed_text) -> None:
    """The first question is held up in the engine; the second, sent meanwhile, waits for
    its turn instead of overtaking it (two threads serve questions)."""
    engine = BlockingEngine(embedded_engine)
    harness = await harness_factory(engine=engine, nlp_workers=1, nlp_question_workers=1)
    chat = await chat_with_article(harness, seed_text)
    mark = harness.api.mark()
    first = asyncio.create_task(harness.feed(U.private_text("Кто приехал?", chat_id=chat)))
    await asyncio.to_thread(engine.started.wait, 10)
    second = asyncio.create_task(harness.feed(U.private_text("Что подписали?", chat_id=chat)))
    await asyncio.sleep(1.0)
    assert harness.api.sent_texts(chat, since=mark) == []  # the second did not overtake
    engine.release.set()
    await asyncio.gather(first, second)
    replies = [c for c in harness.api.calls_for("sendMessage", since=mark)
               if c.params.get("chat_id") == chat]
    replied_to = [c.params["reply_parameters"]["message_id"]
                  if "reply_parameters" in c.params else int(c.params["reply_to_message_id"])
                  for c in replies]
    assert len(replies) == 2 and replied_to == sorted(replied_to)  # the first question first
    assert [q for _, q in engine.questions] == ["Кто приехал?", "Что подписали?"]


async def test_a_question_stuck_behind_its_chats_earlier_one_hears_busy_in_time(
        harness_factory, embedded_engine, seed_text) -> None:
    """The chat's first question is held up in the engine; the second waits for its turn only
    NLP_QUESTION_WAIT_SECONDS and is told to ask again, not kept waiting with the first."""
    engine = BlockingEngine(embedded_engine)
    harness = await harness_factory(engine=engine, nlp_workers=1, nlp_question_workers=1,
                                    nlp_question_wait_seconds=1.0)
    chat = await chat_with_article(harness, seed_text)
    mark = harness.api.mark()
    first = asyncio.create_task(harness.feed(U.private_text("Кто приехал?", chat_id=chat)))
    await asyncio.to_thread(engine.started.wait, 10)
    asked = time.monotonic()
    second = U.private_text("Что подписали?", chat_id=chat)
    await harness.feed(second)
    waited = time.monotonic() - asked
    assert 0.9 <= waited < 3.0
    busy = harness.api.calls_for("sendMessage", since=mark)[-1]
    assert "Спросите ещё раз через минуту" in busy.params["text"]
    # it quotes the question it refuses: the first one is still to be answered
    assert busy.params["reply_parameters"]["message_id"] == second["message"]["message_id"]
    engine.release.set()
    await first
    assert harness.api.sent_texts(chat, since=mark)[-1].startswith("<b>Ответ:</b>")
    assert [q for _, q in engine.questions] == ["Кто приехал?"]  # the second never ran


async def test_a_question_waits_for_its_article_before_its_clock_starts(
        harness_factory, embedded_engine, seed_text) -> None:
    """A question sent while its article is still being read waits for the article however
    long that takes (here longer than NLP_QUESTION_WAIT_SECONDS), then is answered from it."""
    engine = BlockingEngine(embedded_engine, block_summaries=True)
    harness = await harness_factory(engine=engine, nlp_workers=1, nlp_question_workers=1,
                                    nlp_question_wait_seconds=0.5)
    chat = harness.new_chat()
    reading = asyncio.create_task(harness.feed(U.private_text(short_seed(seed_text),
                                                              chat_id=chat)))
    await asyncio.to_thread(engine.started.wait, 10)
    asking = asyncio.create_task(harness.feed(U.private_text("Что подписали?", chat_id=chat)))
    await asyncio.sleep(1.5)
    assert not asking.done()
    engine.release.set()
    await asyncio.gather(reading, asking)
    replies = harness.api.sent_texts(chat)
    assert len(replies) == 2 and replies[-1].startswith("<b>Ответ:</b>")
    assert "Визит в Баку" in replies[-1]  # the engine names the article it was asked about


async def test_typing_is_shown_only_while_the_reply_is_slow(harness_factory, embedded_engine,
                                                            seed_text) -> None:
    """A question held up in the engine shows "typing…"; one answered at once does not (no
    call for the ~0.1 s answers, the most common reply)."""
    engine = BlockingEngine(embedded_engine)
    harness = await harness_factory(engine=engine)
    chat = await chat_with_article(harness, seed_text)
    engine.release.set()  # answers come at once
    mark = harness.api.mark()
    await harness.feed(U.private_text("Кто приехал?", chat_id=chat))
    assert harness.api.sent_texts(chat, since=mark)[-1].startswith("<b>Ответ:</b>")
    assert not harness.api.calls_for("sendChatAction", since=mark)
    engine.release.clear()  # now the engine holds the answer until released
    mark = harness.api.mark()
    asking = asyncio.create_task(harness.feed(U.private_text("Что подписали?", chat_id=chat)))
    await asyncio.sleep(1.0)
    engine.release.set()
    await asking
    typing = harness.api.calls_for("sendChatAction", since=mark)
    assert typing and all(c.params["chat_id"] == chat for c in typing)
