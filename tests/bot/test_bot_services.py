"""Services without Telegram: the bounded executor, the paste joiner, file decoding."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.errors import Busy, UnsupportedFile
from bot.services.documents import decode_text, document_to_text
from bot.services.message_joiner import MessageJoiner, Part, join_parts
from bot.services.nlp_executor import Lane, NlpExecutor


async def test_executor_runs_off_the_loop_and_refuses_when_full() -> None:
    executor = NlpExecutor(workers=1, queue_size=1)
    release = threading.Event()
    loop_thread = threading.get_ident()

    def work() -> int:
        assert threading.get_ident() != loop_thread
        release.wait(5)
        return 1

    first = asyncio.create_task(executor.run(work))
    second = asyncio.create_task(executor.run(work))
    await asyncio.sleep(0.05)
    ticks = 0
    while ticks < 3:  # the loop stays responsive while both jobs are pending
        await asyncio.sleep(0.01)
        ticks += 1
    with pytest.raises(Busy):
        await executor.run(work)
    release.set()
    assert await first + await second == 2
    assert await executor.run(lambda: 3) == 3  # room again
    executor.shutdown()


async def test_jobs_running_together_share_the_cores_torch_uses() -> None:
    """Alone, a job's torch uses every core; a question beside a summary gets one of two, so
    the two jobs' threads do not outnumber the cores."""
    import torch

    executor = NlpExecutor(workers=1, question_workers=1, cores=2)
    release = threading.Event()

    def article() -> int:
        seen = torch.get_num_threads()
        release.wait(5)
        return seen

    def question() -> int:
        return torch.get_num_threads()

    assert await executor.run(question, lane=Lane.QUESTION) == 2  # alone: both cores
    running = asyncio.create_task(executor.run(article, lane=Lane.ARTICLE))
    await asyncio.sleep(0.05)
    assert executor.running == 1
    assert await executor.run(question, lane=Lane.QUESTION) == 1  # beside the article
    release.set()
    assert await running == 2
    assert await executor.run(question, lane=Lane.QUESTION) == 2
    executor.shutdown()


async def test_questions_go_before_waiting_articles_and_have_a_worker_of_their_own() -> None:
    executor = NlpExecutor(workers=1, queue_size=8, question_workers=1)
    release = threading.Event()
    order: list[str] = []

    def article(name: str) -> str:
        release.wait(5)
        order.append(name)
        return name

    def question(name: str) -> str:
        order.append(name)
        return name

    articles = [asyncio.create_task(executor.run(article, f"a{i}", lane=Lane.ARTICLE))
                for i in range(3)]
    await asyncio.sleep(0.05)  # a0 holds the shared worker, a1 and a2 wait
    # a question is answered by its own worker while the article is still being read
    assert await asyncio.wait_for(executor.run(question, "q0", lane=Lane.QUESTION), 2) == "q0"
    assert order == ["q0"]
    release.set()
    assert [await a for a in articles] == ["a0", "a1", "a2"]
    executor.shutdown()

    # with no worker of their own, a waiting question still goes before waiting articles
    executor = NlpExecutor(workers=1, queue_size=8, question_workers=0)
    release.clear()
    order.clear()
    jobs = [asyncio.create_task(executor.run(article, "a0", lane=Lane.ARTICLE))]
    await asyncio.sleep(0.05)
    jobs.append(asyncio.create_task(executor.run(article, "a1", lane=Lane.ARTICLE)))
    jobs.append(asyncio.create_task(executor.run(question, "q1", lane=Lane.QUESTION)))
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(*jobs)
    assert order == ["a0", "q1", "a1"]
    executor.shutdown()


