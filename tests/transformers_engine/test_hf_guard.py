"""The faithfulness guard on the seed article: made-up numbers, dates and names are dropped,
faithful sentences (other word forms included) are kept."""

from __future__ import annotations

import pytest

from models.summary.faithfulness import (
    FaithfulnessGuard,
    article_facts,
    normal_number,
    numbers_in,
    sentence_claims,
    unsupported,
)

FAITHFUL = [
    "3 марта премьер-министр Азербайджана Али Асадов встретился с Олжасом Бектеновым в Баку.",
    "Асадов и Бектенов обсудили сотрудничество Азербайджана и Казахстана.",
    "Главы правительств провели переговоры один на один.",
]


@pytest.fixture(scope="module")
def guard(engine) -> FaithfulnessGuard:
    return FaithfulnessGuard(engine.embedded.toolkit)


def test_numbers_are_compared_by_value() -> None:
    assert normal_number("03") == "3"
    assert normal_number("2,50") == "2.5"
    assert {"15000", "15", "0"} <= numbers_in("собрали 15 000 рублей")
    assert "15000" in numbers_in("15\u00a0000")


@pytest.mark.parametrize("sentence", FAITHFUL)
def test_faithful_sentences_pass(engine, seed_doc, sentence: str) -> None:
    claims = sentence_claims(sentence, engine.embedded.toolkit)
    assert unsupported(claims, article_facts(seed_doc)) == []


@pytest.mark.parametrize("sentence,problem", [
    ("Асадов и Бектенов подписали 17 соглашений.", "number 17"),
    ("Стороны подписали 165 документов на 750 млн долларов.", "number 750"),
    ("Встреча прошла 3 апреля.", "month апрель"),
    ("Асадов обсудил сотрудничество с Владимиром Путиным.", "entity Владимиром Путиным"),
    ("Переговоры прошли в Москве.", "entity Москве"),
])
def test_made_up_facts_are_caught(engine, seed_doc, sentence: str, problem: str) -> None:
    claims = sentence_claims(sentence, engine.embedded.toolkit)
    assert problem in unsupported(claims, article_facts(seed_doc))


def test_filter_drops_only_the_unfaithful_sentence_and_counts_it(guard, seed_doc) -> None:
    before = guard.stats.sentences_dropped
    invented = "Асадов и Бектенов подписали 17 соглашений."
    kept = guard.filter([FAITHFUL[0], invented, FAITHFUL[1]], seed_doc)
    assert kept == [FAITHFUL[0], FAITHFUL[1]]
    assert guard.stats.sentences_dropped == before + 1
    assert guard.stats.summaries_with_drops >= 1
    assert guard.stats.reasons.get("number", 0) >= 1
