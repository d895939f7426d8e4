"""Span QA over overlapping windows: spans always lie inside the article, the window holding
the answer is found among many, the retriever can limit the windows read, bad questions fail
clearly."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from models.core.config import QaOptions
from models.core.errors import EmptyQuestion
from models.core.types import Article
from models.hf.loading import ModelClock, load_model
from models.qa.span_reader import SpanQA, whole_words
from tests.transformers_engine.tiny_models import EVAL, build_pointing_xlmr_qa

QUESTION = "Какой документ подписан?"
SMALL = QaOptions(max_length=64, stride=16)


def pick_target(tokenizer, doc) -> tuple[int, int, int]:
    """A token id that occurs once in the article, in a prose sentence past 60% of the text:
    (token id, start, stop)."""
    text = doc.article.text
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = encoded["input_ids"], encoded["offset_mapping"]
    question_ids = set(tokenizer(QUESTION, add_special_tokens=False)["input_ids"])
    for token, (start, stop) in zip(ids, offsets):
        piece = text[start:stop]
        in_prose = any(s.start <= start and stop <= s.stop for s in doc.sentences)
        if (start > 0.6 * len(text) and in_prose and ids.count(token) == 1
                and piece.isalpha() and len(piece) >= 4 and token not in question_ids):
            return token, start, stop
    raise AssertionError("no unique token in the seed article")


@pytest.fixture(scope="module")
def pointing(tiny_models, seed_doc, tmp_path_factory) -> tuple[SpanQA, int, int]:
    """SpanQA over a QA model that points at one token deep in the seed article."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_models["qa"]))
    token, start, stop = pick_target(tokenizer, seed_doc)
    folder = build_pointing_xlmr_qa(tmp_path_factory.mktemp("pointing"), tiny_models["qa"], token)
    # the token may be a piece of a word: the answer is the whole word
    start, stop = whole_words(seed_doc.article.text, start, stop)
    return SpanQA(load_model("qa", str(folder), device="cpu"), SMALL, ModelClock()), start, stop


def test_the_window_holding_the_answer_is_found(pointing, seed_doc) -> None:
    qa, start, stop = pointing
    windows = qa.preprocess(seed_doc, QUESTION)
    holding = [w.index for w in windows if w.start <= start and stop <= w.stop]
    assert len(windows) > 10 and min(holding) > 3
    answer = qa.answer(seed_doc, QUESTION)
    assert answer.found and answer.engine == "transformers"
    assert (answer.start, answer.stop) == (start, stop)
    assert answer.text == seed_doc.article.text[start:stop]
    assert answer.text in answer.sentence


def test_retriever_ranking_limits_the_windows_read(pointing, seed_doc) -> None:
    qa, start, stop = pointing
    windows = qa.preprocess(seed_doc, QUESTION)
    holding = next(i for i, s in enumerate(seed_doc.sentences) if s.start <= start < s.stop)
    elsewhere = 0 if holding else 1

    def overlapping(index: int) -> int:
        sentence = seed_doc.sentences[index]
        return sum(1 for w in windows if w.start < sentence.stop and sentence.start < w.stop)

    reads_holding = SpanQA(qa.loaded, replace(SMALL, top_windows=overlapping(holding)),
                           ModelClock())
    assert len(reads_holding.preprocess(seed_doc, QUESTION, [(holding, 1.0)])) < len(windows)
    found = reads_holding.answer(seed_doc, QUESTION, [(holding, 0.9), (elsewhere, 0.5)])
    assert (found.start, found.stop) == (start, stop)
    reads_elsewhere = SpanQA(qa.loaded, replace(SMALL, top_windows=overlapping(elsewhere)),
                             ModelClock())
    missed = reads_elsewhere.answer(seed_doc, QUESTION, [(elsewhere, 0.9), (holding, 0.5)])
    assert (missed.start, missed.stop) != (start, stop)


