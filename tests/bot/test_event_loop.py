"""The bot's event loop: uvloop by default, asyncio's own on request."""

import asyncio

import pytest

from bot import event_loop
from bot.settings import Settings


async def loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


def test_uvloop_runs_the_bot_by_default():
    pytest.importorskip("uvloop")
    assert Settings(_env_file=None).event_loop == "uvloop"
    assert event_loop.run(loop_module()).startswith("uvloop")


def test_asyncio_loop_on_request():
    assert event_loop.run(loop_module(), "asyncio").startswith("asyncio")
