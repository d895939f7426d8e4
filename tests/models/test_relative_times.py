"""Times said relative to now («месяц назад», «на прошлой неделе», «в ближайшие несколько
недель») answer когда, and only for an event on their side of now (#26). Real news-like text
through the real engine; the expressions themselves checked on the pattern."""

from __future__ import annotations

from models.core.types import Article
from models.qa.answer_types import _TIME, against_tense
from models.qa.question import parse_question

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
