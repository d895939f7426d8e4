"""`python -m bot ask`/`summarize` as a user runs them: the answer on stdout, and nothing on
stderr unless asked for (#28, item 19). Before, every run printed pymorphy's
«INFO pymorphy2.opencorpora_dict.wrapper: Loading dictionaries from …» lines and the engine's
loading times, which read as trouble."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_3e03566f6385fd19.txt"


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real `python -m bot` in a child process, LOG_LEVEL as a deployment's .env sets it
    for the bot (the tools must stay quiet all the same)."""
    env = {**os.environ, "LOG_LEVEL": "INFO"}
    return subprocess.run([sys.executable, "-m", "bot", *argv], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=180, check=False)


def test_ask_prints_the_answer_and_nothing_on_stderr() -> None:
    done = run_cli("ask", str(SEED), "С кем встретился Али Асадов?")
    assert done.returncode == 0, done.stderr
    assert "Бектенов" in done.stdout
    assert done.stderr == "", done.stderr


def test_verbose_summarize_shows_the_logs() -> None:
    done = run_cli("summarize", "-v", str(SEED))
    assert done.returncode == 0, done.stderr
    assert "Али Асадов встретился" in done.stdout
    assert "INFO pymorphy2" in done.stderr and "INFO models." in done.stderr
    assert "Али Асадов" not in done.stderr  # logs never carry the article's text
