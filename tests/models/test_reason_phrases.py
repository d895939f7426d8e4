"""Reasons said as a phrase: «по состоянию здоровья», «в связи с достижением предельного
возраста», «в знак протеста» (#26). Real news-like text through the real engine."""

from __future__ import annotations

from models.core.types import Article

CASTRO = Article(
    "Фидель Кастро отошёл от власти.\n\n"
    "31 июля 2006 года Кастро по состоянию здоровья передал исполнение обязанностей на всех "
    "ключевых постах своему брату Раулю. В феврале 2008 года он окончательно оставил пост "
    "председателя Госсовета."
)
GENERAL = Article(
    "Сменился главком сухопутных войск.\n\n"
    "63-летний генерал армии Пётр Климов покидает пост главнокомандующего сухопутными "
    "войсками в связи с достижением предельного возраста службы, сообщили в Минобороны. "
    "Новым главкомом назначен командующий Уральским округом."
)
HUNGER = Article(
    "Суд отказал активистке в личном участии в заседании.\n\n"
    "Активистка Мария Соколова объявила голодовку в знак протеста против отказа суда "
    "выслушать её лично. Адвокат подал жалобу в краевой суд."
)


def test_a_reason_said_as_a_phrase_is_the_answer(embedded_engine) -> None:
    """«почему он брату власть передал»: «по состоянию здоровья», not what he handed over."""
    answer = embedded_engine.answer(CASTRO, "почему он брату власть передал")
    assert answer.text == "по состоянию здоровья", answer


def test_the_best_sentences_reason_stands_where_the_reader_doubts(embedded_engine) -> None:
    """The sentence retrieval ranks first says why he leaves; the reader, asked in other
    words («убрали»), doubts it, but a stated reason there is the answer, not «этого нет»."""
    answer = embedded_engine.answer(GENERAL, "почему климова убрали")
    assert answer.text.startswith("в связи с достижением предельного возраста"), answer
    why = embedded_engine.answer(HUNGER, "почему она голодает")
    assert why.text.startswith("в знак протеста против отказа суда"), why


PREMIER = Article(
    "Новым премьер-министром Таиланда стала Йинглак Чинават.\n\n"
    "Парламент страны утвердил её кандидатуру в пятницу. Йинглак — младшая сестра бывшего "
    "премьера Таксина Чинавата, который живёт в эмиграции. После отстранения от власти Таксин "
    "был заочно приговорён в Таиланде к двум годам тюрьмы по обвинению в коррупции. Его "
    "сторонники выиграли выборы в июле."
)


def test_what_someone_was_convicted_of_however_the_question_says_it(embedded_engine) -> None:
    """«за что брата осудили» shares few words with the sentence («приговорён … по обвинению в
    коррупции»): retrieval alone would call it unrelated; a charge the text states answers."""
    answer = embedded_engine.answer(PREMIER, "за что брата осудили")
    assert answer.text == "по обвинению в коррупции", answer
