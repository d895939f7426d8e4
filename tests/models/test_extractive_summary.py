"""Extractive summaries of the seed and of real Wikinews articles, with the real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.core.types import Article, Length
from models.summary.extractive import BUDGETS, rank_sentences

SAMPLE = Path(__file__).parent / "articles" / "wikinews_sample.jsonl"
WIKINEWS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _body(row: dict) -> str:
    """The article without its headline line, as the evaluation feeds it."""
    return row["text"].partition("\n")[2]


def _third_of_article(doc) -> float:
    """A third of what the reader got: headline and sentences, one space between them."""
    parts = [s.text for s in doc.sentences]
    if doc.title_sentence is not None:
        parts.append(doc.title_sentence.text)
    return (sum(len(p) for p in parts) + len(parts) - 1) / 3


def test_seed_summary_says_who_met_whom_and_about_what(embedded_engine, seed_text) -> None:
    summary = embedded_engine.summarize(Article(seed_text))
    assert "Али Асадов встретился" in summary.text
    assert "Бектеновым" in summary.text
    assert "сотрудничеств" in summary.text or "повестки" in summary.text
    for furniture in ("Политика", "15:29", "131", "Новости"):
        assert furniture not in summary.text
    assert summary.engine == "embedded" and not summary.abstractive


def test_seed_key_facts_name_both_premiers(embedded_engine, seed_text) -> None:
    summary = embedded_engine.summarize(Article(seed_text))
    assert "Али Асадов" in summary.names
    assert any("Бектенов" in name for name in summary.names)
    assert "500 млн долларов" in summary.numbers or "165 документов" in summary.numbers


@pytest.mark.parametrize("length", list(Length))
def test_summary_fits_its_budget_and_quotes_whole_sentences(
    embedded_engine, seed_text, length
) -> None:
    article = Article(seed_text)
    summary = embedded_engine.summarize(article, length=length)
    doc = embedded_engine.analyze(article)
    budget = BUDGETS[length]
    assert 1 <= len(summary.sentences) <= budget.max_sentences
    assert len(summary.text) <= budget.max_chars
    assert len(summary.text) <= _third_of_article(doc)
    whole = {s.text for s in doc.sentences}
    for sentence, source in zip(summary.sentences, summary.sources, strict=True):
        assert sentence in whole
        assert seed_text[source.start:source.stop] == sentence
    assert summary.text == " ".join(summary.sentences)


def test_longer_lengths_say_more(embedded_engine, seed_text) -> None:
    article = Article(seed_text)
    short, medium, long = (embedded_engine.summarize(article, length=x) for x in Length)
    assert len(short.text) < len(medium.text) < len(long.text)


def test_the_top_ranked_sentence_comes_first(embedded_engine, seed_text) -> None:
    article = Article(seed_text)
    summary = embedded_engine.summarize(article)
    doc = embedded_engine.analyze(article)
    assert summary.sentences[0] == doc.sentences[rank_sentences(doc)[0]].text


def test_a_lead_that_introduces_a_quote_still_opens_the_summary(embedded_engine) -> None:
    """The main event stated before a quote comes first, not the quote or a later detail."""
    lines = [
        ("В понедельник, 27 января 2020 года, премьер-министр Словении Марьян Шарец подал в "
         "отставку и призвал к досрочным выборам, заявив журналистам:"),
        "С этой коалицией, с этой ситуацией в парламенте я не могу оправдать ожидания людей.",
        ("Коалиция из пяти партий правила страной с сентября 2018 года и часто не имела "
         "большинства в парламенте."),
        "Ранее в отставку подал министр финансов Андрей Бертончель, не согласный с реформой.",
        "Досрочные выборы в Государственное собрание могут пройти уже весной этого года.",
        "Шарец, бывший комик и мэр города Камник, возглавил правительство в 2018 году.",
    ]
    summary = embedded_engine.summarize(Article("\n".join(lines)))
    assert summary.sources[0].text == lines[0]
    # shown as a statement: the quote it introduced does not follow it in the summary
    assert summary.sentences[0] == lines[0][:-1] + "."
    assert all(sentence.endswith(".") for sentence in summary.sentences)


def test_a_long_first_paragraph_is_prose_not_a_headline(embedded_engine) -> None:
    """A 200-character first line without a final period is the lead, and opens the summary."""
    lead = ("С 8 по 13 октября патриарх Кирилл находится с официальным визитом в Санкт-Петербурге. "
            "Он будет присутствовать сразу на трёх юбилейных торжествах, которые пройдут в "
            "городе на этой неделе")
    lines = [
        lead,
        "Первым станет юбилей Санкт-Петербургской духовной академии, основанной в 1809 году.",
        "Затем патриарх посетит торжества в честь столетия одного из городских храмов.",
        "Программа визита включает встречи с губернатором и с преподавателями академии.",
        "В последний день визита патриарх совершит литургию в Исаакиевском соборе.",
    ]
    summary = embedded_engine.summarize(Article("\n".join(lines)))
    assert summary.sentences[0].startswith("С 8 по 13 октября патриарх Кирилл")


def test_a_repeated_sentence_is_not_quoted_twice(embedded_engine) -> None:
    lead = ("Премьер-министр Азербайджана Али Асадов встретился в Баку с премьер-министром "
            "Казахстана Олжасом Бектеновым.")
    lines = [
        lead,
        "Стороны обсудили торговлю, транзит грузов и строительство энергокабеля по дну Каспия.",
        lead,
        "Объем взаимной торговли в прошлом году составил около 500 млн долларов.",
        "Транзитные перевозки железной дорогой увеличились на 33 процента.",
        "Главы правительств подписали документы о сотрудничестве в медицине и связи.",
        "Следующая встреча пройдет в Астане осенью текущего года, сообщили в кабинете.",
        "Кроме того, стороны отметили рост туристических потоков между странами.",
    ]
    text = "\n".join(lines)
    summary = embedded_engine.summarize(Article(text), length=Length.MEDIUM)
    assert summary.text.count("Али Асадов встретился") == 1


def test_a_sentence_split_inside_brackets_is_quoted_whole(embedded_engine) -> None:
    """razdel ends a sentence at a ";" inside a parenthesis; the summary quotes all of it."""
    lead = ("5 июля 2013 года временный руководитель Египта Адли Мансур распустил верхнюю палату "
            "парламента страны — Совет Шура (Консультативный совет; Shura Council).")
    lines = [
        lead,
        "Новым главой палаты стал генерал Мухаммед ат-Тахами, сообщило государственное агентство.",
        ("В начале июня Высший конституционный суд Египта признал закон о выборах в Совет Шура "
         "неконституционным."),
        "Палата избиралась в 2012 году при президенте Мухаммеде Мурси, отстранённом военными.",
        "Мансур также произвёл перестановки в Службе общей разведки Египта.",
        "Выборы нового состава палаты пока не назначены, сообщают египетские СМИ.",
    ]
    article = Article("\n".join(lines))
    doc = embedded_engine.analyze(article)
    summary = embedded_engine.summarize(article)
    assert len(doc.sentences) == len(lines)  # razdel's cut at the ";" is joined back
    assert summary.sentences[0] == lead
    assert summary.sources[0].text == lead


def test_a_summary_does_not_open_with_a_pronoun_or_a_cut_quote(embedded_engine) -> None:
    """"Оба законодателя…" points back to a sentence not shown; "«…" without its » is a piece."""
    lines = [
        ("Оба законодателя добиваются переизбрания; обоим на выборах в ноябре будут "
         "противостоять конгрессмены-демократы."),
        ("Американские сенаторы Джон Маккейн и Марко Рубио победили на республиканских "
         "праймериз в своих штатах."),
        ("«Одной из первых инициатив, которую я представлю, будет сокращение числа "
         "министерств, — сказал Маккейн."),
        "Восьмидесятилетний Маккейн надеется в шестой раз стать сенатором от Аризоны.",
        "Оппонентом Рубио на выборах в ноябре станет конгрессмен Патрик Мерфи.",
        "Рубио ранее выдвигался в президенты, но вышел из гонки после праймериз во Флориде.",
    ]
    summary = embedded_engine.summarize(Article("\n".join(lines)))
    assert summary.sentences[0] == lines[1]
    assert all(not sentence.startswith("«") for sentence in summary.sentences)


@pytest.mark.parametrize("row", WIKINEWS, ids=[row["id"] for row in WIKINEWS])
def test_wikinews_summaries_are_short_complete_sentences(embedded_engine, row) -> None:
    article = Article(_body(row))
    summary = embedded_engine.summarize(article)
    doc = embedded_engine.analyze(article)
    assert 1 <= len(summary.sentences) <= 3
    assert len(summary.text) <= min(450, _third_of_article(doc))
    for sentence in summary.sentences:
        assert sentence.rstrip("»\"”)").endswith((".", "!", "?", "…"))


def test_wikinews_summaries_restate_the_removed_headline(embedded_engine) -> None:
    """On a small real subset: the summary recovers most of the headline, like lead-3 does."""
    from bot.evaluation.summary import score_row

    scores = [score_row(row, embedded_engine, embedded_engine.toolkit) for row in WIKINEWS]
    scores = [s for s in scores if s is not None]
    mean = sum(s["coverage"] for s in scores) / len(scores)
    lead2 = sum(s["lead2_coverage"] for s in scores) / len(scores)
    assert mean >= 0.6
    assert mean >= lead2 - 0.05


def test_a_sentence_that_continues_another_comes_only_after_it(embedded_engine, seed_text) -> None:
    """"Также отмечены…" or "Он…" continue the sentence before; without it they dangle."""
    from models.summary.extractive import select_sentences
    from models.summary.quotability import opens_anaphorically

    for text in [seed_text] + [_body(row) for row in WIKINEWS]:
        doc = embedded_engine.analyze(Article(text))
        chosen = select_sentences(doc)
        for index in chosen:
            if opens_anaphorically(doc.sentences[index]):
                assert index - 1 in chosen, doc.sentences[index].text
    summary = embedded_engine.summarize(Article(seed_text))
    assert not any(s.startswith("Также") for s in summary.sentences)
