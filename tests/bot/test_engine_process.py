"""The engine in a child process (NLP_PROCESS=true): the same answers as in-process, errors of
the engine's own kind, several calls at once, and a child that dies is started again."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.services.engine_process import EngineProcess
from models.engines.base import Article, Length
from models.engines.config import EngineConfig
from models.engines.errors import EmptyQuestion, EngineError


@pytest.fixture(scope="module")
def engine_process():
    engine = EngineProcess.start(EngineConfig(), workers=2)
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
    summary = engine_process.summarize(article, length=Length.SHORT)
    assert summary.text == embedded_engine.summarize(article, length=Length.SHORT).text
    vectors = engine_process.embed(["Встреча прошла в Баку.", "Подписаны документы."])
    assert vectors.shape == (2, 384)


def test_engine_errors_keep_their_type(engine_process, seed_text):
    with pytest.raises(EmptyQuestion):
        engine_process.answer(Article(seed_text), "?!")


def test_a_killed_child_fails_its_calls_and_is_started_again(engine_process, seed_text):
    article = Article(seed_text)
    first = engine_process.pid
    os.kill(first, signal.SIGKILL)
    outcomes = []
    for _ in range(3):  # the call in flight fails (not hangs); a later one starts a new child
        try:
            outcomes.append(engine_process.answer(article, "Где прошла встреча?").text)
        except EngineError:
            outcomes.append(None)
    assert engine_process.pid not in (None, first)
    assert outcomes[-1] is not None and "Баку" in outcomes[-1]
