"""`python -m bot eval qa|summary|natural [FILE]`: score the configured engine;
`python -m bot eval feedback [--since DATE]`: the readers' votes and corrections in the database.

`qa` and `summary` read ../shared/eval data; `natural` the project's own questions typed as
users type them (bot.evaluation.natural: right / answerable right / unanswerable rejected).
`qa` reports SQuAD exact match / token F1 (bot.evaluation.qa); `summary` reports headline-lemma
coverage and length against lead-2/lead-3 (bot.evaluation.summary). Both report latency.
FILE defaults to the shared data set for the task; `--limit N` scores the first N rows only.
`natural` also reads SberQuAD-format rows (`models export-feedback`'s file), each context an
article. `feedback` needs no engine: the share of 👍 by question kind and by week, the share
of «этого нет» among voted answers, and the corrections (bot.evaluation.feedback).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bot.commands.summarize import EXIT_OK, fail, load_configured_engine
from bot.settings import Settings

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
DEFAULT_FILES = {
    "qa": EVAL_DIR / "xquad_ru" / "xquad_ru_dev.article.jsonl",
    "summary": EVAL_DIR / "nerel_wikinews_ru" / "nerel_news.wikinews_only.jsonl",
    # the project's own questions, typed as users type them, on NEREL *train* texts
    "natural": Path(__file__).resolve().parents[1] / "evaluation" / "data"
    / "natural_questions.jsonl",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", choices=sorted([*DEFAULT_FILES, "feedback"]),
                        help="what to evaluate (feedback: the readers' votes in the database)")
    parser.add_argument("file", nargs="?", help="JSON-lines data (default: the shared set)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N rows")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--part", choices=("dev", "dev2", "test", "all"), default="all",
                        help="natural: the part to score (test: the part nothing is chosen on)")
    parser.add_argument("--table", action="store_true",
                        help="natural: also print one line per question with its verdict")
    parser.add_argument("--choose-floors", action="store_true",
                        help="natural: the no-answer floors the dev part chooses (a table)")
    parser.add_argument("--since", default=None, metavar="DATE",
                        help="feedback: only votes and corrections from DATE (YYYY-MM-DD) on")


def format_report(report: dict[str, Any]) -> str:
    """One `name: value` line per figure; nested dicts are indented."""
    lines = []
    for key, value in report.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend("  " + line for line in format_report(value).splitlines())
        elif isinstance(value, float):
            lines.append(f"{key}: {value:.4f}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


def run_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """The readers' votes and corrections since `--since` (UTC midnight), as figures."""
    import asyncio
    from datetime import UTC, datetime

    from bot.commands.models import _from_database
    from bot.evaluation.feedback import report as feedback_report

    since = None
    if args.since:
        try:
            since = datetime.strptime(args.since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            return fail(f"--since wants a date as YYYY-MM-DD, not {args.since!r}")

    async def read(repo):  # noqa: ANN001, ANN202
        return await repo.votes(since=since), await repo.corrections(since=since)

    votes, corrections = asyncio.run(_from_database(settings, read))
    report = {"since": args.since or "the start", **feedback_report(votes, corrections)}
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return EXIT_OK


def _natural_file(path: Path) -> Path:
    """`path`, or for SberQuAD-format rows the same questions as `eval natural` articles in
    a temporary file (removed at exit)."""
    import atexit
    import os
    import tempfile

    from bot.evaluation.common import read_jsonl
    from bot.evaluation.feedback import is_squad_row, natural_articles

    rows = list(read_jsonl(path))
    if not rows or not is_squad_row(rows[0]):
        return path
    handle, name = tempfile.mkstemp(suffix=".natural.jsonl")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        for article in natural_articles(rows):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    atexit.register(os.unlink, name)
    return Path(name)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.core.errors import EngineError

    if args.task == "feedback":
        return run_feedback(args, settings)
    path = Path(args.file) if args.file else DEFAULT_FILES[args.task]
    if not path.is_file():
        return fail(f"no evaluation data at {path}")
    if args.limit is not None and args.limit < 1:
        return fail("--limit must be a positive number")
    try:
        started = time.perf_counter()
        engine = load_configured_engine(settings)
        load_seconds = time.perf_counter() - started
        if args.task == "qa":
            from bot.evaluation.qa import run_qa_eval

            report = run_qa_eval(path, engine, limit=args.limit)
        elif args.task == "natural" and args.choose_floors:
            from bot.evaluation.natural import choose_floors

            report = {f"{r['floor_shift']:+.2f} / {r['null_threshold']:g}":
                      "  ".join(f"{k} {v:.3f}" for k, v in r.items()
                                if k not in ("floor_shift", "null_threshold"))
                      for r in choose_floors(path, engine)}
        elif args.task == "natural":
            from bot.evaluation.natural import PARTS, run_natural_eval, table

            parts = PARTS if args.part == "all" else (args.part,)
            report, judged = run_natural_eval(_natural_file(path), engine, parts)
            if args.table:
                print(table(judged))
        else:
            from bot.evaluation.summary import run_summary_eval

            report = run_summary_eval(path, engine, limit=args.limit)
    except EngineError as error:
        return fail(str(error))
    except (json.JSONDecodeError, KeyError) as error:
        return fail(f"{path} is not the expected JSON-lines data: {error}")
    report = {"engine": getattr(engine, "name", "?"), "file": str(path),
              "engine_load_s": load_seconds, **report}
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return EXIT_OK
