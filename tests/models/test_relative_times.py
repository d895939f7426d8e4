"""Times said relative to now («месяц назад», «на прошлой неделе», «в ближайшие несколько
недель») answer когда, and only for an event on their side of now (#26). Real news-like text
through the real engine; the expressions themselves checked on the pattern."""

from __future__ import annotations

from models.core.types import Article
from models.qa.answer_types import _TIME
from models.qa.question import parse_question
from models.qa.tense import against_tense

AGENCY = Article(
    "Новым руководителем Госстроя может стать Владимир Токарев.\n\n"
    "Об этом сообщили источники в правительстве. Предыдущий глава Госстроя Виктор Коган подал "
    "в отставку месяц назад. Напомним, семь лет назад Токарев уже работал в Госстрое "
    "заместителем руководителя. Ему 35 лет."
)


def test_relative_times_are_time_expressions() -> None:
    text = ("Коган ушёл месяц назад, суд начался на прошлой неделе, три года назад он уехал, "
            "в прошлом году закон приняли, операцию сделают в ближайшие несколько недель.")
    found = [m.group() for m in _TIME.finditer(text)]
    for expression in ("месяц назад", "на прошлой неделе", "три года назад", "в прошлом году",
                       "в ближайшие несколько недель"):
        assert expression in found, (expression, found)


def test_when_someone_left_a_month_ago(embedded_engine) -> None:
    answer = embedded_engine.answer(AGENCY, "когда коган ушёл в отставку")
    assert answer.text == "месяц назад", answer


def test_a_time_on_the_other_side_of_now_dates_nothing_asked(embedded_engine) -> None:
    """«семь лет назад» cannot date «когда токарев приступит» (not yet happened), «в
    ближайшие недели» cannot date «когда коган ушёл»; each may date its own tense."""
    def asked(text: str):
        return parse_question(text, embedded_engine.toolkit)

    assert against_tense(asked("когда токарев приступит"), "семь лет назад")
    assert against_tense(asked("когда сенат будет голосовать"), "в прошлом году")
    assert against_tense(asked("когда коган ушёл"), "в ближайшие несколько недель")
    assert not against_tense(asked("когда коган ушёл"), "месяц назад")
    assert not against_tense(asked("когда коган ушёл"), "на следующий день")
    assert not against_tense(asked("когда токарев приступит"), "в ближайшие недели")



def test_what_happened_does_not_date_what_is_to_come(embedded_engine) -> None:
    """A date a finite past verb governs («был госпитализирован в ноябре», «объявили 21
    сентября») tells when that happened, so it cannot answer «когда его выпишут»; a plan
    («запланирована на август») or a future verb («откроется 1 марта») can."""
    from models.qa.rules.parse import parse_sentences
    from models.qa.tense import dates_past_event

    def past(sentence: str, time: str) -> bool:
        text = "Новости.\n\n" + sentence
        doc = embedded_engine.analyze(Article(text))
        last = doc.sentences[-1]
        tree = parse_sentences(doc, [last.index], embedded_engine.toolkit)[last.index]
        start = text.index(time)
        return dates_past_event(tree, start, start + len(time))

    assert past("88-летний Буш был госпитализирован в ноябре.", "ноябре")
    assert past("Об этом супруги объявили 21 сентября 2016 года.", "21 сентября 2016 года")
    assert not past("Премьера запланирована на август.", "август")
    assert not past("Центр откроется 1 марта.", "1 марта")
    assert not past("Заявление ожидается позднее во вторник.", "вторник")

def test_part_of_a_year_is_kept() -> None:
    text = "Вешлер свернёт свою деятельность в хедж-фонде в начале 2012г. и перейдёт в фонд."
    assert "в начале 2012г." in [m.group() for m in _TIME.finditer(text)]


def test_next_and_coming_ask_about_the_future(embedded_engine) -> None:
    """«когда следующий суд» has no verb, yet asks what is to come."""
    from models.qa.tense import asks_future

    assert asks_future(parse_question("а когда следующий суд", embedded_engine.toolkit))
    assert not asks_future(parse_question("а когда был суд", embedded_engine.toolkit))
