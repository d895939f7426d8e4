"""A кто-question is answered by someone: a person or an organisation, not the number or the
thing of the sentence the reader took (#26). Real news-like text through the real engine."""

from __future__ import annotations

from models.core.types import Article

COIN = Article(
    "Умер писатель Фазиль Искандер.\n\n"
    "Писатель скончался на 88-м году жизни в Переделкине. В 2009 году Банк Абхазии в честь "
    "80-летия писателя отчеканил новую монету номиналом 10 апсаров. Прощание пройдёт в "
    "Москве."
)


def test_who_issued_is_an_organisation_not_the_coins_value(embedded_engine) -> None:
    """«кто выпустил монету»: «Банк Абхазии», not «10 апсаров», the reader's first span."""
    for question in ("кто выпустил монету", "кто монету в его честь выпустил"):
        answer = embedded_engine.answer(COIN, question)
        assert answer.text == "Банк Абхазии", (question, answer)



CRASH = Article(
    "На своём вертолёте разбился пятикратный чемпион НБА Коби Брайант.\n\n"
    "Вертолёт упал в воскресенье утром в городе Калабасас, недалеко от Лос-Анджелеса. "
    "Подтверждается, что в числе погибших — 13-летняя дочь спортсмена Джианна. Погибло ещё 7 "
    "человек. Брайант летел на матч, в котором должна была играть его дочь."
)


def test_who_else_is_never_the_one_the_article_is_about(embedded_engine) -> None:
    """«кто ещё был на борту» asks for someone besides Коби Брайант: his name is no answer;
    someone else or «этого нет» is."""
    assert embedded_engine.answer(CRASH, "кто разбился").text == "Коби Брайант"
    other = embedded_engine.answer(CRASH, "кто ещё был на борту")
    assert "Брайант" not in other.text, other
    assert not other.found or "Джианна" in other.text, other
