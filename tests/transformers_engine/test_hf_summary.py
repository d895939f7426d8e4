"""The seq2seq summariser: input fitting for long articles, generation on tiny T5 and mBART
models, the guard on what they generate, and the extractive fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.core.config import SummaryOptions
from models.core.types import Article, Length
from models.hf.loading import ModelClock, load_model
from models.summary.abstractive import AbstractiveSummarizer
from models.summary.extractive import BUDGETS, rank_sentences
from models.summary.faithfulness import (
    FaithfulnessGuard,
    article_facts,
    sentence_claims,
    unsupported,
)
from tests.transformers_engine.tiny_models import build_scripted_mbart

FAITHFUL = "Главы правительств провели переговоры."
INVENTED = "Подписано 1987 соглашений."


def summarizer_for(folder: Path, engine, **options) -> AbstractiveSummarizer:
    loaded = load_model("summary", str(folder), device="cpu")
    toolkit = engine.embedded.toolkit
    return AbstractiveSummarizer(loaded, SummaryOptions(**options), FaithfulnessGuard(toolkit),
                                 toolkit, ModelClock())


@pytest.fixture(scope="module")
def scripted(tiny_models, tmp_path_factory) -> dict[str, Path]:
    """mBART models that always write the same text: one faithful sentence and one with a
    made-up number, or only sentences with made-up facts."""
    root = tmp_path_factory.mktemp("scripted")
    return {
        "mixed": build_scripted_mbart(root / "mixed", tiny_models["mbart"],
                                      f"{FAITHFUL} {INVENTED}"),
        "invented": build_scripted_mbart(root / "invented", tiny_models["mbart"],
                                         f"В Москве {INVENTED.lower()}"),
    }


@pytest.mark.parametrize("length", list(Length))
def test_tiny_t5_summary_is_valid_and_faithful(engine, seed_article, length) -> None:
    summary = engine.summarize(seed_article, length=length)
    text = seed_article.text
    assert summary.engine == "transformers" and summary.text.strip()
    assert 1 <= len(summary.sentences) <= BUDGETS[length].max_sentences
    assert len(summary.text) <= BUDGETS[length].max_chars
    if summary.abstractive:
        facts = article_facts(engine.embedded.analyze(seed_article))
        for sentence in summary.sentences:
            assert unsupported(sentence_claims(sentence, engine.embedded.toolkit), facts) == []
    else:
        assert all(text[s.start:s.stop] == s.text for s in summary.sources)
    assert summary.names and summary.numbers  # key facts come with either kind


def test_guard_removes_a_made_up_number_from_a_generated_summary(engine, scripted,
                                                                  seed_doc) -> None:
    summarizer = summarizer_for(scripted["mixed"], engine, num_beams=1, no_repeat_ngram_size=0,
                                min_kept_chars=20, new_tokens=((1, 60),) * 3)
    summary = summarizer.summarize(seed_doc, Length.SHORT)
    assert summary.abstractive
    assert summary.sentences == (FAITHFUL,)
    assert "1987" not in summary.text
    assert summarizer.guard.stats.sentences_dropped == 1
    assert summarizer.guard.stats.fallbacks == 0


def test_falls_back_to_extractive_when_nothing_faithful_is_left(engine, scripted,
                                                                 seed_doc) -> None:
    summarizer = summarizer_for(scripted["invented"], engine, num_beams=2,
                                no_repeat_ngram_size=0, new_tokens=((1, 60),) * 3)
    summary = summarizer.summarize(seed_doc, Length.SHORT)
    assert not summary.abstractive and summary.engine == "transformers"
    assert "1987" not in summary.text and "Москв" not in summary.text
    assert summary.sources and all(
        seed_doc.article.text[s.start:s.stop] == s.text for s in summary.sources)
    assert summarizer.guard.stats.fallbacks == 1
    assert summarizer.guard.stats.summaries_with_drops == 1


def test_long_article_keeps_the_best_sentences_that_fit(engine, tiny_models, seed_doc) -> None:
    summarizer = summarizer_for(tiny_models["summary"], engine, max_input_tokens=150)
    chosen = summarizer.select(seed_doc)
    counts = summarizer.token_counts([seed_doc.sentences[i].text for i in chosen])
    assert sum(counts) + len(counts) <= summarizer.budget
    assert chosen == sorted(chosen)  # reading order
    assert rank_sentences(seed_doc)[0] in chosen
    assert len(chosen) < len(seed_doc.sentences)  # the seed does not fit whole


def test_map_reduce_summarises_parts_then_their_summaries(engine, tiny_models, seed_doc) -> None:
    summarizer = summarizer_for(tiny_models["summary"], engine, max_input_tokens=200,
                                strategy="map_reduce", num_beams=1, new_tokens=((4, 12),) * 3)
    parts = summarizer.parts([s.text for s in seed_doc.sentences])
    assert len(parts) > 2
    assert all(n <= summarizer.budget + 2 for n in summarizer.token_counts(parts))
    summary = summarizer.summarize(seed_doc, Length.SHORT)
    assert summarizer.clock.calls > len(parts)  # every part, then the summaries
    assert summary.text


def test_mbart_loads_and_summarises_through_the_engine_loader(engine, tiny_models) -> None:
    summarizer = summarizer_for(tiny_models["mbart"], engine, num_beams=2,
                                new_tokens=((4, 16),) * 3)
    assert type(summarizer.loaded.model).__name__ == "MBartForConditionalGeneration"
    doc = engine.embedded.analyze(Article(
        "Премьер-министр Али Асадов встретился с казахстанским коллегой Олжасом Бектеновым. "
        "Стороны обсудили сотрудничество в энергетике и транспорте."))
    assert summarizer.summarize(doc, Length.SHORT).text


@pytest.mark.parametrize("options,message", [
    ({"strategy": "truncate"}, "SUMMARY_STRATEGY"),
    ({"num_beams": 0}, "SUMMARY_NUM_BEAMS"),
])
def test_bad_generation_settings_are_explained(options, message: str) -> None:
    from models.core.errors import EngineError

    with pytest.raises(EngineError, match=message):
        SummaryOptions(**options)