async def test_joiner_returns_all_parts_to_the_first_caller_only() -> None:
    joiner = MessageJoiner(window=0.2)
    key = (1, 1)

    async def later(part: Part, delay: float):
        await asyncio.sleep(delay)
        return await joiner.add(key, part)

    started = time.monotonic()
    results = await asyncio.gather(joiner.add(key, Part("Первая часть.", 10)),
                                   later(Part("вторая", 11), 0.1), later(Part("третья", 12), 0.25))
    assert results[1] is None and results[2] is None
    assert [p.message_id for p in results[0]] == [10, 11, 12]
    assert time.monotonic() - started >= 0.45  # quiet for a full window after the last part
    assert join_parts(results[0]) == "Первая часть.\nвторая третья"
    assert not await joiner.is_open(key)


def test_decode_accepts_utf8_utf16_cp1251_and_refuses_binary() -> None:
    text = "Премьер-министр встретился с коллегой."
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(text.encode("utf-16")) == text
    assert decode_text(text.encode("cp1251")) == text
    with pytest.raises(UnsupportedFile):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UnsupportedFile):
        document_to_text(b"text", "archive.zip")


def test_texts_that_are_not_prose_still_read_as_text() -> None:
    """The reading test (#27, item 6) refuses noise, not texts: English, Ukrainian, a price
    list full of «млн руб» and «МосБиржи», or too few words to judge."""
    import random

    from bot.services.readable import decode_unlabelled, reads_as_text

    prices = ("Курс доллара: 92,5 руб; евро: 99,1 руб. Индекс МосБиржи 3200 пунктов, +1,2%. "
              "Объём торгов 5 млн руб, 3 млрд руб. ") * 5
    english = "The minister met his Kazakh colleague in Baku on Monday, Mr Smith said. " * 5
    ukrainian = "Уряд України затвердив програму будівництва нових шкіл у Києві. " * 5
    for text in (prices, english, ukrainian, "ЖЩК лЕтО"):
        assert reads_as_text(text), text
    rng = random.Random(1)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(5_000))
    assert not reads_as_text(decode_unlabelled(noise))


def test_markdown_file_loses_its_marks() -> None:
    _, text = document_to_text("# Заголовок\n\n**Важно**: [ссылка](http://x.y)".encode(), "a.md")
    assert text == "Заголовок\n\nВажно: ссылка"


async def test_a_question_not_taken_up_in_time_is_refused_not_left_waiting() -> None:
    executor = NlpExecutor(workers=1, question_workers=0, question_wait=0.2)
    release = threading.Event()
    slow = asyncio.create_task(executor.run(release.wait, 5, lane=Lane.ARTICLE))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    with pytest.raises(Busy):
        await executor.run(lambda: "late", lane=Lane.QUESTION)
    assert time.monotonic() - started < 1.0
    release.set()
    await slow
    assert await executor.run(lambda: "now", lane=Lane.QUESTION) == "now"
    executor.shutdown()


async def test_a_question_that_could_not_start_in_time_hears_busy_at_once() -> None:
    """With questions queued that keep the workers past its wait (by the running mean of a
    question's time), a question is refused when it comes, not when its wait is over; one with
    room in the queue waits and is answered."""
    executor = NlpExecutor(workers=1, question_workers=1, question_wait=2.0)
    assert await executor.run(time.sleep, 0.4, lane=Lane.QUESTION) is None
    assert executor.question_seconds == pytest.approx(0.4, abs=0.1)
    release = threading.Event()
    busy = [asyncio.create_task(executor.run(release.wait, 5, lane=Lane.QUESTION))
            for _ in range(2)]  # both workers held
    await asyncio.sleep(0.05)
    # each waiting question keeps the two workers ~0.2 s: ten of them, past a 2 s wait
    queued = [asyncio.create_task(executor.run(lambda: "answered", lane=Lane.QUESTION))
              for _ in range(10)]
    await asyncio.sleep(0.05)
    assert executor.expected_question_start() > 1.9
    started = time.monotonic()
    with pytest.raises(Busy):
        await executor.run(lambda: "late", lane=Lane.QUESTION)
    assert time.monotonic() - started < 0.5  # at once, not after the 2 s wait
    release.set()
    assert await asyncio.gather(*queued) == ["answered"] * 10
    await asyncio.gather(*busy)
    assert executor.expected_question_start() == 0.0  # nothing waits now
    assert await executor.run(lambda: "now", lane=Lane.QUESTION) == "now"
    executor.shutdown()


