"""A scale-out cluster for the end-to-end tests and the benchmark: bot instances in webhook mode
behind a round-robin forwarder of our own, `python -m bot worker` processes, the PostgreSQL and
Redis on 127.0.0.1 (a database of its own, a Redis db of its own, both emptied after)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.bot_process import BotProcess, LoggedProcess, free_port
from tests.support.fake_bot_api import FakeBotAPI

PG_ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
REDIS_DB = 11  # the cluster's own Redis database, flushed before and after


class WorkerProcess(LoggedProcess):
    """One `python -m bot worker`; its log is kept, to see which task it took."""

    def __init__(self, env: dict[str, str], name: str) -> None:
        super().__init__()
        self.env = env
        self.name = name

    async def start(self, timeout: float = 120.0) -> None:
        env = {**os.environ, **self.env, "INSTANCE_ID": self.name, "PYTHONUNBUFFERED": "1"}
        await self._spawn("worker", env)
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while self.output.count("Listening started") < 3:  # every queue
            if self.proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.name} did not start:\n{self.output[-3000:]}")
            await asyncio.sleep(0.1)


class RoundRobin:
    """A load balancer in a few lines: each POST goes to the next live instance."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.dead: set[int] = set()
        self._next = itertools.cycle(range(len(ports)))
        self.port = free_port()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")}
        for _ in range(len(self.ports)):
            port = self.ports[next(self._next)]
            if port in self.dead:
                continue
            try:
                async with self._http.post(f"http://127.0.0.1:{port}{request.path}", data=body,
                                           headers=headers) as resp:
                    return web.Response(status=resp.status, body=await resp.read())
            except aiohttp.ClientConnectionError:
                self.dead.add(port)  # as a load balancer's health check would find
        return web.Response(status=502)


class Cluster:
    def __init__(self, api: FakeBotAPI, bots: list[BotProcess], ports: list[int],
                 workers: list[WorkerProcess], balancer: RoundRobin, redis: Redis,
                 worker_env: dict[str, str]) -> None:
        self.api = api
        self.bots = bots
        self.ports = ports
        self.workers = workers
        self.balancer = balancer
        self.redis = redis
        self.worker_env = worker_env
        self.http = aiohttp.ClientSession()

    async def post(self, update: dict[str, Any], *, instance: int | None = None) -> int:
        """Deliver an update as Telegram would: to the balancer, or to one instance."""
        base = self.balancer.url if instance is None else f"http://127.0.0.1:{self.ports[instance]}"
        async with self.http.post(f"{base}/telegram/webhook", json=update) as resp:
            return resp.status

    async def add_worker(self, name: str) -> WorkerProcess:
        worker = WorkerProcess(self.worker_env, name)
        await worker.start()
        self.workers.append(worker)
        return worker


async def empty_redis(url: str) -> Redis:
    """A client of the Redis database at `url`, flushed; the test is skipped when no Redis
    answers at 127.0.0.1:6379."""
    redis = Redis.from_url(url)
    try:
        await redis.ping()
    except Exception as exc:  # noqa: BLE001
        await redis.aclose()
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {type(exc).__name__}")
    await redis.flushdb()
    return redis


async def fresh_database() -> tuple[str, str]:
    name = f"scale_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {type(exc).__name__}")
    finally:
        await admin.dispose()
    return name, f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def drop_database(name: str) -> None:
    admin = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@contextlib.asynccontextmanager
async def scale_out_cluster(tmp: Path, *, bots: int = 2, workers: int = 2,
                            **settings: str) -> AsyncIterator[Cluster]:
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis = await empty_redis(redis_url)
    db_name, db_url = await fresh_database()
    api = FakeBotAPI()
    await api.start()
    common = {"REDIS_URL": redis_url, "DATABASE_URL": db_url, "TASK_REDELIVER_SECONDS": "4",
              "NLP_TIMEOUT": "60", "LOG_LEVEL": "INFO", **settings}
    worker_env = {**common, "METRICS_PORT": "0", "DATA_DIR": str(tmp)}
    ports = [free_port() for _ in range(bots)]
    balancer = RoundRobin(ports)
    await balancer.start()
    procs = [BotProcess(api, tmp / f"unused-{i}.sqlite3", **common, INSTANCE_ID=f"bot{i}",
                        WEBHOOK_URL=balancer.url, WEBHOOK_HOST="127.0.0.1",
                        WEBHOOK_PORT=str(port))
             for i, port in enumerate(ports)]
    pool = [WorkerProcess(worker_env, f"worker{i}") for i in range(workers)]
    cluster = Cluster(api, procs, ports, pool, balancer, redis, worker_env)
    try:
        await asyncio.gather(*(w.start() for w in pool))
        for proc in procs:  # one at a time: the schema is created by the first
            await proc.start()
        yield cluster
    finally:
        await cluster.http.close()
        for proc in procs:
            await proc.stop()
        for worker in cluster.workers:
            await worker.stop()
        await balancer.stop()
        await api.stop()
        await redis.flushdb()
        await redis.aclose()
        await drop_database(db_name)
