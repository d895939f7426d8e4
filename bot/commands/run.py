"""`python -m bot run`: the Telegram bot (long polling, or a webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import sys

from bot import event_loop
from bot.settings import Settings

NO_TOKEN = """\
BOT_TOKEN is not set, so the bot cannot connect to Telegram.

  1. In Telegram, open @BotFather, send /newbot and follow the steps; it answers with a token.
  2. Put it in .env (copy .env.example) as BOT_TOKEN=123456:ABC..., or export BOT_TOKEN=...
  3. Run again: python -m bot run

To try the summaries and answers without Telegram, use the CLI:
  python -m bot summarize seeds/000_3e03566f6385fd19.txt
  python -m bot ask seeds/000_3e03566f6385fd19.txt "Что подписали?"
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default: LOG_LEVEL)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.app import run_app  # aiogram, SQLAlchemy and the engine load only for `run`

    event_loop.run(run_app(settings), settings.event_loop)
    return 0
