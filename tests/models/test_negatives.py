"""Same-text questions the text does not answer, and questions typed as users type them
(models/training/negatives.py), for the reader's training."""

from __future__ import annotations

import random

from models.training.negatives import (
    same_text_negatives,
    typed_like_users,
    typo,
    without_answer_sentence,
)

SEED = ("Президент Казахстана Касым-Жомарт Токаев прибыл с визитом в Азербайджан. Встреча "
        "президентов прошла в Баку во дворце «Загульба». Стороны подписали документы о "
        "сотрудничестве в сфере медицинского страхования, энергетики и транспорта. "
        "Президенты обсудили торговлю и транзит грузов через Каспийское море.")


def _row(question: str, answer: str) -> dict:
    return {"id": "r1", "context": SEED, "question": question,
            "answers": [{"text": answer, "answer_start": SEED.index(answer)}]}


def test_the_answers_sentence_is_cut_out_and_the_row_becomes_unanswerable() -> None:
    negative = without_answer_sentence(_row("Где прошла встреча?", "в Баку"))
    assert negative is not None and negative["answers"] == []
    assert "Баку" not in negative["context"]
    # the other sentences stay, whole, in their order
    assert negative["context"].startswith("Президент Казахстана")
    assert negative["context"].endswith("через Каспийское море.")
    assert negative["question"] == "Где прошла встреча?"


def test_no_negative_where_the_answer_is_still_said_elsewhere() -> None:
    # Токаев is named in the last sentence too: cutting his first one proves nothing
    context = SEED + " Касым-Жомарт Токаев вернулся в Астану."
    row = {"id": "r2", "context": context, "question": "Кто прибыл в Азербайджан?",
           "answers": [{"text": "Касым-Жомарт Токаев", "answer_start": 21}]}
    assert context[21:21 + len("Касым-Жомарт Токаев")] == "Касым-Жомарт Токаев"
    assert without_answer_sentence(row) is None
    # an answerable row needs an answer to cut
    assert without_answer_sentence({**_row("Где?", "в Баку"), "answers": []}) is None


def test_negatives_are_made_for_about_the_share_asked() -> None:
    rows = [_row("Где прошла встреча?", "в Баку")] * 200
    made = same_text_negatives(rows, 0.25, random.Random(3))
    assert 30 <= len(made) <= 70
    assert same_text_negatives(rows, 0.0, random.Random(3)) == []


def test_questions_are_typed_as_chat_users_type_them() -> None:
    rng = random.Random(5)
    typed = [typed_like_users("Где прошла встреча президентов?", rng) for _ in range(50)]
    assert all(t == t.lower() and not t.endswith("?") for t in typed)
    assert "где прошла встреча президентов" in typed  # most keep every word
    slips = [t for t in typed if t != "где прошла встреча президентов"]
    assert slips  # some have one typo, in one word, the others intact
    for slip in slips:
        changed = [a for a, b in zip(slip.split(), "где прошла встреча президентов".split())
                   if a != b]
        assert len(changed) == 1 and len(slip.split()) == 4
    assert typo("где", rng) == "где"  # too short to garble
