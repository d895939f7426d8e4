"""SQuAD answer normalisation and scoring used by the QA evaluation."""

from __future__ import annotations

import pytest

from bot.evaluation.common import read_jsonl
from models.metrics import exact_match, normalize_answer, percentile, token_f1


def test_normalisation_drops_case_punctuation_and_russian_quotes() -> None:
    assert normalize_answer("  «Цифровой Шелковый путь»!  ") == "цифровой шелковый путь"
    assert normalize_answer("The Doctor — Who") == "doctor who"
    # deleted, not spaced out, as the official scripts do: a hyphenated word stays one token
    assert normalize_answer("27-30 %") == "2730"
    assert token_f1("кислорода", ["кислорода-18"]) == 0.0


def test_exact_match_uses_any_gold_answer() -> None:
    assert exact_match("Тео Кирни.", ["Кирни", "тео кирни"]) == 1.0
    assert exact_match("Кирни", ["Тео Кирни"]) == 0.0


def test_token_f1_is_partial_credit() -> None:
    assert token_f1("около 500 млн долларов", ["500 млн долларов"]) == pytest.approx(6 / 7)
    assert token_f1("", ["500"]) == 0.0
    assert token_f1("Бектенов", ["Олжас Бектенов", "Бектенов"]) == 1.0


def test_percentile_interpolates() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert percentile([5.0], 95) == 5.0


def test_read_jsonl_skips_blank_lines_and_stops_at_limit(tmp_path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2}\n{"a": 3}\n', encoding="utf-8")
    assert [r["a"] for r in read_jsonl(path)] == [1, 2, 3]
    assert [r["a"] for r in read_jsonl(path, limit=2)] == [1, 2]


def test_evidence_counts_the_gold_at_its_own_offsets() -> None:
    from models.metrics import holds_gold

    context = "Встреча прошла в Баку. Потом делегация вылетела из Баку в Астану."
    first, second = "Встреча прошла в Баку.", "Потом делегация вылетела из Баку в Астану."
    gold = [{"text": "Баку", "answer_start": context.index("Баку")}]
    assert holds_gold(context, first, context.index("Баку"), gold)
    # the second sentence names Baku too, but not where the gold answer stands
    assert not holds_gold(context, second, context.index("Астану"), gold)
    # a paragraph inside a longer article: the gold's offsets are the paragraph's
    heading = "Переговоры в Азербайджане.\n\n"
    article = heading + context
    assert holds_gold(article, first, article.index("Баку"), gold, offset=len(heading))
    assert not holds_gold(article, first, article.index("Баку"), gold)
