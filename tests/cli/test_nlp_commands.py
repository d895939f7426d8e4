"""`python -m bot summarize|ask|eval|benchmark`: the bot's NLP path from the command line.

Most cases call `bot.cli.main` in this process (the engine is then loaded once for the run);
one runs the real `python -m bot` to check exit codes and that no traceback reaches the user.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_3e03566f6385fd19.txt"
SAMPLE = ROOT / "tests" / "models" / "articles" / "wikinews_sample.jsonl"


@pytest.fixture(autouse=True)
def _engine_loaded_once(embedded_engine) -> None:
    """The CLI builds its engine through `load_engine`, which reuses the session's weights."""


def cli(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_summarize_prints_the_seed_summary(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, ["summarize", str(SEED)])
    assert code == 0
    assert "Али Асадов встретился" in out
    for furniture in ("Политика", "15:29", "131", "Новости"):
        assert furniture not in out


def test_summarize_reads_stdin_with_a_dash(monkeypatch, capsys, seed_text) -> None:
    code, out, _ = cli(monkeypatch, capsys, ["summarize", "-", "--length", "long"], seed_text)
    assert code == 0
    assert len(out.strip()) > 450


def test_summarize_jsonl_keeps_order_and_reports_bad_rows(monkeypatch, capsys) -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()][:3]
    lines = [json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) for r in rows]
    lines.insert(1, json.dumps({"id": "empty", "text": "   "}))
    code, out, err = cli(monkeypatch, capsys, ["summarize", "--jsonl"], "\n".join(lines) + "\n")
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == [rows[0]["id"], "empty", rows[1]["id"], rows[2]["id"]]
    assert all(r["summary"] for i, r in enumerate(results) if i != 1)
    assert results[1]["summary"] == "" and "empty" in results[1]["error"]
    assert code == 2 and "empty" in err


@pytest.mark.parametrize("argv,stdin,message", [
    (["summarize", "-"], "", "empty"),
    (["summarize", "-"], "😀🔥 https://t.me/channel", "no words"),
    (["summarize", "/no/such/file.txt"], "", "No such file"),
    (["summarize", str(ROOT)], "", "folder"),
    (["ask", str(SEED)], "", "question needs an article"),
    (["ask", "-", "Кто встретился?"], "", "empty"),
    (["ask", str(SEED), "   "], "", "question is empty"),
])
def test_bad_input_gets_a_message_and_exit_code_2(
    monkeypatch, capsys, argv, stdin, message
) -> None:
    code, out, err = cli(monkeypatch, capsys, argv, stdin)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_unreadable_bytes_are_bad_input(monkeypatch, capsys, tmp_path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Премьер встретился с коллегой.".encode("cp1251"))
    code, _, err = cli(monkeypatch, capsys, ["summarize", str(path)])
    assert code == 2 and "UTF-8" in err


def test_ask_jsonl_row_without_context_is_bad_input(monkeypatch, capsys) -> None:
    line = json.dumps({"id": "q1", "context": "", "question": "Кто?"}, ensure_ascii=False)
    code, out, err = cli(monkeypatch, capsys, ["ask", "--jsonl"], line + "\n")
    assert code == 2
    assert json.loads(out) == {"id": "q1", "answer": "", "evidence": "", "score": 0.0,
                               "error": "a question with no article (no context)"}
    assert "no article" in err


def test_eval_summary_on_a_small_file(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, ["eval", "summary", str(SAMPLE), "--limit", "2",
                                             "--json"])
    assert code == 0
    report = json.loads(out)
    assert report["texts"] == 2
    assert 0.0 <= report["coverage_mean"] <= 1.0
    assert 0 < report["chars_median"] <= 450
    assert report["lead3_chars_median"] > 0 and report["latency_p50_s"] > 0


def test_eval_with_missing_data_is_bad_input(monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, ["eval", "summary", "/no/such.jsonl"])
    assert code == 2 and "no evaluation data" in err


def test_real_process_exit_codes_and_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "summarize", "-"], input="🔥🔥🔥", capture_output=True,
        text=True, cwd=ROOT, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert "no words" in done.stderr and "Traceback" not in done.stderr


def test_benchmark_reports_load_latency_and_memory(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, ["benchmark", "--runs", "2", "--question",
                                             "С кем встретился Али Асадов?"])
    assert code == 0
    figures = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert float(figures["engine_load_s"]) >= 0  # the session's engine is already loaded
    for key in ("summary_p50_s", "summary_p95_s", "followup_question_p50_s", "peak_rss_mb"):
        assert float(figures[key]) > 0
    # each timed summary analysed the article afresh (the cache was cleared before each run)
    assert float(figures["  analyses"]) >= 2


def test_ask_prints_the_answer_then_its_sentence(monkeypatch, capsys, seed_text) -> None:
    code, out, _ = cli(monkeypatch, capsys, ["ask", str(SEED), "С кем встретился Али Асадов?"])
    assert code == 0
    answer, evidence = out.strip().splitlines()
    assert answer in evidence and evidence in seed_text


def test_ask_jsonl_answers_in_order(monkeypatch, capsys, seed_text) -> None:
    lines = [
        json.dumps({"id": i, "context": seed_text, "question": q}, ensure_ascii=False)
        for i, q in enumerate(["С кем встретился Али Асадов?", "Какой объем взаимной торговли?"])
    ]
    code, out, _ = cli(monkeypatch, capsys, ["ask", "--jsonl"], "\n".join(lines) + "\n")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["id"] for r in results] == [0, 1]
    for result in results:
        assert set(result) == {"id", "answer", "evidence", "score"}
        assert result["evidence"] in seed_text


def test_reader_dir_points_the_engine_at_a_retrained_reader(tmp_path) -> None:
    """READER_DIR (a `train-reader --out` folder) is the reader every command and the bot use:
    its reader.json's floors, not the shipped ones."""
    from bot.commands.summarize import load_configured_engine
    from bot.settings import Settings
    from models.reader.loading import WEIGHTS_DIR

    shipped = json.loads((WEIGHTS_DIR / "reader.json").read_text(encoding="utf-8"))
    retrained = {**shipped, "null_threshold": shipped["null_threshold"] - 3.5}
    (tmp_path / "reader.json").write_text(json.dumps(retrained), encoding="utf-8")
    (tmp_path / "reader.safetensors").symlink_to(WEIGHTS_DIR / "reader.safetensors")
    engine = load_configured_engine(Settings(reader_dir=str(tmp_path), preload_models=False))
    assert engine.settings().null_threshold == pytest.approx(retrained["null_threshold"])
    default = load_configured_engine(Settings(preload_models=False))
    assert default.settings().null_threshold == pytest.approx(shipped["null_threshold"])
