"""The command line: the bot, and the same pipeline on files without Telegram.

Each subcommand lives in its own module and exposes `add_arguments(parser)` and
`run(args, settings) -> int`. Exit codes: 0 ok, 2 bad input (with a clear message), 1 other.

Logging: the bot and the worker log at `LOG_LEVEL` (their log is their record); the tools
(summarize, ask, eval, ...) print only warnings unless asked with `-v` (INFO) or `-vv` (DEBUG),
so their output is the answer, not the loading of the morphology dictionaries.
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


# Long-running services: they log at the configured level whatever the flags.
SERVICES = frozenset({"run", "worker"})
QUIET = "WARNING"


def verbosity() -> argparse.ArgumentParser:
    """`-v`/`--verbose`, accepted before or after the subcommand (`python -m bot -v ask ...`
    and `python -m bot ask -v ...`); absent unless given, so one place does not reset the
    other."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="show log messages (-v: progress, -vv: debugging detail)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0],
                                     parents=[verbosity()])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=HELP[name], parents=[verbosity()]))
    return parser


def log_level(args: argparse.Namespace, settings: Settings) -> str:
    """The level for this run: `-v` wins; the services keep `LOG_LEVEL`; the tools are quiet
    (pymorphy's «Loading dictionaries» INFO lines on every `ask` read as noise or trouble)."""
    verbose = getattr(args, "verbose", 0) or 0
    if verbose:
        return "DEBUG" if verbose > 1 else "INFO"
    if args.command in SERVICES:
        return settings.log_level
    return QUIET


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    setup_logging(log_level(args, settings))
    module = importlib.import_module(COMMANDS[args.command])
    try:
        return int(module.run(args, settings) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
