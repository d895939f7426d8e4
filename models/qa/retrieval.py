"""Which sentences of an article answer a question: e5 similarity plus lemma overlap and cues.

Dense vectors find paraphrases, lemmas find the rare exact words (names, terms, numbers) that
e5-small blurs; together they put the sentence holding the answer first far more often than
either alone. Two kinds of context help the sentence that answers but does not repeat the
question's topic ("Она была восстановлена в апреле 2000 года" after a sentence about the
stock exchange): a sentence that opens by referring back borrows the previous sentence's
matched words, and every sentence gets a little of its paragraph's match. A "когда" or
"сколько" question mildly prefers sentences holding a date or number it does not itself name.
Per-article statistics are computed once and kept beside the analysis.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass

import numpy as np

from models.qa.cues import date_words, number_words, opens_with_link, paragraph_ids
from models.qa.question import CONTENT_POS, STOP_LEMMAS, Expect, Question, parse_question
from models.text.analysis import AnalyzedArticle
from models.text.lexicon import YEARS_OLD
from models.text.toolkit import NlpToolkit

PREFIX = 5  # lemmas sharing this many first letters match at half weight (подписать ~ подписание)
LEXICAL_WEIGHT = 0.03  # weight of one idf unit of overlap against cosine similarity
NEIGHBOUR_WEIGHT = 0.1  # a sentence borrows this share of its neighbours' lexical match
BM25_K1 = 1.2
# Words matched by the previous sentence but not by this one count at this share: a fifth for
# any sentence (a text goes on about its last topic), half more for one opening with a link
# word ("она", "этот", "например"), whose subject is the previous sentence's.
CONTEXT_SHARE = 0.2
LINK_SHARE = 0.5
# A sentence loses this much per idf unit of the question's words that its paragraph lacks
# compared with the best-matching paragraph: a third of LEXICAL_WEIGHT, since the answer must
# still be in the sentence itself.
PARAGRAPH_WEIGHT = 0.01
# A "когда" ("сколько") question's sentence without a date (number) the question does not name
# loses this much cosine: two thirds of one idf unit of overlap, a tie-breaker, not a filter.
TYPE_WEIGHT = 0.02
# e5 costs about 0.2 s per 1,000 characters on two cores. An article whose sentences hold more
# than DENSE_ALL_CHARS is not embedded whole for a question: only the sentences its words rank
# best, DENSE_CANDIDATE_CHARS of them, so the first question about a 200,000-character text
# costs about a second instead of forty.
DENSE_ALL_CHARS = 12_000
DENSE_CANDIDATE_CHARS = 5_000
MIN_DENSE_CANDIDATES = 8


@dataclass(frozen=True, slots=True)
class LexicalIndex:
    """Content lemmas of each sentence, their idf over the article's sentences, and the cues."""

    lemmas: tuple[frozenset[str], ...]
    prefixes: tuple[frozenset[str], ...]
    idf: dict[str, float]
    prefix_idf: dict[str, float]
    lengths: np.ndarray
    mean_length: float
    paragraphs: np.ndarray  # paragraph number of each sentence
    links: np.ndarray  # 1.0 where the sentence opens by referring back, else 0.0
    dates: tuple[frozenset[str], ...]
    numbers: tuple[frozenset[str], ...]


