"""The engine in a child process (NLP_PROCESS=true): the same answers as in-process, errors of
the engine's own kind, several calls at once, and a child that dies is started again and the
call made once more."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.services.engine_process import EngineProcess, ModelProcessLost
from models.core.config import EngineConfig
from models.core.errors import EmptyQuestion
from models.core.types import Article, Length


@pytest.fixture(scope="module")
def engine_process():
    engine = EngineProcess.start(EngineConfig(), workers=2, nice=3)
    yield engine
    engine.close()


def test_child_answers_as_the_engine_in_this_process(engine_process, embedded_engine, seed_text):
    article = Article(seed_text)
    questions = ["Где прошла встреча?", "С кем встретился Али Асадов?", "Что подписали?"]
    with ThreadPoolExecutor(max_workers=3) as pool:  # three calls in flight at once
        remote = list(pool.map(lambda q: engine_process.answer(article, q), questions))
    local = [embedded_engine.answer(article, q) for q in questions]
    assert [(a.text, a.start, a.sentence) for a in remote] == [
        (a.text, a.start, a.sentence) for a in local]
    assert engine_process.name == "embedded"
    # below the bot's CPU priority, as NLP_NICE asks
    assert (os.getpriority(os.PRIO_PROCESS, engine_process.pid)
            == os.getpriority(os.PRIO_PROCESS, 0) + 3)
    summary = engine_process.summarize(article, length=Length.SHORT)
    assert summary.text == embedded_engine.summarize(article, length=Length.SHORT).text
    vectors = engine_process.embed(["Встреча прошла в Баку.", "Подписаны документы."])
    assert vectors.shape == (2, 384)


def test_engine_errors_keep_their_type(engine_process, seed_text):
    with pytest.raises(EmptyQuestion):
        engine_process.answer(Article(seed_text), "?!")


def test_a_killed_child_is_started_again_and_the_call_made_once_more(engine_process,
                                                                      seed_text, caplog):
    article = Article(seed_text)
    long = Article("\n\n".join(f"{k}. {seed_text}" for k in range(15)))  # ~1 s to analyse
    first = engine_process.pid
    with ThreadPoolExecutor(max_workers=1) as pool:
        in_flight = pool.submit(engine_process.summarize, long, length=Length.LONG)
        time.sleep(0.3)  # the child is analysing it now
        os.kill(first, signal.SIGKILL)
        summary = in_flight.result(timeout=120)
    assert summary.text  # computed again by the new child, not an error
    assert "model process lost during summarize" in caplog.text
    answer = engine_process.answer(article, "Где прошла встреча?")
    assert engine_process.pid not in (None, first)
    assert "Баку" in answer.text


def test_a_child_that_dies_under_every_try_raises_model_process_lost(engine_process,
                                                                      seed_text):
    """Each new child is killed as soon as the call reaches it: the caller gets an error the
    bot words as "the model is unavailable", after one retry, not a hang."""
    article = Article(seed_text)
    killed: list[int] = []

    def kill_each_new_child() -> None:
        deadline = time.monotonic() + 60
        while len(killed) < 2 and time.monotonic() < deadline:
            pid = engine_process.pid
            if pid is not None and pid not in killed and engine_process._calls:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.001)

    with ThreadPoolExecutor(max_workers=1) as pool:
        killer = pool.submit(kill_each_new_child)
        with pytest.raises(ModelProcessLost):
            engine_process.summarize(article, length=Length.LONG)
        killer.result(timeout=90)
    assert len(killed) == 2
    assert "Баку" in engine_process.answer(article, "Где прошла встреча?").text  # a third child
