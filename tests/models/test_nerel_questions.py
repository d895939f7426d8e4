"""Reader training questions made from NEREL's relations (news rows in SberQuAD's shape)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from models.training import nerel_questions
from models.training.nerel_questions import is_dev, make_rows, questions_of, subject_phrase

NEREL = (Path(__file__).resolve().parents[3] / "shared" / "train" / "nerel_train"
         / "nerel_v1.1_train.jsonl")


@pytest.fixture(scope="module")
def morph():
    from natasha import MorphVocab

    return MorphVocab()


def _entity(text: str, kind: str, key: str, fragment: str) -> dict:
    start = text.index(fragment)
    return {"id": key, "type": kind, "spans": [[start, start + len(fragment)]], "text": fragment}


def test_a_relation_becomes_a_question_answered_by_its_entity(morph) -> None:
    text = ("Встреча в Баку\n"
            "Президент Казахстана Касым-Жомарт Токаев прибыл в Баку. Встреча прошла в Баку.")
    row = {"id": "t1", "text": text,
           "entities": [_entity(text, "PROFESSION", "T1", "Президент Казахстана"),
                        _entity(text, "PERSON", "T2", "Касым-Жомарт Токаев"),
                        _entity(text, "EVENT", "T3", "Встреча прошла")],
           "relations": [{"id": "R1", "type": "WORKS_AS", "arg1": "T2", "arg2": "T1"}]}
    made = questions_of(row, morph, random.Random(1))
    by_answer = {r["answers"][0]["text"]: r["question"] for r in made}
    # both directions: the person's post, and who holds the post
    assert set(by_answer) == {"Президент Казахстана", "Касым-Жомарт Токаев"}
    assert by_answer["Касым-Жомарт Токаев"] == "Кто президент Казахстана?"
    assert "Касым-Жомарт Токаев" in by_answer["Президент Казахстана"]
    for made_row in made:
        answer = made_row["answers"][0]
        start = answer["answer_start"]
        assert made_row["context"][start:start + len(answer["text"])] == answer["text"]


def test_the_subject_is_put_in_the_templates_case_and_its_verb_agrees(morph) -> None:
    assert subject_phrase("Сергей Иванов", "Dat", morph, person=True).text == "Сергею Иванову"
    # a surname pymorphy does not know is not guessed at («Русакову» or «Русаков»?)
    assert subject_phrase("Алексей Русаков", "Dat", morph, person=True) is None
    meeting = subject_phrase("встреча", "Nom", morph)
    assert meeting.gender == "femn"
    assert nerel_questions._question("Где {прошёл|прошла|прошло|прошли} {s}?", meeting) == \
        "Где прошла встреча?"
    summit = subject_phrase("саммит G20", "Nom", morph)
    assert nerel_questions._question("Где {прошёл|прошла|прошло|прошли} {s}?", summit) == \
        "Где прошёл саммит G20?"
    # a genitive subject would read wrongly in a nominative template; a clause is no subject
    assert subject_phrase("президента", "Nom", morph) is None
    assert subject_phrase("Ракета попала в школьный автобус", "Nom", morph) is None


def test_nerel_texts_give_well_formed_rows_and_dev_texts_stay_apart(morph) -> None:
    if not NEREL.is_file():
        pytest.skip(f"no NEREL texts at {NEREL}")
    train, dev = make_rows(str(NEREL), morph), make_rows(str(NEREL), morph, dev=True)
    assert len(train) > 2_000 and len(dev) > 150
    relations = {r["relation"] for r in train}
    assert {"WORKS_AS", "WORKPLACE", "TAKES_PLACE_IN", "HEADQUARTERED_IN"} <= relations
    for made in train + dev:
        answer = made["answers"][0]
        start = answer["answer_start"]
        assert made["context"][start:start + len(answer["text"])] == answer["text"]
        assert made["question"].endswith("?") and "{" not in made["question"]
    lengths = sorted(len(r["context"]) for r in train)  # about a SberQuAD paragraph or two
    assert 400 < lengths[len(lengths) // 2] <= nerel_questions.CONTEXT_CHARS
    text_of = lambda rows: {r["id"].split("-")[1] for r in rows}  # noqa: E731
    assert not text_of(train) & text_of(dev)
    assert all(is_dev(t) for t in text_of(dev)) and not any(is_dev(t) for t in text_of(train))
    assert make_rows(str(NEREL), morph) == train  # the same seed, the same rows


def test_held_out_questions_are_asked_of_their_whole_texts(morph) -> None:
    """`python -m bot models nerel-dev`: the dev questions, each with its whole text and the
    answer's offset moved into it."""
    if not NEREL.is_file():
        pytest.skip(f"no NEREL texts at {NEREL}")
    dev = make_rows(str(NEREL), morph, dev=True)
    whole = nerel_questions.whole_text_rows(str(NEREL), morph)
    assert [r["question"] for r in whole] == [r["question"] for r in dev]
    for cut, row in zip(dev, whole):
        answer = row["answers"][0]
        start = answer["answer_start"]
        assert row["context"][start:start + len(answer["text"])] == answer["text"]
        assert cut["context"] in row["context"] and len(row["context"]) >= len(cut["context"])
    assert len({r["context"] for r in whole}) > 50  # articles, not one per question
    assert sum(len(r["context"]) > nerel_questions.CONTEXT_CHARS for r in whole) > len(whole) / 2


def test_a_relation_the_text_leaves_open_becomes_an_unanswered_question(morph) -> None:
    text = ("Умер актёр Сергей Иванов\n"
            "Актёр Сергей Иванов умер 11 июля в клинике Германии. Иванов родился в Москве.")
    later = text.index("Иванов родился")
    row = {"id": "t2", "text": text,
           "entities": [_entity(text, "PERSON", "T1", "Сергей Иванов"),
                        _entity(text, "DATE", "T2", "11 июля"),
                        _entity(text, "CITY", "T3", "Москве"),
                        {"id": "T4", "type": "PERSON", "text": "Иванов",
                         "spans": [[later, later + len("Иванов")]]}],
           "relations": [{"id": "R1", "type": "DATE_OF_DEATH", "arg1": "T1", "arg2": "T2"},
                         {"id": "R2", "type": "PLACE_OF_BIRTH", "arg1": "T4", "arg2": "T3"}]}
    made = nerel_questions.unanswered_questions_of(row, morph, random.Random(1))
    asked = {r["question"] for r in made}
    assert all(r["answers"] == [] and "Иванов" in r["context"] for r in made)
    # what the text states of him (his death's date; his birthplace, said of «Иванов»: the
    # same man) makes no question; what it leaves open does
    assert not any(q.startswith("Когда умер") for q in asked)
    assert not any(q.startswith("Где родился") for q in asked)
    assert "Где умер Сергей Иванов?" in asked
    assert "Сколько лет Сергею Иванову?" in asked


def test_unanswered_questions_come_from_train_texts_only(morph) -> None:
    if not NEREL.is_file():
        pytest.skip(f"no NEREL texts at {NEREL}")
    rows = nerel_questions.unanswered_rows(str(NEREL), morph, per_relation=5)
    assert rows and all(r["answers"] == [] for r in rows)
    assert not any(is_dev(r["id"][len("nerel-"):].rsplit("-", 2)[0]) for r in rows)
    assert {r["relation"] for r in rows} <= nerel_questions.UNANSWERED_RELATIONS
