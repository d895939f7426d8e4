"""The engine object: the interface, the article cache, embeddings."""

from __future__ import annotations

import numpy as np

from models import load_engine
from models.core.config import EngineConfig
from models.core.types import Article, Engine


def test_engine_implements_the_interface_and_loads_weights_once(embedded_engine) -> None:
    assert isinstance(embedded_engine, Engine)
    assert embedded_engine.name == "embedded"
    again = load_engine(EngineConfig(name="embedded"))
    assert again.toolkit is embedded_engine.toolkit


def test_an_article_is_analysed_once_and_reused(embedded_engine, seed_text: str) -> None:
    first = embedded_engine.analyze(Article(seed_text))
    analyses = embedded_engine.stats()["analyses"]
    # the same article pasted again with different spacing is the same article
    second = embedded_engine.analyze(Article(seed_text.replace("\n\n", "\n")))
    assert second is first
    embedded_engine.summarize(Article(seed_text))
    assert embedded_engine.stats()["analyses"] == analyses


def test_embed_gives_normalised_vectors_that_group_stories(embedded_engine) -> None:
    vectors = embedded_engine.embed([
        "Премьер-министры Азербайджана и Казахстана провели переговоры в Баку.",
        "В Баку прошли переговоры глав правительств Азербайджана и Казахстана.",
        "Футбольный клуб купил нового нападающего за десять миллионов евро.",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedded_engine.embed([]).shape == (0, 384)


def test_vectors_are_computed_for_the_first_question_and_reused(embedded_engine) -> None:
    text = (
        "Городские власти объявили о строительстве нового моста через реку Кама.\n"
        "Работы начнутся весной следующего года и продлятся два года.\n"
        "Стоимость проекта оценивается в 12 млрд рублей, сообщили в мэрии.\n"
        "Новый мост соединит центр города с северными районами."
    )
    article = Article(text)
    embedded_engine.summarize(article)
    doc = embedded_engine.analyze(article)
    assert not doc.has_vectors  # a summary needs no e5 vectors
    embedded_engine.answer(article, "Когда начнутся работы?")
    vectors = doc.vectors
    assert vectors.shape == (len(doc.sentences), 384)
    embedded_engine.answer(article, "Сколько стоит проект?")
    assert embedded_engine.analyze(article).vectors is vectors
