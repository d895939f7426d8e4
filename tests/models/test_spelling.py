"""Questions typed in chat, read as meant (#26): slang put in the words a news text uses, in
the same form, and names typed in Cyrillic or lower case as the article writes them. natasha's
real dictionary; the article's own words decide what a name becomes."""

from __future__ import annotations

import pytest
from natasha import MorphVocab

from models.qa.spelling import respell


@pytest.fixture(scope="module")
def morph() -> MorphVocab:
    return MorphVocab()


def read(morph: MorphVocab, question: str, article_words: tuple[str, ...] = ()) -> str:
    return respell(question, morph.word_is_known, article_words, morph.parse)


@pytest.mark.parametrize(("typed", "meant"), [
    ("скока бабла она вбухала в грудь", "сколько денег она потратила в грудь"),
    ("кто теперь рулит роскосмосом", "кто теперь руководит роскосмосом"),
    ("на какой тачке ехал", "на какой машине ехал"),
    ("скока лет пацану", "сколько лет парню"),
    ("кого грохнули", "кого убили"),
    ("кто спёр медаль", "кто украл медаль"),
    ("а копы где были", "а полицейские где были"),
])
def test_slang_becomes_the_news_word_in_the_same_form(morph, typed: str, meant: str) -> None:
    assert read(morph, typed) == meant


def test_a_slang_word_the_article_itself_uses_is_kept(morph) -> None:
    assert read(morph, "на какой тачке ехал", ("тачке", "ехал")) == "на какой тачке ехал"


def test_names_typed_in_cyrillic_become_the_articles_spelling_only_where_it_has_it(morph
                                                                                   ) -> None:
    words = ("Apple", "Telegram", "СБУ", "руководил")
    assert read(morph, "он чё совсем из эпл уходит", words) == "он что совсем из Apple уходит"
    assert read(morph, "когда телегу внесли в реестр", words) == (
        "когда Telegram внесли в реестр")
    assert read(morph, "когда турчинов сбу руководил", words) == (
        "когда турчинов СБУ руководил")
    # an article that writes no «Apple» and no «СБУ» keeps the words as typed
    assert read(morph, "он из эпл уходит", ("Google",)) == "он из эпл уходит"
    assert read(morph, "когда сбу", ("ФСБ",)) == "когда сбу"
