"""The readers' feedback from the command line, on a database the test fills: `eval feedback`,
`models export-feedback` -> `models train-reader --extra` (a short real run) and `eval
natural` on the exported rows, `models calibrate-reader --votes`."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cli import main
from bot.services.feedback import evidence_span, match_phrase, question_kind
from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
from bot.storage.repo import Repo
from bot.storage.tables import AnswerVoteRow
from models.reader.loading import WEIGHTS_DIR

SBERQUAD = Path(__file__).resolve().parents[3] / "shared" / "train" / "sberquad_subset"
# The bot writes feedback only in a chat that learns (#29's consent rule); the rows are written
# here through the repository for all three, standing for what a chat stored before: the group's
# and the opted-out chat's show that the export and `--votes` read only chats that allow it now.
PRIVATE, GROUP, OPTED_OUT = 9101, -1009102, 9103
# (question, answer shown, reason, score, votes [(user, up, week)], correction phrase or "")
ANSWERS = [
    ("Где прошла встреча?", "в Баку", "", 0.95, [(1, True, 1)], None),
    ("Сколько документов в базе?", "165 документов", "", 0.90, [(1, True, 2)], None),
    ("Кто приехал с визитом?", "Али Асадов", "", 0.70, [(1, False, 2)], "Олжасом Бектеновым"),
    ("Кто приехал с визитом?", "Али Асадов", "", 0.70, [(2, False, 2)], "олжасом  бектеновым"),
    ("Когда открыли центр?", "3 марта", "", 0.30, [(1, False, 3)], ""),
    ("Почему выросла торговля?", "", "no span beats the no-answer score (margin -3.00)", 0.05,
     [(1, False, 3)], "объем взаимной торговли"),
]


def _cli(monkeypatch, capsys, database: str, argv: list[str]) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", database)
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


async def _fill(url: str, article: str) -> None:
    db = create_db_engine(url)
    await create_schema(db)
    async with create_sessionmaker(db).begin() as session:
        repo = Repo(session)
        for chat, kind in ((PRIVATE, "private"), (GROUP, "supergroup"), (OPTED_OUT, "private")):
            await repo.chats.ensure(chat, kind=kind)
            digest = hashlib.sha256(f"{chat} {article}".encode()).hexdigest()
            stored = await repo.articles.add(chat, hash=digest, text=article)
            for question, shown, reason, score, votes, phrase in ANSWERS:
                at = article.find(shown) if shown else -1
                near = evidence_span(article, "", at)
                answer = await repo.feedback.record_answer(
                    chat, article_id=stored.id, article_hash=stored.hash, question=question,
                    answer=shown, evidence="", evidence_at=near[0], kind=question_kind(question),
                    score=score, reason=reason)
                answer = await repo.feedback.answer(chat, answer.id)
                for user, up, week in votes:
                    await repo.feedback.vote(answer, user, up)
                    await session.execute(update(AnswerVoteRow).where(
                        AnswerVoteRow.answer_id == answer.id, AnswerVoteRow.user_id == user)
                        .values(updated_at=datetime(2025, 3, 3 + 7 * week, tzinfo=UTC)))
                if phrase is not None:
                    span = match_phrase(article, phrase) if phrase else None
                    await repo.feedback.correct(
                        answer, user_id=1, context=article, text=span.of(article) if span else "",
                        answer_start=span.start if span else -1)
        await repo.feedback.set_learning(OPTED_OUT, False)
    await db.dispose()


@pytest.fixture
def database(tmp_path: Path, seed_text: str) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'feedback.sqlite3'}"
    asyncio.run(_fill(url, seed_text.strip()))
    return url


def test_eval_feedback_prints_the_figures(monkeypatch, capsys, database: str) -> None:
    code, out, _ = _cli(monkeypatch, capsys, database, ["eval", "feedback"])
    assert code == 0, out
    # 3 chats x 6 answers, one vote each: 👍 on the first two of each chat
    assert "votes: 18" in out and "thumbs_up_share: 0.33 (6/18)" in out
    assert "  где: 1.00 (3/3)" in out and "  кто: 0.00 (0/6)" in out
    assert "  2025-W11: 1.00 (3/3)" in out and "  2025-W12: 0.33 (3/9)" in out
    assert "no_answer_share: 0.17 (3/18)" in out
    assert "corrections: 12" in out and "corrections_not_in_article: 3" in out
    code, out, _ = _cli(monkeypatch, capsys, database,
                        ["eval", "feedback", "--since", "2025-03-20", "--json"])
    report = json.loads(out)
    assert report["votes"] == 6 and report["by_week"] == {"2025-W13": "0.00 (0/6)"}
    code, _, err = _cli(monkeypatch, capsys, database, ["eval", "feedback", "--since", "вчера"])
    assert code == 2 and "YYYY-MM-DD" in err and "Traceback" not in err


@pytest.mark.skipif(not (SBERQUAD / "sberquad_subset.train.jsonl").is_file(),
                    reason="../shared/train/sberquad_subset is not present")
def test_export_feedback_then_train_reader_with_extra_and_eval_natural(
        monkeypatch, capsys, database: str, tmp_path: Path, seed_text: str,
        embedded_engine) -> None:
    exported = tmp_path / "feedback.jsonl"
    code, out, _ = _cli(monkeypatch, capsys, database,
                        ["models", "export-feedback", "--out", str(exported)])
    assert code == 0 and "3 feedback rows (1 not answered by the article)" in out, out
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    # only the private chat that allows it: the group did not opt in, the other chat opted out;
    # the two corrections of «Кто приехал с визитом?» are one row
    assert len(rows) == 3
    hashes = {hashlib.sha256(f"{PRIVATE} {seed_text.strip()}".encode()).hexdigest()[:12]}
    assert {row["id"].split("-")[1] for row in rows} == hashes  # the article's hash, no chat id
    assert all(str(PRIVATE) not in row["id"] for row in rows)
    for row in rows:
        assert row["context"] == seed_text.strip()
        for answer in row["answers"]:
            start = answer["answer_start"]
            assert row["context"][start:start + len(answer["text"])] == answer["text"]
    assert sorted(a["text"] for row in rows for a in row["answers"]) == [
        "Олжасом Бектеновым", "объем взаимной торговли"]

    out_dir = tmp_path / "reader"
    code, out, err = _cli(monkeypatch, capsys, database, [
        "models", "train-reader", "--extra", str(exported), "--limit", "2", "--dev-limit", "2",
        "--epochs", "1", "--max-steps", "1", "--out", str(out_dir)])
    assert code == 0, err
    assert "1 steps, 3 feedback rows" in out
    log = json.loads((out_dir / "training_log.json").read_text(encoding="utf-8"))
    assert log["feedback_rows"] == 3 and log["steps"] == 1
    card = (out_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "3 feedback rows (`feedback.jsonl`)" in card and "--extra" in card
    assert (out_dir / "reader.safetensors").is_file()

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"context": "abc", "question": "q", "answers": '
                      '[{"text": "zz", "answer_start": 0}]}\n', encoding="utf-8")
    code, _, err = _cli(monkeypatch, capsys, database, [
        "models", "train-reader", "--extra", str(broken), "--out", str(out_dir)])
    assert code == 2 and "not at its answer_start" in err

    code, out, err = _cli(monkeypatch, capsys, database,
                          ["eval", "natural", str(exported), "--json"])
    assert code == 0, err
    report = json.loads(out)
    assert report["articles"] == 1 and report["dev"]["questions"] == 3
    assert report["dev"]["unanswerable"] == 1


def test_calibrate_reader_from_votes_moves_the_floor_as_the_votes_say(
        monkeypatch, capsys, database: str, tmp_path: Path) -> None:
    folder = tmp_path / "weights"
    folder.mkdir()
    shutil.copy(WEIGHTS_DIR / "reader.json", folder / "reader.json")
    before = json.loads((folder / "reader.json").read_text())["null_threshold"]
    code, out, _ = _cli(monkeypatch, capsys, database, [
        "models", "calibrate-reader", "--votes", "--out", str(folder), "--min-votes", "2"])
    assert code == 0
    section = json.loads(out)
    # the private chat's votes only: right answers at 0.95 and 0.90, a false answer at 0.30
    # («3 марта», corrected «нет в статье»), a false refusal at 0.05 (a phrase given)
    assert (section["right_answer"], section["false_answer"], section["false_refusal"]) == (
        2, 1, 1)
    after = json.loads((folder / "reader.json").read_text())["null_threshold"]
    assert section["changed"] and after == section["null_threshold"] != before
    assert (section["wrong_before"], section["wrong_after"]) == (2, 1)
    assert json.loads((folder / "calibration.json").read_text())["votes"] == section
    code, out, _ = _cli(monkeypatch, capsys, database, [
        "models", "calibrate-reader", "--votes", "--out", str(folder)])
    assert json.loads(out)["changed"] is False  # fewer than 20 votes: the floor stays
