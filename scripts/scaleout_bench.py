"""Scale-out benchmark: the figures the scale-out issue asks for, in one run on this machine.

    .venv/bin/python scripts/scaleout_bench.py              # about 3 minutes on 2 cores
    .venv/bin/python scripts/scaleout_bench.py --articles 20 --questions 20

Needs Redis on 127.0.0.1:6379 (uses db 12, emptied before and after). Prints:
  - a follow-up question in-process (this process's engine, the bounded executor) and through
    the queue (`python -m bot worker`), p50 / p95, and the queue's extra latency: the
    difference of the two, and per call the round trip minus the worker's own time;
  - articles summarised per minute through the queue with 1 worker and with 2;
  - peak RSS of a worker, and of a bot instance in scale-out mode (`python -m bot run`, webhook,
    no engine) while it takes articles and questions from the test Bot API server.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402

from bot.distributed.remote_models import RemoteModels  # noqa: E402
from bot.distributed.tasks import article_to_payload, build_brokers, done_key  # noqa: E402
from bot.services.nlp import LocalModels  # noqa: E402
from bot.services.nlp_executor import NlpExecutor  # noqa: E402
from models.core.types import Article, Length  # noqa: E402
from scripts.loadtest import article_pool, variant  # noqa: E402
from tests.support import updates as U  # noqa: E402
from tests.support.bot_process import BotProcess, free_port  # noqa: E402
from tests.support.cluster import WorkerProcess, drop_database, fresh_database  # noqa: E402
from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/12"
SEED = (ROOT / "seeds" / "000_3e03566f6385fd19.txt").read_text("utf-8")
QUESTIONS = ("Что подписали?", "Где прошла встреча?", "Кто президент Казахстана?",
             "Каков объём взаимной торговли?", "С кем встретился Али Асадов?",
             "Когда состоялась встреча?", "Какие документы были подписаны?",
             "О чём договорились стороны?")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def in_process(questions: int) -> list[float]:
    from bot.settings import Settings
    from models import load_engine

    engine = await asyncio.to_thread(load_engine, Settings().engine_config())
    models = LocalModels(engine, NlpExecutor(1, 8, 32, 1))
    article = Article(SEED)
    await models.prepare(article)
    await models.answer(article, QUESTIONS[0])
    times = []
    for i in range(questions):
        started = time.perf_counter()
        await models.answer(article, QUESTIONS[i % len(QUESTIONS)])
        times.append(time.perf_counter() - started)
    models.close()
    del engine, models
    gc.collect()
    return times


async def through_queue(questions: int) -> tuple[list[float], list[float]]:
    """Round trips of questions, and each one's round trip minus the worker's own time."""
    brokers = build_brokers(REDIS_URL)
    await brokers.startup()
    waits = Redis.from_url(REDIS_URL, socket_timeout=70)
    article = Article(SEED)
    task = brokers.questions.find_task("newsbot.answer")
    assert task is not None
    remote = RemoteModels(brokers, "embedded", 60)
    await remote.prepare(article)
    trips, overheads = [], []
    for i in range(questions + 1):
        task_id = uuid.uuid4().hex
        started = time.perf_counter()
        await task.kicker().with_task_id(task_id).kiq(
            article_to_payload(article), QUESTIONS[i % len(QUESTIONS)],
            deadline=time.time() + 60)
        await waits.blpop([done_key(task_id)], timeout=60)
        result = await brokers.questions.result_backend.get_result(task_id)
        trip = time.perf_counter() - started
        if i:  # the first warms the worker's question path
            trips.append(trip)
            overheads.append(trip - result.execution_time)
    await remote.aclose()
    await waits.aclose()
    await brokers.shutdown()
    return trips, overheads


async def summaries_per_minute(count: int, offset: int) -> float:
    brokers = build_brokers(REDIS_URL)
    await brokers.startup()
    remote = RemoteModels(brokers, "embedded", 300)
    pool = article_pool()
    articles = [Article(variant(pool[i % len(pool)], offset + i) + f"\n\nВыпуск {offset + i}.")
                for i in range(count)]
    started = time.perf_counter()
    await asyncio.gather(*(remote.summarize(a, Length.SHORT) for a in articles))
    elapsed = time.perf_counter() - started
    await remote.aclose()
    await brokers.shutdown()
    return count / elapsed * 60


async def bot_peak_rss(tmp: Path, articles: int) -> float:
    db_name, db_url = await fresh_database()
    api = FakeBotAPI()
    await api.start()
    port = free_port()
    bot = BotProcess(api, tmp / "unused.sqlite3", REDIS_URL=REDIS_URL, DATABASE_URL=db_url,
                     WEBHOOK_URL=f"http://127.0.0.1:{port}", WEBHOOK_HOST="127.0.0.1",
                     WEBHOOK_PORT=str(port), INSTANCE_ID="bench-bot")
    import aiohttp

    try:
        await bot.start()
        assert bot.proc is not None
        pool = article_pool()
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            for i in range(articles):
                text = variant(pool[i % len(pool)], 500 + i)
                await http.post(url, json=U.with_id(U.private_text(text, chat_id=8000 + i)))
            await asyncio.sleep(1.5)
            for i in range(articles):
                await http.post(url, json=U.with_id(U.private_text("О чём статья?",
                                                                   chat_id=8000 + i)))
        deadline = time.monotonic() + 120
        while len(api.calls_for("sendMessage")) < 2 * articles and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        return peak_mb(bot.proc.pid)
    finally:
        await bot.stop()
        await api.stop()
        await drop_database(db_name)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    env = {"REDIS_URL": REDIS_URL, "METRICS_PORT": "0", "LOG_LEVEL": "WARNING"}
    workers: list[WorkerProcess] = []
    try:
        local = await in_process(args.questions)
        print(f"question in-process:       p50 {statistics.median(local) * 1000:6.0f} ms  "
              f"p95 {pct(local, 0.95) * 1000:6.0f} ms")
        workers.append(WorkerProcess({**env, "LOG_LEVEL": "INFO"}, "bench-w1"))
        await workers[0].start()
        trips, overheads = await through_queue(args.questions)
        print(f"question through queue:    p50 {statistics.median(trips) * 1000:6.0f} ms  "
              f"p95 {pct(trips, 0.95) * 1000:6.0f} ms")
        print(f"queue's extra (difference): p50 {(statistics.median(trips) - statistics.median(local)) * 1000:5.0f} ms  "
              f"p95 {(pct(trips, 0.95) - pct(local, 0.95)) * 1000:5.0f} ms")
        print(f"queue's extra (per call, round trip - worker time): p50 "
              f"{statistics.median(overheads) * 1000:.1f} ms  p95 {pct(overheads, 0.95) * 1000:.1f} ms")
        one = await summaries_per_minute(args.articles, 0)
        print(f"summaries a minute, 1 worker:  {one:6.0f}")
        workers.append(WorkerProcess({**env, "LOG_LEVEL": "INFO"}, "bench-w2"))
        await workers[1].start()
        two = await summaries_per_minute(args.articles, 10_000)
        print(f"summaries a minute, 2 workers: {two:6.0f}")
        assert workers[0].proc is not None
        print(f"peak RSS, worker:           {peak_mb(workers[0].proc.pid):6.0f} MB")
        with tempfile.TemporaryDirectory() as tmp:
            bot = await bot_peak_rss(Path(tmp), min(args.articles, 20))
        print(f"peak RSS, bot instance:     {bot:6.0f} MB (no engine; aiogram's types alone "
              f"~166 MB here)")
    finally:
        for worker in workers:
            await worker.stop()
        await redis.flushdb()
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
