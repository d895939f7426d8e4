"""Analysis of real articles with the real natasha and e5 weights."""

from __future__ import annotations

import numpy as np
import pytest

from models.engines.base import Article
from models.engines.errors import EmptyText, TextTooShort
from models.text.analysis import AnalyzedArticle, analyze


@pytest.fixture(scope="module")
def seed_doc(embedded_engine, seed_text: str) -> AnalyzedArticle:
    return embedded_engine.analyze(Article(seed_text))


def test_sentences_and_tokens_point_into_the_original_text(seed_doc, seed_text) -> None:
    assert len(seed_doc.sentences) > 20
    for index, sentence in enumerate(seed_doc.sentences):
        assert sentence.index == index
        assert seed_text[sentence.start:sentence.stop] == sentence.text
        for token in sentence.tokens:
            assert seed_text[token.start:token.stop] == token.text
    for entity in seed_doc.entities:
        assert seed_text[entity.start:entity.stop] == entity.text


def test_headline_is_kept_apart_and_furniture_is_not_a_sentence(seed_doc) -> None:
    assert seed_doc.title == "Премьер-министр Али Асадов встретился с казахстанским коллегой"
    texts = [s.text for s in seed_doc.sentences]
    assert seed_doc.title not in texts
    for furniture in ("Политика", "15:29", "131", "Новости"):
        assert not any(t.strip() == furniture for t in texts)
    assert texts[0].startswith("3 марта премьер-министр Азербайджанской Республики")


def test_lemmas_and_entities(seed_doc) -> None:
    first = seed_doc.sentences[0]
    lemmas = {t.lemma for t in first.tokens}
    assert {"встретиться", "премьер-министр", "визит"} <= lemmas
    people = {e.normal for e in seed_doc.entities if e.type == "PER"}
    assert "Али Асадов" in people
    places = {e.normal for e in seed_doc.entities if e.type == "LOC"}
    assert {"Баку", "Казахстан"} <= places


def test_one_normalised_e5_vector_per_sentence(seed_doc) -> None:
    vectors = seed_doc.vectors
    assert vectors.shape == (len(seed_doc.sentences), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert seed_doc.title_vector is not None
    # the headline restates the first sentence more than the closing one about documents
    assert seed_doc.title_vector @ vectors[0] > seed_doc.title_vector @ vectors[-1]


@pytest.mark.parametrize("text", ["", "   \n ", "😀🔥👍", "https://example.com/news 👉 t.me/x"])
def test_text_without_words_is_empty(embedded_engine, text: str) -> None:
    with pytest.raises(EmptyText):
        analyze(Article(text), embedded_engine.toolkit)


@pytest.mark.parametrize("text", ["Новости\n15:29\n131", "Политика"])
def test_text_that_is_only_furniture_is_too_short(embedded_engine, text: str) -> None:
    with pytest.raises(TextTooShort):
        analyze(Article(text), embedded_engine.toolkit)
