"""«скока ему дали» is the court's term, «скока ему было» an age: the sum of a bribe or a crowd
is no answer to either (#26). Real news-like text through the real engine; the term and the
age are found by the rules, the reader picks which."""

from __future__ import annotations

from models.core.types import Article, Turn
from models.qa.terms import terms_in
from models.text.analysis import Sentence

BRIBE = Article(
    "Бывший начальник управления осуждён за взятку.\n\n"
    "Военный суд признал его виновным в получении взятки в размере 700 тысяч рублей. "
    "Суд приговорил бывшего начальника к семи годам лишения свободы в колонии строгого "
    "режима. Обвинение просило для него девять лет заключения. За время службы он был "
    "награждён орденом и четырьмя медалями."
)
CRASH = Article(
    "В Италии погиб высокопоставленный военный НАТО.\n\n"
    "Генерал погиб в результате столкновения автомобилей на шоссе в провинции Феррара. "
    "Участниками аварии стали ещё не менее пяти автомобилей. Уроженец штата Нью-Йорк, "
    "46-летний генерал служил в штабе альянса с 2010 года."
)


def test_what_a_court_gave_is_the_term_not_the_bribe(embedded_engine) -> None:
    """«скока ему дали»: the seven years, not the 700 thousand roubles of the same story; and
    what the prosecutor asked is the other term the text gives."""
    given = embedded_engine.answer(BRIBE, "скока ему дали")
    assert "семи годам лишения свободы" in given.text and "рубл" not in given.text, given
    turn = Turn("скока ему дали", given.text, given.sentence)
    asked = embedded_engine.answer(BRIBE, "а прокурор скока просил", previous=turn)
    assert "девять лет" in asked.text, asked


def test_what_a_court_gave_asked_with_what(embedded_engine) -> None:
    """«чё ему дали» of a sentence: the term too, not the bribe."""
    answer = embedded_engine.answer(BRIBE, "чё ему дали")
    assert "семи годам лишения свободы" in answer.text, answer


def test_a_term_question_about_money_is_still_money(embedded_engine) -> None:
    """«скока денег ему дали» counts money: the bribe, not the term."""
    answer = embedded_engine.answer(BRIBE, "скока денег ему дали")
    assert "700 тысяч рублей" in answer.text, answer


def test_terms_as_news_write_them() -> None:
    """A length and what it is spent in, with its preposition; a one-word term; no length of
    anything else («в течение пяти лет»)."""
    text = ("Суд приговорил мужчину к 1 году лишения свободы условно, его сообщников — к 3 "
            "годам и 6 месяцам колонии общего режима. Участницы группы получили двухлетний "
            "срок. Компания работала в течение пяти лет. Закон предлагает лишать свободы на "
            "срок от 8 до 15 лет.")
    found = [text[a:b] for a, b in terms_in(Sentence(0, 0, len(text), text, ()))]
    assert found == ["к 1 году лишения свободы условно",
                     "к 3 годам и 6 месяцам колонии общего режима", "двухлетний срок",
                     "лишать свободы на срок от 8 до 15 лет"]


def test_what_a_law_gives_for_a_crime(embedded_engine) -> None:
    """«скока дают за оправдание терроризма»: the term the law sets, not its fine."""
    law = Article(
        "Госдума ужесточила наказание за терроризм.\n\n"
        "За публичное оправдание терроризма закон предлагает лишать свободы на срок от 8 до "
        "15 лет со штрафом в размере от 500 тыс. до 1 млн рублей. Закон вступит в силу "
        "через десять дней."
    )
    answer = embedded_engine.answer(law, "скока дают за оправдание терроризма")
    assert "от 8 до 15 лет" in answer.text and "рубл" not in answer.text, answer


def test_how_old_without_the_word_years(embedded_engine) -> None:
    """«скока ему было» says no «лет»: an age still, not the five cars of the sentence the
    reader would take («не менее пяти автомобилей»)."""
    answer = embedded_engine.answer(CRASH, "скока ему было")
    assert answer.text == "46-летний", answer


def test_an_age_question_after_another_is_not_rebuilt_from_it(embedded_engine) -> None:
    """«а скока ему» after «где он разбился» asks his age; it is not read as «сколько где
    разбился», which a number of cars would answer."""
    first = embedded_engine.answer(CRASH, "где он разбился")
    turn = Turn("где он разбился", first.text, first.sentence)
    answer = embedded_engine.answer(CRASH, "а скока ему", previous=turn)
    assert answer.text == "46-летний", answer