async def test_a_stream_of_questions_does_not_starve_an_article() -> None:
    """Questions go first, but an article kept waiting a second takes the shared worker."""
    executor = NlpExecutor(workers=1, question_workers=1)
    stop = threading.Event()

    def question() -> None:
        time.sleep(0.05)

    async def ask_forever() -> None:
        while not stop.is_set():
            await executor.run(question, lane=Lane.QUESTION)

    asking = asyncio.gather(*(ask_forever() for _ in range(6)))  # questions always waiting
    await asyncio.sleep(0.1)
    started = time.monotonic()
    summary = await asyncio.wait_for(executor.run(lambda: "summary", lane=Lane.ARTICLE), 5)
    assert summary == "summary"
    waited = time.monotonic() - started
    stop.set()
    await asking
    executor.shutdown()
    assert waited < 2.0, waited


async def test_a_joined_piece_is_over_only_when_its_batch_was_answered() -> None:
    """The follower leaves `collect` after the first piece's block (its reply) is done, so
    an update whose text went into another's article is not settled before that article."""
    joiner = MessageJoiner(window=0.05)
    key = (1, 2, "text")
    events: list[str] = []

    async def first() -> None:
        async with joiner.collect(key, Part("Первая часть.", 10)) as parts:
            assert parts is not None and len(parts) == 2
            await asyncio.sleep(0.2)  # summarising and replying
            events.append("answered")

    async def second() -> None:
        await asyncio.sleep(0.01)
        async with joiner.collect(key, Part("Вторая часть.", 11)) as parts:
            assert parts is None
        events.append("second settled")

    await asyncio.gather(first(), second())
    assert events == ["answered", "second settled"]


async def test_a_single_message_is_not_held_for_the_whole_window() -> None:
    """Only a piece near Telegram's 4,096-character cut announces more pieces; a 1,800-char
    message is answered at once (a quarter second), a 4,000-char one waits for its tail."""
    joiner = MessageJoiner(window=2.0)
    started = time.monotonic()
    parts = await joiner.add((1, 1, "text"), Part("Короткая новость. " * 100, 1))
    assert parts is not None and time.monotonic() - started < 1.0

    async def tail() -> None:
        await asyncio.sleep(1.0)  # a second later: within the window after a cut piece
        assert await joiner.add((1, 2, "text"), Part("Конец статьи.", 3)) is None

    head, _ = await asyncio.gather(joiner.add((1, 2, "text"), Part("Длинная статья. " * 250, 2)),
                                   tail())
    assert head is not None and [p.message_id for p in head] == [2, 3]


async def test_a_tail_that_reaches_the_joiner_before_its_head_still_waits_for_it() -> None:
    """Handlers run concurrently: the short tail of a paste may be collected first. Both
    pieces were announced on arrival (`expect`), so the tail waits the full window."""
    joiner = MessageJoiner(window=0.5)
    key = (1, 3, "text")
    joiner.expect(key)  # the head arrived
    joiner.expect(key)  # then the tail

    async def head_late() -> list[Part] | None:
        await asyncio.sleep(0.35)  # past the short wait, within the window
        return await joiner.add(key, Part("Начало статьи. " * 250, 1))

    tail, head = await asyncio.gather(joiner.add(key, Part("Конец статьи.", 2)), head_late())
    assert head is None and tail is not None and [p.message_id for p in tail] == [1, 2]


async def test_a_piece_longer_than_a_message_holds_is_not_waited_after() -> None:
    """Clients cut a paste at 4,096 characters: a 3,500-character piece may have a tail on its
    way, a 6,000-character text (a file, a long post) cannot, and is answered at once."""
    joiner = MessageJoiner(window=1.0)
    started = time.monotonic()
    assert await joiner.add(("c", 1, "text"), Part("а" * 6000, 1)) is not None
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    assert await joiner.add(("c", 2, "text"), Part("а" * 3500, 2)) is not None
    assert time.monotonic() - started >= 1.0
