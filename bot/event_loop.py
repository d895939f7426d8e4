"""The event loop the bot and the worker run on.

Under a burst the loop is the bottleneck, not the models (they run in a child process): it
parses every update, runs aiogram's dispatch, talks to the database through aiosqlite's
thread and to the Bot API over HTTP. uvloop (libuv) does the loop's own share of that, its
callbacks, sockets and cross-thread wake-ups, in C; aiogram's documentation recommends it.
`EVENT_LOOP=asyncio` keeps the standard loop (and it is used where uvloop is not installed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

T = TypeVar("T")
EventLoopKind = Literal["uvloop", "asyncio"]

logger = logging.getLogger(__name__)


def run(main: Coroutine[Any, Any, T], kind: EventLoopKind = "uvloop") -> T:
    """`asyncio.run(main)` on the loop `kind` names, the standard one when uvloop is missing."""
    if kind == "uvloop":
        try:
            import uvloop
        except ImportError:
            logger.warning("EVENT_LOOP=uvloop but uvloop is not installed: using asyncio's loop")
        else:
            return uvloop.run(main)
    return asyncio.run(main)
