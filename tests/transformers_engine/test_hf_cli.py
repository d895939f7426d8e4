"""The command line with NLP_ENGINE=transformers: summarize, ask and --jsonl on local model
folders, `models download` from a hub on 127.0.0.1, and clear errors when a model is missing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from models.hf.loading import load_model
from tests.transformers_engine.conftest import CLOSED_ENDPOINT
from tests.transformers_engine.fake_hub import FakeHub
from tests.transformers_engine.tiny_models import SEED

ROOT = Path(__file__).resolve().parents[2]
# Each CLI call builds its engine afresh (as `python -m bot` does), so it analyses the article
# again: a short article keeps that quick.
SHORT = (
    "Премьер-министр Али Асадов встретился с казахстанским коллегой\n\n"
    "3 марта премьер-министр Азербайджанской Республики Али Асадов встретился с находящимся "
    "по его приглашению с официальным визитом в Баку премьер-министром Республики Казахстан "
    "Олжасом Бектеновым.\n\nСначала главы правительств провели переговоры один на один, в "
    "ходе которых были рассмотрены актуальные вопросы двусторонней повестки дня.\n\n"
    "Договорно-правовая база двух стран насчитывает 165 документов.\n"
)


@pytest.fixture
def short_article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(SHORT, encoding="utf-8")
    return path


@pytest.fixture
def transformers_env(monkeypatch, tiny_models, engine) -> None:
    """Settings for the transformers engine with the tiny models' folders (and small windows)."""
    monkeypatch.setenv("NLP_ENGINE", "transformers")
    monkeypatch.setenv("SUMMARY_MODEL", str(tiny_models["summary"]))
    monkeypatch.setenv("QA_MODEL", str(tiny_models["qa"]))
    monkeypatch.setenv("DEVICE", "cpu")
    monkeypatch.setenv("QA_MAX_LENGTH", "64")
    monkeypatch.setenv("QA_STRIDE", "16")
    monkeypatch.setenv("SUMMARY_NUM_BEAMS", "1")


def cli(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_summarize_and_ask_run_on_local_folders(transformers_env, monkeypatch, capsys,
                                                short_article) -> None:
    code, out, err = cli(monkeypatch, capsys, ["summarize", str(short_article)])
    assert code == 0 and out.strip() and "Traceback" not in err
    code, out, err = cli(monkeypatch, capsys, ["ask", str(short_article),
                                               "Кто встретился с Бектеновым?"])
    assert code == 0 and out.strip()


def test_jsonl_runs_on_local_folders(transformers_env, monkeypatch, capsys) -> None:
    seed = SHORT
    rows = [{"id": "a", "context": seed, "question": "С кем встретился Асадов?"},
            {"id": "b", "context": seed, "question": "   "}]
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    code, out, err = cli(monkeypatch, capsys, ["ask", "--jsonl"], stdin)
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["a", "b"]
    if results[0]["answer"]:
        assert results[0]["answer"] in seed
    assert results[1]["answer"] == "" and results[1]["error"] and code == 2
    summaries = json.dumps({"id": "s", "text": seed}, ensure_ascii=False) + "\n"
    code, out, _ = cli(monkeypatch, capsys, ["summarize", "--jsonl"], summaries)
    assert code == 0 and json.loads(out)["summary"]


def test_missing_model_is_a_clear_error_not_a_traceback(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("NLP_ENGINE", "transformers")
    monkeypatch.setenv("SUMMARY_MODEL", "IlyaGusev/rut5_base_sum_gazeta")
    monkeypatch.setenv("MODEL_DIR", str(tmp_path))
    code, out, err = cli(monkeypatch, capsys, ["summarize", str(SEED)])
    assert code == 2 and "Traceback" not in err + out
    assert "IlyaGusev/rut5_base_sum_gazeta" in err and "could not be reached" in err
    assert "NLP_ENGINE=embedded" in err


def test_real_process_with_an_unreachable_hub(tmp_path) -> None:
    env = dict(os.environ, NLP_ENGINE="transformers", HF_HUB_OFFLINE="0",
               HF_ENDPOINT=CLOSED_ENDPOINT, HF_HOME=str(tmp_path / "hf"),
               MODEL_DIR=str(tmp_path / "models"), PRELOAD_MODELS="true")
    done = subprocess.run([sys.executable, "-m", "bot", "ask", str(SEED), "Кто?"], env=env,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "could not be reached" in done.stderr and "127.0.0.1:9" in done.stderr
    assert "NLP_ENGINE=embedded" in done.stderr


def test_models_download_stores_folders_the_engine_loads(tiny_models, tmp_path) -> None:
    repos = {"tiny/rut5": tiny_models["summary"], "tiny/xlmr": tiny_models["qa"]}
    with FakeHub(repos) as hub:
        env = dict(os.environ, HF_HUB_OFFLINE="0", HF_ENDPOINT=hub.url,
                   HF_HOME=str(tmp_path / "hf"), SUMMARY_MODEL="tiny/rut5",
                   QA_MODEL="tiny/xlmr", MODEL_DIR=str(tmp_path / "models"))
        done = subprocess.run([sys.executable, "-m", "bot", "models", "download"], env=env,
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        missing = subprocess.run(
            [sys.executable, "-m", "bot", "models", "download", "--model", "nobody/none"],
            env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "models" / "tiny--rut5" / "model.safetensors").is_file()
    # offline now (the autouse fixture): the engine's loader finds the MODEL_DIR copies
    for task, name in (("summary", "tiny/rut5"), ("qa", "tiny/xlmr")):
        loaded = load_model(task, name, model_dir=str(tmp_path / "models"), device="cpu")
        assert loaded.source == str(tmp_path / "models" / name.replace("/", "--"))
    assert missing.returncode == 2 and "nobody/none" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_models_download_without_a_hub_says_what_to_do(monkeypatch, capsys, tmp_path) -> None:
    code, out, err = cli(monkeypatch, capsys, ["models", "download", "--dir", str(tmp_path),
                                               "--model", "IlyaGusev/mbart_ru_sum_gazeta"])
    assert code == 2 and "IlyaGusev/mbart_ru_sum_gazeta" in err
    assert "could not be reached" in err and "NLP_ENGINE=embedded" in err


def test_models_where_tells_folders_from_hub_ids(monkeypatch, capsys, tiny_models) -> None:
    code, out, _ = cli(monkeypatch, capsys, ["models", "where", "--model",
                                             str(tiny_models["qa"]), "--model", "owner/name"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith(f"folder {tiny_models['qa']}") and "hub" in lines[1]
