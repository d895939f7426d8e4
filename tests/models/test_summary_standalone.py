"""Summary bullets that stand alone (#28): no bullet leans on a sentence that is not shown, a
short summary tells the article's event and not last year's, and no wiki markup is quoted.
Real engine, real articles (tests/support/articles: Wikinews texts of NEREL's training split)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.engines.base import Article, Length
from models.summary.quotability import opens_anaphorically

TESTS = Path(__file__).resolve().parents[1]
ARTICLES = sorted((TESTS / "support" / "articles").glob("*.txt"))
SAMPLE = TESTS / "models" / "articles" / "wikinews_sample.jsonl"
SEED = TESTS.parent / "seeds" / "000_3e03566f6385fd19.txt"


def _article(name: str) -> str:
    return (TESTS / "support" / "articles" / name).read_text(encoding="utf-8")


def _all_texts() -> list[tuple[str, str]]:
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in ARTICLES]
    texts += [(json.loads(line)["id"], json.loads(line)["text"])
              for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return texts + [("seed", SEED.read_text(encoding="utf-8"))]


def _sentence(doc, fragment: str):
    return next(s for s in doc.sentences if fragment in s.text)


@pytest.mark.parametrize(("name", "fragment"), [
    ("wikinews_13912.txt", "В нее, как правило"),  # a preposition before the pronoun
    ("wikinews_13912.txt", "Спустя три месяца после триумфа"),  # time after what?
    ("wikinews_13549.txt", "При этом он был вторым"),
    ("wikinews_13549.txt", "Его последней трапезой"),
    ("wikinews_1592.txt", "В то время она была в городе Мосул"),
])
def test_a_sentence_that_points_back_is_seen_to(embedded_engine, name, fragment) -> None:
    doc = embedded_engine.analyze(Article(_article(name)))
    assert opens_anaphorically(_sentence(doc, fragment))


def test_a_pronoun_after_the_name_it_means_or_this_year_does_not_lean_back(
        embedded_engine) -> None:
    doc = embedded_engine.analyze(Article(_article("wikinews_509888.txt")))
    assert not opens_anaphorically(_sentence(doc, "В этом году на Нобелевскую премию"))
    doc = embedded_engine.analyze(Article(_article("wikinews_13912.txt")))
    assert not opens_anaphorically(_sentence(doc, "Владимир Тарасенко заявил во вторник"))


def test_a_short_summary_tells_this_years_prize_not_last_years(embedded_engine) -> None:
    """The 2019 Nobel Peace Prize: the 2018 peace treaty and last year's laureates are
    background, not what the headline is about."""
    summary = embedded_engine.summarize(Article(_article("wikinews_509888.txt")),
                                        length=Length.SHORT)
    assert "Абий Ахмед Али" in summary.sentences[0]
    assert not any("2018" in s or "прошлом году" in s for s in summary.sentences), summary.text


@pytest.mark.parametrize("length", list(Length))
def test_no_bullet_of_any_test_article_leans_on_a_sentence_not_shown(
        embedded_engine, length) -> None:
    """Every bullet that opens by pointing back («Он…», «В нее…», «Об этом…») follows the
    sentence it points to, in every test article, at every length."""
    for name, text in _all_texts():
        doc = embedded_engine.analyze(Article(text))
        summary = embedded_engine.summarize(Article(text), length=length)
        starts = [span.start for span in summary.sources]
        index = {s.start: s.index for s in doc.sentences}
        chosen = [index[start] for start in starts]
        for position, sentence_index in enumerate(chosen):
            sentence = doc.sentences[sentence_index]
            if opens_anaphorically(sentence):
                assert position > 0 and chosen[position - 1] == sentence_index - 1, (
                    name, length, sentence.text)
