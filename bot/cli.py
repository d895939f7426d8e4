"""The command line: the bot, and the same pipeline on files without Telegram.

Each subcommand lives in its own module and exposes `add_arguments(parser)` and
`run(args, settings) -> int`. Exit codes: 0 ok, 2 bad input (with a clear message), 1 other.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bot.logging_setup import setup_logging
from bot.settings import Settings

# subcommand -> module implementing it
COMMANDS: dict[str, str] = {
    "run": "bot.commands.run",
    "worker": "bot.commands.worker",
    "summarize": "bot.commands.summarize",
    "ask": "bot.commands.ask",
    "eval": "bot.commands.evaluate",
    "benchmark": "bot.commands.benchmark",
    "models": "bot.commands.models",
    "digest": "bot.commands.digest",
}

HELP = {
    "run": "start the Telegram bot (long polling, or a webhook when WEBHOOK_URL is set)",
    "worker": "run model tasks from the queue on Redis (scale-out mode, REDIS_URL set)",
    "summarize": "summarise an article from a file or stdin",
    "ask": "answer a question about an article",
    "eval": "score the engine on the evaluation data in ../shared/eval",
    "benchmark": "measure load time, latency and peak memory of the configured engine",
    "models": "manage local model folders (download for offline use)",
    "digest": "compose a digest from a JSONL file of articles, or a chat's from the database",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=HELP[name]))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    setup_logging(getattr(args, "log_level", None) or settings.log_level)
    module = importlib.import_module(COMMANDS[args.command])
    try:
        return int(module.run(args, settings) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
