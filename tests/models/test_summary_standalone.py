"""Summary bullets that stand alone (#28): no bullet leans on a sentence that is not shown, a
short summary tells the article's event and not last year's, and no wiki markup is quoted.
Real engine, real articles (tests/support/articles: Wikinews texts of NEREL's training split)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from models.core.types import Article, Length
from models.summary.quotability import opens_anaphorically

TESTS = Path(__file__).resolve().parents[1]
ARTICLES = sorted((TESTS / "support" / "articles").glob("*.txt"))
SAMPLE = TESTS / "models" / "articles" / "wikinews_sample.jsonl"
SEED = TESTS.parent / "seeds" / "000_3e03566f6385fd19.txt"


# What wiki markup looks like once it reached a reader: '' or ''' quotes, [[links]],
# {{templates}}, == headings ==, [https://… links].
WIKI_MARKUP = re.compile(r"''|\[\[|\]\]|\{\{|\}\}|==|\[https?://")


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


@pytest.mark.parametrize("length", list(Length))
def test_no_summary_of_any_test_article_shows_wiki_markup(embedded_engine, length) -> None:
    """«Отец Ивана Агафонова … заявив: ''«Не могу слушать это вранье…»''» was quoted with
    the apostrophes of Wikinews' italics."""
    for name, text in _all_texts():
        summary = embedded_engine.summarize(Article(text), length=length)
        for sentence in summary.sentences:
            assert not WIKI_MARKUP.search(sentence), (name, length, sentence)


def test_markup_is_cleaned_before_summarising(embedded_engine) -> None:
    """The words of a link or a quote are read (and shown) without the markup around them."""
    text = (
        "Суд в Москве освободил спортсмена в зале суда\n"
        "Замоскворецкий суд [[Москва|Москвы]] приговорил '''Расула Мирзаева''' к двум годам "
        "ограничения свободы, но освободил его в зале суда{{примечание|ТАСС}}.\n"
        "Отец погибшего студента покинул зал, заявив: ''«Не могу слушать это вранье»''. "
        "Приговор вступит в силу через десять дней, если его не обжалуют [[адвокат]]ы.\n"
    )
    from models.summary.extractive import as_statement

    doc = embedded_engine.analyze(Article(text))
    assert as_statement(doc.sentences[0].text) == (
        "Замоскворецкий суд Москвы приговорил Расула Мирзаева к двум годам ограничения "
        "свободы, но освободил его в зале суда.")
    words = [t.text for s in doc.sentences for t in s.tokens]
    assert not any(WIKI_MARKUP.search(w) or w in ("'", "[", "{") for w in words), words
    summary = embedded_engine.summarize(Article(text), length=Length.LONG)
    assert not any(WIKI_MARKUP.search(s) or "примечание" in s for s in summary.sentences)
    assert "Расул Мирзаев" in summary.names


def test_a_photo_caption_is_not_a_sentence_nor_a_key_fact(embedded_engine) -> None:
    """«Дилма Руссефф и Патриарх Кирилл 16 февраля 2016 года» is the caption of a photo under
    the headline: the article never mentions the Patriarch, nor that date."""
    row = next(json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()
               if json.loads(line)["id"] == "train/100832_text")
    doc = embedded_engine.analyze(Article(row["text"]))
    assert not any("Патриарх Кирилл" in s.text for s in doc.sentences)
    summary = embedded_engine.summarize(Article(row["text"]), length=Length.LONG)
    assert "Кирилл" not in summary.names
    assert not any("февраля 2016" in n or n == "2016 год" for n in summary.numbers)


def test_a_digest_line_shows_no_wiki_markup() -> None:
    """A digest line is the stored summary's first sentence (one stored before the cleaning
    too) or the lead of the text."""
    from bot.digest.compose import DigestArticle, headline

    stored = DigestArticle(1, "Суд", "текст", summary=(
        "Суд приговорил '''Расула Мирзаева''' к двум годам, сообщает [[ТАСС|агентство]]. "
        "Второе предложение."))
    assert headline(stored) == "Суд приговорил Расула Мирзаева к двум годам, сообщает агентство."
    unsummarised = DigestArticle(2, "Суд", (
        "Суд\nЗамоскворецкий суд ''Москвы'' приговорил спортсмена к двум годам{{ref|1}}."))
    assert headline(unsummarised) == (
        "Замоскворецкий суд Москвы приговорил спортсмена к двум годам.")
