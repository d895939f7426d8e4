"""The faithfulness guard: a generated sentence may only state numbers, dates and names that the
article states.

A seq2seq summariser can write a fluent sentence with a number or a name the article never
mentions. Each generated sentence is checked claim by claim against the article: numbers by
value, month names and named entities by lemma (so "Асадова" matches "Асадов"), and an entity
also by the normal forms slovnet gave the article's entities. A sentence with any unsupported
claim is dropped; the caller falls back to extractive sentences when too little is left.
"""

from __future__ import annotations

import bisect
import logging
import re
import time
from dataclasses import dataclass, field

from models.text.analysis import AnalyzedArticle
from models.text.lexicon import MONTH_LEMMAS
from models.text.toolkit import NlpToolkit

logger = logging.getLogger(__name__)

# Number words a summariser may turn into digits (or back); lemma -> value.
NUMBER_WORDS = {
    "ноль": "0", "один": "1", "два": "2", "три": "3", "четыре": "4", "пять": "5", "шесть": "6",
    "семь": "7", "восемь": "8", "девять": "9", "десять": "10", "одиннадцать": "11",
    "двенадцать": "12", "двадцать": "20", "тридцать": "30", "сорок": "40", "пятьдесят": "50",
    "сто": "100", "тысяча": "1000", "миллион": "1000000", "миллиард": "1000000000",
    "первый": "1", "второй": "2", "третий": "3",
}
_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"\w", re.UNICODE)


def normal_number(raw: str) -> str:
    """One spelling per value: no grouping spaces, a dot for decimals, no leading zeros."""
    raw = re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", ".")
    whole, _, fraction = raw.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def numbers_in(text: str) -> set[str]:
    """Every number written in digits, grouped ("15 000") both as a whole and by its parts."""
    found = {normal_number(m.group()) for m in _GROUPED.finditer(text)}
    found.update(normal_number(m.group()) for m in _NUMBER.finditer(text))
    return found


def _fold(word: str) -> str:
    return word.casefold().replace("ё", "е")


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the article supports: numbers (normalised), lemmas and word forms, entity lemmas."""

    numbers: frozenset[str]
    lemmas: frozenset[str]
    sorted_forms: tuple[str, ...] = ()  # `lemmas`, sorted, for prefix look-ups

    def supports_word(self, lemma: str, surface: str) -> bool:
        """A word is supported by its lemma, its surface form, or failing both (slovnet and
        pymorphy guess unknown surnames differently) by a stem: the surface less its last
        three letters, kept at four letters or more."""
        if lemma in self.lemmas or surface in self.lemmas:
            return True
        stem = surface[:max(4, len(surface) - 3)]
        if len(stem) < 4:
            return False
        at = bisect.bisect_left(self.sorted_forms, stem)
        return at < len(self.sorted_forms) and self.sorted_forms[at].startswith(stem)


@dataclass(frozen=True, slots=True)
class Claims:
    """What one generated sentence asserts."""

    numbers: tuple[str, ...]
    months: tuple[str, ...]
    # (entity text, its words as (lemma, surface form) pairs)
    entities: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def article_facts(doc: AnalyzedArticle) -> ArticleFacts:
    """Collect the article's numbers (from the whole original text) and its lemmas."""
    lemmas: set[str] = set()
    sentences = list(doc.sentences)
    if doc.title_sentence is not None:
        sentences.append(doc.title_sentence)
    for sentence in sentences:
        for token in sentence.tokens:
            lemmas.add(_fold(token.lemma))
            lemmas.add(_fold(token.text))
    for entity in doc.entities:
        lemmas.update(_fold(w) for w in re.findall(r"\w+", entity.normal))
    numbers = numbers_in(doc.article.text)
    numbers.update(NUMBER_WORDS[w] for w in lemmas if w in NUMBER_WORDS)
    return ArticleFacts(numbers=frozenset(numbers), lemmas=frozenset(lemmas),
                        sorted_forms=tuple(sorted(lemmas)))


def sentence_claims(text: str, toolkit: NlpToolkit) -> Claims:
    """Numbers, month names and named entities of one sentence (natasha morphology and NER)."""
    doc = toolkit.tag(text)
    doc.tag_ner(toolkit.ner_tagger)
    months = tuple(_fold(t.lemma or t.text) for t in doc.tokens
                   if _fold(t.lemma or t.text) in MONTH_LEMMAS)
    entities = []
    for span in doc.spans:
        words = tuple(
            (_fold(t.lemma or t.text), _fold(t.text)) for t in span.tokens
            if len(t.text) > 1 and _WORD.search(t.text) and not t.text.isdigit()
        )
        if words:
            entities.append((span.text, words))
    return Claims(numbers=tuple(sorted(numbers_in(text))), months=months,
                  entities=tuple(entities))


def unsupported(claims: Claims, facts: ArticleFacts) -> list[str]:
    """The claims the article does not support, as short labels for the debug log."""
    problems = [f"number {n}" for n in claims.numbers if n not in facts.numbers]
    problems += [f"month {m}" for m in claims.months if m not in facts.lemmas]
    for surface, words in claims.entities:
        if not all(facts.supports_word(lemma, form) for lemma, form in words):
            problems.append(f"entity {surface}")
    return problems


@dataclass
class GuardStats:
    """How often the guard fired, cumulative over the engine's life (for logs and stats())."""

    sentences_checked: int = 0
    sentences_dropped: int = 0
    summaries_checked: int = 0
    summaries_with_drops: int = 0
    fallbacks: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)


class FaithfulnessGuard:
    """Keeps the generated sentences whose every number, date and name occurs in the article."""

    def __init__(self, toolkit: NlpToolkit) -> None:
        self.toolkit = toolkit
        self.stats = GuardStats()

    def filter(self, sentences: list[str], doc: AnalyzedArticle) -> list[str]:
        """The sentences that pass, in order; dropped ones are counted and logged (no text at
        INFO: only how many and why, by kind)."""
        started = time.perf_counter()
        facts = article_facts(doc)
        kept = []
        for sentence in sentences:
            problems = unsupported(sentence_claims(sentence, self.toolkit), facts)
            if problems:
                logger.debug("guard dropped a sentence of %s: %s", doc.article.hash, problems)
                for problem in problems:
                    kind = problem.split(" ", 1)[0]
                    self.stats.reasons[kind] = self.stats.reasons.get(kind, 0) + 1
            else:
                kept.append(sentence)
        dropped = len(sentences) - len(kept)
        self.stats.seconds += time.perf_counter() - started
        self.stats.sentences_checked += len(sentences)
        self.stats.sentences_dropped += dropped
        self.stats.summaries_checked += 1
        if dropped:
            self.stats.summaries_with_drops += 1
            logger.info("faithfulness guard dropped %d of %d generated sentences for %s "
                        "(fired on %d of %d summaries so far)", dropped, len(sentences),
                        doc.article.hash, self.stats.summaries_with_drops,
                        self.stats.summaries_checked)
        return kept