def test_retrieval_weight_decides_between_the_best_sentences(pointing, seed_doc) -> None:
    """Each ranked sentence in the windows read offers its own best span; the logits decide
    while the retrieval weight is small, the retrieval scores once it is large."""
    import numpy as np

    qa, _, _ = pointing
    first, second = seed_doc.sentences[1], seed_doc.sentences[4]
    ranked = [(1, 0.95), (4, 0.80)]
    options = replace(SMALL, max_length=160, stride=32, top_windows=6)

    def logits(windows):
        """The token in the middle of the second sentence scores 10, of the first 9.9."""
        out = []
        for window in windows:
            row = np.zeros(len(window.input_ids))
            for i, ((a, b), inside) in enumerate(zip(window.offsets, window.in_context)):
                if inside and a <= (second.start + second.stop) // 2 < b:
                    row[i] = 10.0
                elif inside and a <= (first.start + first.stop) // 2 < b:
                    row[i] = 9.9
            out.append((row, row.copy()))
        return out

    for weight, expected in ((1.0, second), (1e4, first)):
        reader = SpanQA(qa.loaded, replace(options, retrieval_weight=weight), ModelClock())
        windows = reader.preprocess(seed_doc, QUESTION, ranked)
        answer = reader.postprocess(seed_doc, windows, logits(windows), ranked)
        assert answer.found and answer.sentence == expected.text
        assert expected.start <= answer.start < answer.stop <= expected.stop


def test_a_high_threshold_gives_no_answer(pointing, seed_doc) -> None:
    qa, _, _ = pointing
    strict = SpanQA(qa.loaded, QaOptions(max_length=64, stride=16, null_threshold=1e6),
                    ModelClock())
    answer = strict.answer(seed_doc, QUESTION)
    assert not answer.found and answer.reason and (answer.start, answer.stop) == (0, 0)


def test_spans_lie_inside_the_article_on_xquad(engine) -> None:
    rows = []
    with (EVAL / "xquad_ru" / "xquad_ru_dev.article.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            rows.append(json.loads(line))
            if len(rows) == 4:
                break
    for row in rows:
        article = Article(row["context"])
        answer = engine.answer(article, row["question"])
        if answer.found:
            assert article.text[answer.start:answer.stop] == answer.text
            assert answer.text == answer.text.strip() and answer.text in answer.sentence
        assert 0.0 <= answer.score <= 1.0


def test_seed_answer_is_a_span_of_the_article(engine, seed_article) -> None:
    answer = engine.answer(seed_article, "С кем встретился Али Асадов?")
    if answer.found:
        assert seed_article.text[answer.start:answer.stop] == answer.text
        assert "Политика" not in answer.text and "15:29" not in answer.text  # prose only


@pytest.mark.parametrize("question", ["", "   ", "?!", "😀"])
def test_empty_question_is_refused(engine, seed_article, question: str) -> None:
    with pytest.raises(EmptyQuestion):
        engine.answer(seed_article, question)


def test_qa_model_path_is_recorded(engine, tiny_models: dict[str, Path]) -> None:
    qa = engine.qa()
    assert qa.loaded.source == str(tiny_models["qa"])
    assert type(qa.loaded.model).__name__ == "XLMRobertaForQuestionAnswering"
    assert qa.loaded.tokenizer.is_fast


def test_engine_reads_only_the_windows_the_retriever_ranks_highest(pointing, seed_doc, engine,
                                                                   engine_config) -> None:
    from models.engines.transformers_engine import TransformersEngine
    from models.qa.retrieval import rank_evidence

    qa, start, stop = pointing
    sentence = next(s for s in seed_doc.sentences if s.start <= start < s.stop)
    question = sentence.text.rstrip(".") + "?"  # the retriever surely ranks it first
    every = SpanQA(qa.loaded, engine_config.qa, ModelClock()).preprocess(seed_doc, question)
    holding = sum(1 for w in every if w.start < sentence.stop and sentence.start < w.stop)
    config = replace(engine_config, qa_model=qa.loaded.source,
                     qa=replace(engine_config.qa, top_windows=holding))  # the sentence's windows
    fast = TransformersEngine(config, engine.embedded)  # shares the analysed-article cache
    ranked = rank_evidence(seed_doc, question, fast.embedded.toolkit)
    assert ranked[0][0] == sentence.index
    read = fast.qa().preprocess(seed_doc, question, ranked)
    assert len(read) == holding < len(every)
    answer = fast.answer(seed_doc.article, question)
    assert (answer.start, answer.stop) == (start, stop)


def test_deberta_qa_with_token_type_ids_answers_inside_the_article(seed_doc,
                                                                    tmp_path: Path) -> None:
    from tests.transformers_engine.tiny_models import build_deberta_qa

    loaded = load_model("qa", str(build_deberta_qa(tmp_path / "mdeberta")), device="cpu")
    qa = SpanQA(loaded, SMALL, ModelClock())
    windows = qa.preprocess(seed_doc, QUESTION)
    assert windows[0].extra and "token_type_ids" in windows[0].extra
    answer = qa.answer(seed_doc, QUESTION)
    if answer.found:
        assert seed_doc.article.text[answer.start:answer.stop] == answer.text
        assert answer.text in answer.sentence
    assert qa.clock.calls >= 1
