"""Extractive question answering for the embedded engine: retrieve, then cut the span.

preprocess: parse the question (answer type, content lemmas) and embed it with e5 "query:";
retrieve: rank the article's sentences by e5 similarity plus lemma overlap (the sentence
vectors come from the cached analysis, so a follow-up question costs one query vector);
postprocess: parse the few best sentences and pick the best-scoring span across them, or
`Answer.none` when even the best sentence is too far from the question. A date or number
question that finds no date or number in the top sentences looks a few sentences further.
"""

from __future__ import annotations

import logging

import numpy as np

from models.core.types import Answer
from models.qa.question import Expect, Question, parse_question
from models.qa.retrieval import sentence_scores
from models.qa.rules.parse import parse_sentences
from models.qa.rules.refine import refine
from models.qa.rules.spans import Candidate, score_candidates
from models.qa.rules.weights import SENTENCE_LEAD_WEIGHT, SENTENCE_RANK_WEIGHTS
from models.text.analysis import AnalyzedArticle
from models.text.toolkit import NlpToolkit

logger = logging.getLogger(__name__)

ENGINE = "embedded"
TOP_SENTENCES = 3  # sentences parsed and searched for a span
TYPED = {Expect.TIME, Expect.NUMBER}  # answer types a sentence plainly has or lacks
TYPED_FIT = 0.7  # a span this date- or number-like counts as one (see qa_spans._type_fit)
TYPED_SENTENCES = 6  # how far down to look when the top sentences hold no date or number
NO_ANSWER_TEXT = "В статье этого нет"


def answer_question(doc: AnalyzedArticle, question: str, toolkit: NlpToolkit,
                    parsed: Question | None = None, *, floor: float) -> Answer:
    """The shortest span of `doc.article.text` that answers `question`, or `Answer.none`.

    `Answer.start`/`stop` are offsets into the original article text; `score` is the evidence
    sentence's retrieval score (cosine similarity plus lemma overlap): below `floor` (the
    engine's calibrated floor for the question's length, reader.json) the article does not
    answer. Raises EmptyQuestion for an empty question.
    """
    parsed = parsed or parse_question(question, toolkit)
    if not doc.sentences:
        return Answer.none("the article has no sentences", engine=ENGINE)
    scores = sentence_scores(doc, parsed, toolkit)
    order = [int(i) for i in np.argsort(-scores, kind="stable")[:TOP_SENTENCES]]
    best = order[0]
    if scores[best] < floor:
        return Answer.none(f"best sentence scores {scores[best]:.3f} < {floor}",
                           score=float(scores[best]), sentence=doc.sentences[best].text,
                           engine=ENGINE)
    chosen = best_span_in(doc, parsed, order, scores, toolkit)
    if parsed.expect in TYPED and (chosen is None or chosen.fit < TYPED_FIT):
        # a date or number question is not answered by a sentence without one: look further
        wider = [int(i) for i in np.argsort(-scores, kind="stable")[:TYPED_SENTENCES]]
        chosen = best_span_in(doc, parsed, wider, scores, toolkit)
    sentence = doc.sentences[best] if chosen is None else chosen.sentence.sentence
    if chosen is None:  # nothing shorter than the sentence fits: the sentence is the answer
        start, stop = sentence.start, sentence.stop
    else:
        start, stop = chosen.start, chosen.stop
    return Answer(text=doc.article.text[start:stop], sentence=sentence.text, start=start,
                  stop=stop, score=float(scores[sentence.index]), engine=ENGINE)


def best_span_in(doc: AnalyzedArticle, question: Question, order: list[int], scores: np.ndarray,
               toolkit: NlpToolkit) -> Candidate | None:
    """The best candidate span across the top sentences, weighing in each sentence's score."""
    parsed = parse_sentences(doc, order, toolkit)
    lead = float(scores[order[0]])
    best: tuple[float, Candidate] | None = None
    everyone: list[Candidate] = []
    for rank, index in enumerate(order):
        sentence = parsed[index]
        entities = doc.entities_in(sentence.sentence)
        bonus = (SENTENCE_LEAD_WEIGHT * (float(scores[index]) - lead)
                 + SENTENCE_RANK_WEIGHTS[min(rank, len(SENTENCE_RANK_WEIGHTS) - 1)])
        for candidate in score_candidates(sentence, entities, question):
            everyone.append(candidate)
            total = candidate.score + bonus
            if best is None or total > best[0]:
                best = (total, candidate)
    return None if best is None else refine(best[1], everyone, question)
