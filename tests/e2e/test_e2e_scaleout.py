"""Scale-out mode end to end: two bot instances (webhook, behind a round-robin forwarder), two
model workers, PostgreSQL and Redis on 127.0.0.1, the test Bot API server.

What must hold past one machine: every update answered exactly once wherever it lands, a paste
joined across instances, one user's rate limit counted across instances, a summary that
survives the kill of the worker reading it, and an instance's death costing nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from tests.e2e.conftest import SECOND_ARTICLE, replies_in
from tests.support import updates as U
from tests.support.bot_process import ROOT
from tests.support.cluster import Cluster, scale_out_cluster
from tests.support.fake_bot_api import ApiCall

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]
SEED = (ROOT / "seeds" / "000_3e03566f6385fd19.txt").read_text(encoding="utf-8")
SECOND = SECOND_ARTICLE.read_text(encoding="utf-8")
RATE_LIMIT = 4


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    async with scale_out_cluster(tmp_path_factory.mktemp("scaleout"),
                                 USER_RATE_LIMIT=str(RATE_LIMIT),
                                 USER_RATE_WINDOW_SECONDS="8") as running:
        yield running


def _to(chat_id: int, since: int, api) -> list[ApiCall]:
    return [c for c in api.calls_for("sendMessage", since=since)
            if c.params.get("chat_id") == chat_id]


def _errors(cluster: Cluster) -> str:
    """What went wrong, from the processes' logs, for a failed assertion's message."""
    lines = [line for proc in (*cluster.bots, *cluster.workers) for line in proc.log
             if "ERROR" in line or "Traceback" in line or "Error" in line]
    return "".join(lines[-40:])


def _replied_to(call: ApiCall) -> int | None:
    reply = call.params.get("reply_parameters")
    return reply["message_id"] if reply else call.params.get("reply_to_message_id")


async def test_twenty_chats_each_update_gets_exactly_one_reply(cluster: Cluster) -> None:
    api = cluster.api
    mark = api.mark()
    chats = list(range(7100, 7120))
    questions: dict[int, list[int]] = {}
    for i, chat in enumerate(chats):
        article = SEED if i % 2 == 0 else SECOND
        assert await cluster.post(U.with_id(U.private_text(article, chat_id=chat))) == 200
    # Past the paste window (a text sent sooner would be the paste's next piece), most
    # articles still being read: each question waits for its chat's article, at any instance.
    await asyncio.sleep(1.5)
    for chat in chats:
        for question in ("Что подписали?", "Где прошла встреча?"):
            update = U.with_id(U.private_text(question, chat_id=chat))
            questions.setdefault(chat, []).append(update["message"]["message_id"])
            assert await cluster.post(update) == 200
    for chat in chats:
        await replies_in(api, chat, mark, 3, timeout=120)
    await asyncio.sleep(3)  # anything sent twice would show by now
    for chat in chats:
        sent = _to(chat, mark, api)
        assert len(sent) == 3, [c.params["text"][:80] for c in sent]
        answers = [c for c in sent if _replied_to(c) in questions[chat]]
        assert sorted(_replied_to(c) for c in answers) == questions[chat]  # one each
        assert all("пошло не так" not in c.params["text"] for c in sent)
    # The model work ran on the workers, both of them, and the bots loaded no engine.
    assert all("newsbot.summarize" in w.output for w in cluster.workers)
    assert not any("engine embedded loaded" in b.output for b in cluster.bots)


async def test_a_paste_split_across_instances_is_one_article(cluster: Cluster) -> None:
    api = cluster.api
    chat = 7200
    paragraphs = SEED.split("\n\n")
    head = "\n\n".join(paragraphs)
    while len(head) < 3500:  # a piece the client had to cut: the rest is on its way
        head += "\n\n" + SECOND
    head = head[:4096].rsplit(" ", 1)[0]
    tail = ("Стороны также договорились продолжить консультации в ближайшие месяцы и провести "
            "следующую встречу в Астане, где будут рассмотрены вопросы транспорта и энергетики. "
            "Эксперты отмечают, что товарооборот двух стран за последние годы заметно вырос.")
    mark = api.mark()
    first = U.with_id(U.private_text(head, chat_id=chat))
    second = U.with_id(U.private_text(tail, chat_id=chat))
    assert await cluster.post(first, instance=0) == 200
    await asyncio.sleep(0.3)
    assert await cluster.post(second, instance=1) == 200
    await replies_in(api, chat, mark, 1, timeout=60)
    await asyncio.sleep(4)
    sent = _to(chat, mark, api)
    assert len(sent) == 1, [c.params["text"][:100] for c in sent]  # one article, one summary
    # Both pieces were read as one text: a question about the tail's words is answered.
    mark = api.mark()
    assert await cluster.post(U.with_id(U.private_text("Где пройдёт следующая встреча?",
                                                       chat_id=chat))) == 200
    answer = (await replies_in(api, chat, mark, 1))[0].params["text"]
    assert "Астан" in answer


async def test_a_users_rate_limit_holds_across_instances(cluster: Cluster) -> None:
    api = cluster.api
    chat = 7300
    mark = api.mark()
    for i in range(RATE_LIMIT + 2):  # alternating instances: 3 to each, under a limit of 4
        assert await cluster.post(U.with_id(U.command("/help", chat_id=chat)),
                                  instance=i % 2) == 200
    await asyncio.sleep(2.5)
    sent = [c.params["text"] for c in _to(chat, mark, api)]
    helps = [t for t in sent if "/ask" in t]
    waits = [t for t in sent if t not in helps]
    assert len(helps) == RATE_LIMIT and len(waits) == 1, sent  # counted together
    later = await replies_in(api, chat, mark, RATE_LIMIT + 3, timeout=30)  # held, not lost
    assert sum("/ask" in c.params["text"] for c in later) == RATE_LIMIT + 2


async def test_killed_worker_mid_summary_still_one_summary(cluster: Cluster) -> None:
    api = cluster.api
    chat = 7400
    long_text = ("Большое чтение\n\n" + "\n\n".join([SEED, SECOND] * 30))[:150_000]
    api.add_file("long-read", long_text.encode("utf-8"))
    marks = {w.name: len(w.log) for w in cluster.workers}
    mark = api.mark()
    assert await cluster.post(U.with_id(U.document("long-read", "long.txt",
                                                   size=len(long_text.encode()),
                                                   chat_id=chat))) == 200
    deadline = time.monotonic() + 60
    taken = None
    while taken is None:
        assert time.monotonic() < deadline, "no worker took the summary"
        for worker in cluster.workers:
            if any("newsbot.summarize" in line for line in worker.log[marks[worker.name]:]):
                taken = worker
        await asyncio.sleep(0.05)
    await taken.kill()
    cluster.workers.remove(taken)
    sent = await replies_in(api, chat, mark, 1, timeout=90)
    await asyncio.sleep(3)
    sent = _to(chat, mark, api)
    assert len(sent) == 1 and "Большое чтение" in sent[0].params["text"], _errors(cluster)
    survivor = cluster.workers[0]
    assert "claimed task" in survivor.output  # redelivered after TASK_REDELIVER_SECONDS
    await cluster.add_worker("worker-restarted")


async def test_metrics_and_health(cluster: Cluster) -> None:
    chat = 7450
    mark = cluster.api.mark()
    assert await cluster.post(U.with_id(U.private_text(SECOND, chat_id=chat)), instance=0) == 200
    await replies_in(cluster.api, chat, mark, 1)
    async with aiohttp.ClientSession() as http:
        port = cluster.ports[0]
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["ok"] is True
        async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            body = await resp.text()
    assert 'newsbot_model_task_seconds_count{task="summarize",where="queue"}' in body
    assert "newsbot_replies_total" in body and "newsbot_updates_total" in body


async def _answered_once(api, chat: int, since: int, method: str = "answerCallbackQuery",
                         timeout: float = 30) -> ApiCall:
    deadline = time.monotonic() + timeout
    while not (calls := api.calls_for(method, since=since)):
        assert time.monotonic() < deadline, f"no {method}"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # a second answer would show by now
    assert len(api.calls_for(method, since=since)) == 1
    return calls[0]


async def test_votes_and_corrections_across_instances(cluster: Cluster) -> None:
    """👎 pressed at one instance, the correction replied at the other, the prompt never sent
    twice, all of it in PostgreSQL; the vote counted on /metrics (#29)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    api = cluster.api
    chat = 7460
    mark = api.mark()
    assert await cluster.post(U.with_id(U.private_text(SEED, chat_id=chat)), instance=0) == 200
    await replies_in(api, chat, mark, 1)
    await asyncio.sleep(1.5)  # past the paste window
    mark = api.mark()
    assert await cluster.post(U.with_id(U.private_text("Где прошла встреча?", chat_id=chat)),
                              instance=1) == 200
    [answer] = await replies_in(api, chat, mark, 1)
    votes = {b["text"]: b["callback_data"]
             for row in answer.params["reply_markup"]["inline_keyboard"] for b in row}
    await asyncio.sleep(8)  # this module's rate limit: 4 updates a user in 8 s
    for instance, button in ((0, "👍"), (1, "👍")):  # twice, at two instances: counted once
        mark = api.mark()
        await cluster.post(U.with_id(U.callback_query(votes[button], message=answer.result,
                                                      user_id=chat)), instance=instance)
        toast = await _answered_once(api, chat, mark)
    assert "уже поставили 👍" in toast.params["text"]
    mark = api.mark()
    await cluster.post(U.with_id(U.callback_query(votes["👎"], message=answer.result,
                                                  user_id=chat)), instance=0)
    [prompt] = await replies_in(api, chat, mark, 1)
    assert "Пришлите правильный ответ" in prompt.params["text"], _errors(cluster)
    await asyncio.sleep(8)
    mark = api.mark()
    await cluster.post(U.with_id(U.callback_query(votes["👎"], message=answer.result,
                                                  user_id=chat)), instance=1)
    await _answered_once(api, chat, mark)
    assert not _to(chat, mark, api)  # asked once per answer, whichever instance
    mark = api.mark()
    assert await cluster.post(U.with_id(U.private_text(
        "объём взаимной торговли", chat_id=chat, reply_to=prompt.result)), instance=1) == 200
    [thanks] = await replies_in(api, chat, mark, 1)
    assert "Запомнил правильный ответ" in thanks.params["text"], _errors(cluster)
    db = create_async_engine(cluster.worker_env["DATABASE_URL"])
    try:
        async with db.connect() as conn:
            votes_stored = (await conn.execute(text(
                "SELECT up FROM answer_votes WHERE chat_id = :c"), {"c": chat})).all()
            [(context, answer_text, start)] = (await conn.execute(text(
                "SELECT context, text, answer_start FROM answer_corrections "
                "WHERE chat_id = :c"), {"c": chat})).all()
    finally:
        await db.dispose()
    assert [tuple(v) for v in votes_stored] == [(False,)]
    assert context[start:start + len(answer_text)] == answer_text == "объем взаимной торговли"
    bodies = []
    async with aiohttp.ClientSession() as http:
        for port in cluster.ports:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                bodies.append(await resp.text())
    counted = [line for body in bodies for line in body.splitlines()
               if line.startswith("newsbot_answer_votes_total{")]
    assert 'newsbot_answer_votes_total{kind="где",verdict="up"} 1.0' in counted, counted


async def test_killed_bot_instance_the_other_keeps_answering(cluster: Cluster) -> None:
    api = cluster.api
    await cluster.bots[0].kill()
    mark = api.mark()
    chats = [7500, 7501, 7502, 7503]
    for chat in chats:
        assert await cluster.post(U.with_id(U.private_text(SEED, chat_id=chat))) == 200
    await asyncio.sleep(1.5)  # past the paste window
    for chat in chats:
        assert await cluster.post(U.with_id(U.private_text("Что подписали?",
                                                           chat_id=chat))) == 200
    for chat in chats:
        await replies_in(api, chat, mark, 2, timeout=60)
    await asyncio.sleep(2)
    assert all(len(_to(chat, mark, api)) == 2 for chat in chats)
