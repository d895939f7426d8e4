"""`python -m bot summarize PATH|-` and `python -m bot summarize --jsonl`: the bot's summary path.

The engine is built exactly as the bot builds it (`models.load_engine(settings.engine_config())`).
Bad input (an empty or unreadable file, only emoji or links) gets one line on stderr and exit 2.
With `--jsonl`, lines `{"id", "text"}` on stdin become `{"id", "summary"}` on stdout, in order;
a line that cannot be summarised gets `"summary": ""` and an `"error"`, and the exit code is 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bot.settings import Settings
from models.core.types import Length

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Input the command cannot use; the message is shown to the user as is."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="article file, or - for stdin")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"id","text"} lines on stdin, write {"id","summary"} lines')
    parser.add_argument("--length", choices=[x.value for x in Length], default=None,
                        help="summary length (default: the configured one)")


def read_article(path: str) -> str:
    """The text of `path` (`-` is stdin); raises BadInput when it cannot be read or is blank."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"No such file: {path}") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, not a text file") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise BadInput(f"Cannot read {path}: {error.strerror or error}") from None
    if not text.strip():
        raise BadInput("The article is empty: there is nothing to work on.")
    from models.text.cleaning import has_prose

    if not has_prose(text):  # checked before the engine loads, to answer at once
        raise BadInput("The text has no words: it is empty or only emoji and links.")
    return text


def jsonl_rows(stream: Any) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, parsed object or None, error) for each non-blank input line."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, None, f"line {number} is not JSON: {error.msg}"
            continue
        if not isinstance(row, dict):
            yield number, None, f"line {number} is not a JSON object"
            continue
        yield number, row, ""


def write_json(row: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def load_configured_engine(settings: Settings) -> Any:
    """The engine the bot would use, built the same way."""
    from models import load_engine

    return load_engine(settings.engine_config())


def run_jsonl(handle: Callable[[dict[str, Any]], dict[str, Any]], empty: dict[str, Any]) -> int:
    """Apply `handle` to each input row; rows that fail get `empty` plus an error message."""
    from models.core.errors import EngineError

    status = EXIT_OK
    for _, row, error in jsonl_rows(sys.stdin):
        item_id = row.get("id") if row else None
        if row is not None:
            try:
                write_json({"id": item_id, **handle(row)})
                continue
            except (BadInput, EngineError) as exc:
                error = str(exc)
        print(f"error: {error}", file=sys.stderr)
        write_json({"id": item_id, **empty, "error": error})
        status = EXIT_BAD_INPUT
    return status


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.core.errors import EngineError
    from models.core.types import Article

    length = Length(args.length or settings.default_summary_length)
    if not args.jsonl and not args.path:
        return fail("give a file to summarise, - for stdin, or --jsonl")
    try:
        text = read_article(args.path) if not args.jsonl else ""
        engine = load_configured_engine(settings)
        if args.jsonl:
            def handle(row: dict[str, Any]) -> dict[str, Any]:
                text = row.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise BadInput("the text is empty")
                return {"summary": engine.summarize(Article(text), length=length).text}

            return run_jsonl(handle, {"summary": ""})
        summary = engine.summarize(Article(text), length=length)
    except (BadInput, EngineError) as error:
        return fail(str(error))
    print(summary.text)
    return EXIT_OK
