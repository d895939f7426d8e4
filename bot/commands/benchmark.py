"""`python -m bot benchmark`: load time, latency and peak memory of the configured engine.

Measures what the issue's speed targets name: engine load seconds; a first summary of the seed
article (the engine's article cache is cleared before each run, so every run analyses afresh),
p50/p95 over `--runs`; the first question about the summarised article (which computes its
sentence vectors) and then follow-up questions (each asked `--rounds` more times), p50/p95;
seconds from process start to a loaded engine (what a bot start waits for, imports included);
the process's peak RSS and the reader's share of it; and `engine.stats()` when the engine has
it (the reader's load and forward-pass seconds among them). Figures are wall-clock on this
machine (plus the summary's CPU seconds): run it alone, since other work on the same cores shows
up in them.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bot.commands.evaluate import format_report
from bot.commands.summarize import EXIT_OK, BadInput, fail, load_configured_engine, read_article
from bot.settings import Settings
from models.metrics import percentile

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_3e03566f6385fd19.txt"
QUESTIONS = (
    "С кем встретился Али Асадов?",
    "Сколько документов составляет договорно-правовая база?",
    "Какой объем взаимной торговли?",
    "Где прошел Каспийский экономический форум?",
    "На сколько процентов выросли транзитные перевозки железной дорогой?",
    "Где прошла встреча?",
    "Кто президент Казахстана?",
    "Что подписали?",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--article", default=str(SEED), help="article file (default: the seed)")
    parser.add_argument("--runs", type=int, default=10, help="summaries to time (default 10)")
    parser.add_argument("--question", action="append", default=None,
                        help="follow-up question to time (repeatable; default: eight about "
                             "the seed)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each follow-up question is asked (default 3)")


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def seconds_since_process_start() -> float:
    """Wall seconds since this process started (Linux /proc; 0.0 where that is not there)."""
    import os

    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def reader_weights_mb(engine: Any) -> float:
    """Memory held by the reader's parameters (0 when the engine has no reader loaded)."""
    qa = getattr(engine, "_reader", None)
    if qa is None:
        return 0.0
    return sum(p.numel() * p.element_size() for p in qa.loaded.model.parameters()) / 2**20


def _time(call: Any, cpu: list[float] | None = None) -> float:
    """Wall seconds of `call()`; its process CPU seconds are appended to `cpu` if given."""
    started, cpu_started = time.perf_counter(), time.process_time()
    call()
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    return time.perf_counter() - started


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.core.errors import EngineError
    from models.core.types import Article

    if args.runs < 1:
        return fail("--runs must be a positive number")
    try:
        article = Article(read_article(args.article))
        started = time.perf_counter()
        engine = load_configured_engine(settings)
        load_seconds = time.perf_counter() - started
        ready_seconds = seconds_since_process_start()
        clear = getattr(engine, "clear_cache", lambda: None)
        summary_times: list[float] = []
        summary_cpu: list[float] = []
        for _ in range(args.runs):
            clear()
            summary_times.append(_time(lambda: engine.summarize(article), summary_cpu))
        questions = args.question or list(QUESTIONS)
        engine.summarize(article)  # the article is now analysed, as after the bot's reply
        # The first question also pays for the article's sentence vectors (computed once, on
        # first use); every later one reuses them.
        first_question = _time(lambda: engine.answer(article, questions[0]))
        answer_times = [_time(lambda q=q: engine.answer(article, q))
                        for _ in range(max(1, args.rounds)) for q in questions]
    except (BadInput, EngineError) as error:
        return fail(str(error))
    report: dict[str, Any] = {
        "engine": getattr(engine, "name", "?"),
        "engine_load_s": load_seconds,
        "process_start_to_engine_ready_s": ready_seconds,
        "summary_first_run_s": summary_times[0],
        "summary_p50_s": percentile(summary_times, 50),
        "summary_p95_s": percentile(summary_times, 95),
        # CPU seconds of all threads: less sensitive than wall time to other work on the cores
        "summary_cpu_p50_s": percentile(summary_cpu, 50),
        "summary_runs": len(summary_times),
        "first_question_s": first_question,
        "followup_question_p50_s": percentile(answer_times, 50),
        "followup_question_p95_s": percentile(answer_times, 95),
        "followup_question_max_s": max(answer_times),
        "followup_questions": len(answer_times),
        "peak_rss_mb": peak_rss_mb(),
        "reader_weights_mb": reader_weights_mb(engine),
    }
    stats = getattr(engine, "stats", None)
    if callable(stats):
        report["engine_stats"] = stats()
    print(format_report(report))
    return EXIT_OK
