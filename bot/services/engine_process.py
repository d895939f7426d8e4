"""The engine in a process of its own (`NLP_PROCESS=true`), behind the engine's own methods.

natasha's analysis is pure Python and holds the GIL; in one process it shares it with the event
loop, which under a burst must also store, route and answer a hundred updates a second. py-spy
showed the loop busy two thirds of the time and waiting for the GIL the rest while commands
that touch no model took 8–21 s (stop 22). Here the models live in a child process: the bot's
executor threads (bot.services.nlp_executor) send each call down a pipe and wait for its reply
without the GIL, so the executor keeps its lanes, priorities and "busy" answers unchanged and
the event loop has its core to itself.

The child runs each call in a thread of its own (as many as the executor runs at once), its
torch threads the cores divided among the calls running, as the executor does in-process. It
runs at a lower CPU priority (`NLP_NICE`): under a burst the event loop, which stores, routes and
answers every update, gets the CPU first and the models take the rest. Burst of 1,000 updates
on 2 cores (scripts/loadtest.py): commands p50 2.2–2.5 s and questions p95 8.6–9.7 s with nice
10, against 3.1–4.5 s and 10–14 s without; summaries 141–149 of 200 (141–175), questions
answered 32–33 (42–59): replies, "busy" included, come sooner and fewer questions are read.
Nice 19 cut further (2.0 s, 8.2 s) but left 77 articles unread ("busy").

A child that dies (killed, out of memory) is started again and the calls it held are made once
more; one that dies again under them fails them with `ModelProcessLost`.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from models.core.config import EngineConfig
from models.core.errors import EngineError, ModelUnavailable
from models.core.types import Answer, Article, Length, Summary, Turn

logger = logging.getLogger(__name__)


class ModelProcessLost(ModelUnavailable):
    """The model process died under a call (killed, out of memory) and again on the retry:
    the user hears that the model is unavailable for now, not an apology for a bug."""


START_TIMEOUT = 300.0  # seconds the child may take to load its models (about 7 s here)


def _serve(config: EngineConfig, conn: Connection, workers: int, cores: int,
           log_level: str, nice: int = 0) -> None:
    """The child: load the engine, then run each (call id, method, args, kwargs) that arrives
    in a worker thread and send back (call id, ok, result or exception)."""
    from bot.logging_setup import setup_logging
    from bot.services.nlp_executor import GIL_SWITCH_SECONDS
    from models import load_engine
    from models.hf.loading import use_threads

    # as in the bot's own process: torch's threads get the GIL back from natasha's Python
    # every 0.5 ms, not every 5 ms, so a question is read while an article is analysed
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    if nice > 0:
        os.nice(nice)  # the bot's event loop, which answers everyone, goes first for the CPU
    setup_logging(log_level)  # a spawned process starts with no logging set up: the bot's level
    try:
        engine = load_engine(config)
    except BaseException as exc:  # noqa: BLE001  the parent raises it
        conn.send(("failed", _sendable(exc)))
        return
    conn.send(("ready", getattr(engine, "name", "engine")))
    send_lock = threading.Lock()
    count_lock = threading.Lock()
    running = 0

    def run(call_id: int, method: str, args: tuple, kwargs: dict) -> None:
        nonlocal running
        with count_lock:
            running += 1
            threads = max(1, cores // running)
        use_threads(threads)
        try:
            reply = (call_id, True, getattr(engine, method)(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001  the caller sees it
            reply = (call_id, False, _sendable(exc))
        finally:
            with count_lock:
                running -= 1
        with send_lock:
            try:
                conn.send(reply)
            except Exception as exc:  # noqa: BLE001  a result that does not pickle
                conn.send((call_id, False, EngineError(f"{method} result not sent: {exc!r}")))

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="engine") as pool:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            pool.submit(run, *message)


def _sendable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling (the bot tells EmptyQuestion from a failure by its type),
    else an EngineError with its text."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return EngineError(f"{type(exc).__name__}: {exc}")
    return exc


class EngineProcess:
    """The engine's methods, each run in the child process; blocking, like the engine itself,
    so it is called from the executor's threads, never from the event loop."""

    def __init__(self, config: EngineConfig, *, workers: int = 2, cores: int = 0,
                 nice: int = 0) -> None:
        self.config = config
        self.nice = nice
        self.workers = max(1, workers)
        self.cores = cores if cores > 0 else (os.cpu_count() or 1)
        self.name = config.name
        self._ids = itertools.count()
        self._lock = threading.Lock()  # the child, the pipe's sending end, the futures
        self._calls: dict[int, Future[Any]] = {}
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    @classmethod
    def start(cls, config: EngineConfig, *, workers: int = 2, cores: int = 0,
              nice: int = 0) -> EngineProcess:
        """Start the child and wait until its models are loaded (raises what loading raised).
        `nice`: how much lower the child's CPU priority is than the bot's (see NLP_NICE)."""
        engine = cls(config, workers=workers, cores=cores, nice=nice)
        with engine._lock:
            engine._spawn()
        return engine

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
        process = context.Process(target=_serve, name="engine", daemon=True,
                                  args=(self.config, theirs, self.workers, self.cores, level,
                                        self.nice))
        process.start()
        theirs.close()
        if not ours.poll(START_TIMEOUT):
            process.kill()
            raise EngineError(f"the model process did not start within {START_TIMEOUT:.0f} s")
        try:
            status, detail = ours.recv()
        except EOFError:
            process.join(1)
            raise EngineError(f"the model process exited ({process.exitcode}) while loading"
                              ) from None
        if status != "ready":
            process.join(5)
            raise detail
        self.name, self._process, self._conn = detail, process, ours
        threading.Thread(target=self._receive, args=(ours, process), name="engine-replies",
                         daemon=True).start()
        logger.info("model process %d ready (%s)", process.pid, self.name)

    def _receive(self, conn: Connection, process: multiprocessing.process.BaseProcess) -> None:
        """Hand each reply to its caller; when the child is gone, fail the calls in flight."""
        while True:
            try:
                call_id, ok, value = conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                future = self._calls.pop(call_id, None)
            if future is not None:
                future.set_result(value) if ok else future.set_exception(value)
        process.join(5)
        with self._lock:
            if self._conn is conn:
                self._conn = None
            lost = list(self._calls.values())
            self._calls.clear()
        if lost:
            logger.error("model process %s exited (%s); %d calls failed", process.pid,
                         process.exitcode, len(lost))
        for future in lost:
            future.set_exception(ModelProcessLost("the model process stopped"))

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """`engine.method(*args, **kwargs)` in the child. A child that dies under the call is
        started again and the call made once more (the engine's calls have no side effects);
        a second loss raises ModelProcessLost."""
        try:
            return self._send(method, args, kwargs).result()
        except ModelProcessLost:
            logger.warning("model process lost during %s: trying it once more", method)
        return self._send(method, args, kwargs).result()

    def _send(self, method: str, args: tuple, kwargs: dict) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._conn is None:
                logger.warning("model process gone: starting it again")
                self._spawn()
            assert self._conn is not None
            call_id = next(self._ids)
            self._calls[call_id] = future
            try:
                self._conn.send((call_id, method, args, kwargs))
            except (OSError, ValueError) as exc:  # it died before its receiver noticed
                self._calls.pop(call_id, None)
                self._conn = None
                raise ModelProcessLost("the model process stopped") from exc
        return future

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        return self.call("summarize", article, length=length)

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        return self.call("answer", article, question, previous=previous)

    def prepare(self, article: Article) -> None:
        self.call("prepare", article)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.call("embed", list(texts))

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        """Ask the child to finish and wait a moment for it; kill it if it does not."""
        with self._lock:
            conn, process, self._conn = self._conn, self._process, None
        if conn is not None:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        if process is not None:
            process.join(5)
            if process.is_alive():
                process.kill()
