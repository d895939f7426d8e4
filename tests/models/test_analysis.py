"""Analysis of real articles with the real natasha and e5 weights."""

from __future__ import annotations

import numpy as np
import pytest

from models.core.errors import EmptyText, TextTooShort
from models.core.types import Article
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


def _news_text(chars: int) -> str:
    """Real Russian news (NEREL's training texts), prose paragraphs joined up to `chars`."""
    import json
    from pathlib import Path

    path = (Path(__file__).resolve().parents[3] / "shared" / "train" / "nerel_train"
            / "nerel_v1.1_train.jsonl")
    if not path.is_file():
        pytest.skip(f"no NEREL texts at {path}")
    body = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if len(body) > chars:
            break
        paragraphs = [p for p in json.loads(line)["text"].split("\n")[1:]
                      if len(p) > 80 and "Читайте" not in p]  # no headline, date or links
        body += "\n\n".join(paragraphs) + "\n\n"
    return body[:body.rfind("\n", 0, chars)]


def test_past_the_morph_cap_words_keep_slovnets_lemmas(embedded_engine, monkeypatch) -> None:
    """slovnet tags only the first MORPH_CHARS of a long paste; past them each word gets the
    reading slovnet gave it earlier or pymorphy's likeliest one. The summary and retrieval read
    content lemmas: nearly all must be the ones slovnet's tagging gives (on 199,000 characters
    of NEREL news: 97.0% of lemmas, 96.7% of content words, analysis 5.0 s -> 3.3 s)."""
    import models.text.analysis as analysis
    from models.qa.question import CONTENT_POS

    text = _news_text(45_000)
    whole = analyze(Article(text), embedded_engine.toolkit)
    monkeypatch.setattr(analysis, "MORPH_CHARS", 15_000)
    capped = analyze(Article(text), embedded_engine.toolkit)
    assert [s.text for s in capped.sentences] == [s.text for s in whole.sentences]
    pairs = [(a, b) for sa, sb in zip(capped.sentences, whole.sentences) if sa.start > 15_000
             for a, b in zip(sa.tokens, sb.tokens) if b.pos != "PUNCT"]
    assert len(pairs) > 3_000
    head = [(a, b) for sa, sb in zip(capped.sentences, whole.sentences) if sa.stop <= 15_000
            for a, b in zip(sa.tokens, sb.tokens)]
    assert all(a.lemma == b.lemma and a.pos == b.pos for a, b in head)  # slovnet's own there
    content = [(a, b) for a, b in pairs if b.pos in CONTENT_POS]
    kept = sum(a.lemma == b.lemma and a.pos in CONTENT_POS for a, b in content) / len(content)
    assert kept >= 0.95, kept