_indexes: weakref.WeakKeyDictionary[AnalyzedArticle, LexicalIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


HYPHEN_PART_CHARS = 4  # a part of a hyphenated word this long is matched on its own


def hyphen_parts(lemma: str) -> list[str]:
    """The parts of a hyphenated lemma worth matching alone: «азербайджано-казахстанский» is
    also «азербайджано» and «казахстанский» (pymorphy inflects only the last part, so each part
    is as a dictionary writes it), which meet «Азербайджан», «Казахстана» through PREFIX;
    «касым-жомарт» is also «жомарт»."""
    if "-" not in lemma:
        return []
    return [part for part in lemma.split("-")
            if len(part) >= HYPHEN_PART_CHARS and part.isalpha() and part not in STOP_LEMMAS]


def content_lemmas(tokens) -> frozenset[str]:
    """Lemmas worth matching: content parts of speech, no stop words, no one-letter tokens,
    and the parts of hyphenated words. «57-летний» also counts as «год»: it is how news
    states an age, and «Сколько лет президенту?» asks for «год» (natasha's lemma of «лет»)."""
    lemmas = {t.lemma for t in tokens
              if t.pos in CONTENT_POS and t.lemma not in STOP_LEMMAS and len(t.lemma) > 1}
    lemmas.update(part for lemma in list(lemmas) for part in hyphen_parts(lemma))
    if any(YEARS_OLD.match(t.lemma) for t in tokens):
        lemmas.add("год")
    return frozenset(lemmas)


def _prefixes(lemmas: frozenset[str]) -> frozenset[str]:
    return frozenset(lemma[:PREFIX] for lemma in lemmas if len(lemma) >= PREFIX)


def _idf(sets: list[frozenset[str]]) -> dict[str, float]:
    count = len(sets)
    freq: dict[str, int] = {}
    for items in sets:
        for item in items:
            freq[item] = freq.get(item, 0) + 1
    return {k: math.log(1 + (count - f + 0.5) / (f + 0.5)) for k, f in freq.items()}


def lexical_index(doc: AnalyzedArticle) -> LexicalIndex:
    """The article's lexical statistics, built on first use and reused for every question."""
    with _lock:
        index = _indexes.get(doc)
    if index is not None:
        return index
    sentences = doc.sentences
    lemmas = [content_lemmas(s.tokens) for s in sentences]
    prefixes = [_prefixes(items) for items in lemmas]
    lengths = np.array([max(1, len(items)) for items in lemmas], dtype=np.float32)
    index = LexicalIndex(
        tuple(lemmas), tuple(prefixes), _idf(lemmas), _idf(prefixes), lengths,
        float(lengths.mean()) if len(lengths) else 1.0,
        paragraphs=np.array(paragraph_ids(doc.article.text, sentences), dtype=np.int64),
        links=np.array([opens_with_link(s) for s in sentences], dtype=np.float32),
        dates=tuple(date_words(s.tokens) for s in sentences),
        numbers=tuple(number_words(s.tokens) for s in sentences),
    )
    with _lock:
        _indexes[doc] = index
    return index


def match_matrix(index: LexicalIndex, question: Question) -> np.ndarray:
    """Weight of each question lemma (columns) found in each sentence (rows): its idf when the
    lemma is there, half its prefix's idf when only a word of the same stem is, else 0."""
    terms = sorted(question.content)
    matrix = np.zeros((len(index.lemmas), len(terms)), dtype=np.float32)
    for i, (lemmas, prefixes) in enumerate(zip(index.lemmas, index.prefixes)):
        for j, lemma in enumerate(terms):
            if lemma in lemmas:
                matrix[i, j] = index.idf.get(lemma, 0.0)
            elif len(lemma) >= PREFIX and lemma[:PREFIX] in prefixes:
                matrix[i, j] = 0.5 * index.prefix_idf.get(lemma[:PREFIX], 0.0)
    return matrix


def _saturate(index: LexicalIndex, totals: np.ndarray) -> np.ndarray:
    """BM25's length-normalised saturation of summed idf weights, per sentence."""
    norm = BM25_K1 * (0.25 + 0.75 * index.lengths / index.mean_length)
    return totals * (BM25_K1 + 1) / (1 + norm)


def lexical_parts(doc: AnalyzedArticle,
                  question: Question) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per sentence: its own BM25-like overlap with the question's content lemmas, the words it
    borrows from the sentence before it (saturated the same way), and the idf weight of the
    question's lemmas found anywhere in its paragraph."""
    index = lexical_index(doc)
    matrix = match_matrix(index, question)
    own = _saturate(index, matrix.sum(axis=1))
    borrowed = np.zeros_like(own)
    if len(own) > 1:
        missing = np.maximum(matrix[:-1] - matrix[1:], 0.0).sum(axis=1)
        borrowed[1:] = (CONTEXT_SHARE + LINK_SHARE * index.links[1:]) * missing
    coverage = np.zeros_like(own)
    if matrix.size:
        for paragraph in np.unique(index.paragraphs):
            members = index.paragraphs == paragraph
            coverage[members] = matrix[members].max(axis=0).sum()
    return own, _saturate(index, borrowed), coverage


def lexical_scores(doc: AnalyzedArticle, question: Question) -> np.ndarray:
    """Own plus borrowed overlap of each sentence with the question (0 when neither matches)."""
    own, borrowed, _ = lexical_parts(doc, question)
    return own + borrowed


def type_fit(doc: AnalyzedArticle, question: Question) -> np.ndarray:
    """1.0 for sentences holding a date ("когда") or a number ("сколько") that the question
    does not name itself, else 0.0; all 1.0 for other questions (no type to miss)."""
    index = lexical_index(doc)
    if question.expect == Expect.TIME:
        found = index.dates
    elif question.expect == Expect.NUMBER:
        found = index.numbers
    else:
        return np.ones(len(index.lemmas), dtype=np.float32)
    named = {w.text.lower() for w in question.words}
    return np.array([bool(items - named) for items in found], dtype=np.float32)


def embeds_whole(doc: AnalyzedArticle) -> bool:
    """Short enough that every sentence gets its vector (once, then kept for every question)."""
    return sum(len(s.text) for s in doc.sentences) <= DENSE_ALL_CHARS


def dense_scores(doc: AnalyzedArticle, query_vector: np.ndarray,
                 lexical: np.ndarray) -> np.ndarray:
    """Cosine of each sentence to the question; in a very long article only the sentences the
    words rank best are embedded, the others score just below the least of those."""
    n = len(doc.sentences)
    if doc.has_vectors or embeds_whole(doc):
        return doc.vectors @ query_vector
    # stable: among equal lexical scores (often zero) the earlier sentence, the lead first
    order = np.argsort(-lexical, kind="stable")
    sizes = np.cumsum([len(doc.sentences[i].text) for i in order])
    count = max(MIN_DENSE_CANDIDATES, int(np.searchsorted(sizes, DENSE_CANDIDATE_CHARS)))
    candidates = order[:count]
    scores = doc.vectors_of(candidates.tolist()) @ query_vector
    dense = np.full(n, float(scores.min()) - 0.05, dtype=np.float32)
    dense[candidates] = scores
    return dense


def combined_scores(doc: AnalyzedArticle, question: Question,
                    query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(combined, dense, lexical) score per sentence; the combined one ranks evidence."""
    own, borrowed, coverage = lexical_parts(doc, question)
    spread = np.zeros_like(own)
    if len(own) > 1:
        spread[1:] = np.maximum(spread[1:], own[:-1])
        spread[:-1] = np.maximum(spread[:-1], own[1:])
    lexical = own + borrowed
    dense = dense_scores(doc, np.asarray(query_vector, dtype=np.float32),
                         lexical + NEIGHBOUR_WEIGHT * spread)
    # Both cues enter as shortfalls (<= 0): they reorder the article's sentences without
    # raising its best score, which the no-answer threshold reads.
    shortfall = coverage - coverage.max() if len(coverage) else coverage
    combined = (dense + LEXICAL_WEIGHT * (lexical + NEIGHBOUR_WEIGHT * spread)
                + PARAGRAPH_WEIGHT * shortfall + TYPE_WEIGHT * (type_fit(doc, question) - 1.0))
    return combined, dense, lexical


def query_vector(question: str, toolkit: NlpToolkit) -> np.ndarray:
    """The e5 "query:" vector of `question`, L2-normalised, as one float32 row."""
    return np.asarray(toolkit.e5.query(question), dtype=np.float32).reshape(-1)


def sentence_scores(doc: AnalyzedArticle, question: Question, toolkit: NlpToolkit) -> np.ndarray:
    """Each sentence's retrieval score for `question` (e5 similarity plus lemma overlap)."""
    combined, _, _ = combined_scores(doc, question, query_vector(question.text, toolkit))
    return combined


def rank_evidence(doc: AnalyzedArticle, question: str, toolkit: NlpToolkit,
                  parsed: Question | None = None) -> list[tuple[int, float]]:
    """Sentence indices of `doc` with their retrieval scores, best first.

    Raises EmptyQuestion for a question with no word in it. The readers (the project's and the
    transformers engine's) read only the windows around the best sentences.
    """
    parsed = parsed or parse_question(question, toolkit)
    if not doc.sentences:
        return []
    scores = sentence_scores(doc, parsed, toolkit)
    order = np.argsort(-scores, kind="stable")
    return [(int(i), float(scores[i])) for i in order]
