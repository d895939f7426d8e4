"""`python -m bot worker`: a model worker for scale-out mode (REDIS_URL set)."""

from __future__ import annotations

import argparse
import sys

from bot import event_loop
from bot.settings import Settings

NO_REDIS = """\
REDIS_URL is not set: a worker takes its model tasks from a queue on Redis.

  REDIS_URL=redis://127.0.0.1:6379/0 python -m bot worker

Without Redis, `python -m bot run` does the model work itself (README, "Scaling out").
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default: LOG_LEVEL)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.redis_url:
        print(NO_REDIS, file=sys.stderr)
        return 2
    from bot.distributed.worker import run_worker  # the engine loads only here

    event_loop.run(run_worker(settings), settings.event_loop)
    return 0
