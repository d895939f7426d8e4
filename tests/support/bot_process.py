"""`python -m bot run` as a subprocess against a test Bot API server, for the end-to-end tests
and `scripts/loadtest.py`: the bot takes the run command's code path (settings from the
environment, schema, engine load, long polling or a webhook over real HTTP to 127.0.0.1)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

from tests.support.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC"
START_TIMEOUT = 90.0  # import + engine load; ~5-10 s on two busy cores


class LoggedProcess:
    """A `python -m bot <command>` subprocess whose output is collected, line by line."""

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.log: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    async def _spawn(self, command: str, env: dict[str, str]) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", command, cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for line in self.proc.stdout:
            self.log.append(line.decode("utf-8", errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.log)

    async def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush; what was committed must survive."""
        await self._end(signal.SIGKILL)

    async def stop(self) -> int:
        return await self._end(signal.SIGTERM)

    async def _end(self, sig: int) -> int:
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(sig)
        try:
            code = await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 5)
        return code


class BotProcess(LoggedProcess):
    """One `python -m bot run` process; its log is collected for assertions."""

    def __init__(self, api: FakeBotAPI, db_path: Path, **env: str) -> None:
        super().__init__()
        self.api = api
        self.db_path = db_path
        self.env = env

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
        env.update({
            "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": self.api.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.db_path}",
            "DATA_DIR": str(self.db_path.parent), "NLP_ENGINE": "embedded",
            "FETCH_ALLOW_PRIVATE": "true", "ALBUM_WINDOW_SECONDS": "1.0",
            "USER_RATE_LIMIT": "200", "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
            "WEBHOOK_URL": "",  # a developer's .env must not switch these runs to a webhook
        })
        env.update(self.env)
        polls = self.api.get_updates_calls
        webhooks = len(self.api.calls_for("setWebhook"))
        await self._spawn("run", env)
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while not (self.api.get_updates_calls > polls
                   or len(self.api.calls_for("setWebhook")) > webhooks):
            if self.proc.returncode is not None:
                await asyncio.sleep(0.2)
                raise RuntimeError(f"bot exited {self.proc.returncode}:\n{self.output}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"bot did not start:\n{self.output}")
            await asyncio.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])



def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children now (the model process when
    NLP_PROCESS is on), from /proc (Linux)."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        # each thread lists the children it started (the model process: a worker thread's)
        children = [child for task in Path(f"/proc/{pid}/task").iterdir()
                    for child in (task / "children").read_text().split()]
    except OSError:
        return total
    return total + sum(rss_mb(int(child)) for child in children)
