"""Extractive summary: the lead sentence, then the sentences that add the article's key words.

News states the main event first (inverted pyramid), so a summary opens with the first sentence
that can stand alone. Each further sentence is the one that adds the most of the article's
recurring content words (lemmas of nouns, names, verbs, adjectives and numerals that occur in at
least two sentences, weighted log(1 + count), plus the headline's own words) not already covered,
discounted by position. That is SumBasic-style coverage of what the article keeps talking about.

Why not e5 vectors: on Russian Wikinews (headline removed, 250 texts) the single sentence
chosen by e5 centrality held 36% of the headline's content lemmas, the lead sentence 59% and the
sentence with the most recurring lemmas 53%. So the summary needs no vectors at all, and a
forwarded article costs no e5 time until a question is asked about it (the vectors are what
make a first summary of the seed take 2.2 s instead of 0.2 s here). Redundancy is handled by
the gain itself (a sentence repeating chosen words adds nothing) and by skipping sentences
whose lemmas mostly repeat a chosen one's.

Sentences that cannot be quoted alone are never chosen: fragments without final punctuation
(captions, a line ending in ":" before a missing quote), direct speech, very short or very long
ones. One exception: news often states its main event in a first sentence that then introduces
a quote ("Спартак объявил об отставке тренера Аленичева:"). Such a sentence may open the summary
(only the lead, and only among the article's first two sentences); without it the summary would
open with whatever quotable sentence comes next, often the quote itself. On Wikinews (headline
removed) this lifts headline-lemma coverage from 68.9% to 69.6% at the same length.
A third sentence must add enough key-word weight per character (`Budget.min_density`): that
spends the characters on dense sentences, 70.2% at a median of 311 characters (lead-2: 68.3% at
241, lead-3: 72.7% at 360, same code). The summary keeps reading order, so the main event comes
first.

A sentence razdel cut inside brackets is quoted whole (`models.text.sentences` joins it back before
any reader sees it), and a piece of a longer quotation is not quoted. A sentence that opens with a
pronoun or a connective does not open the summary (`models.summary.quotability`) and comes later
only right after the sentence it continues: a summary of the seed used to end with a dangling
«Также отмечены хорошие перспективы…». The third-of-the-article cap measures the article as its
reader sees it (`article_chars`). Together: 70.6% at a median of 311 characters (train 70.8% at
317, dev 69.7% at 278); without the continuation rule 70.8% at 316, the same trade of length for
coverage as every other variant measured.

What was decided, signed or adopted is the news even when the article tells it last: a sentence
with a verb of outcome (`OUTCOME_VERBS`) is discounted for position as if it were the second,
so the seed's summary says which documents were signed instead of the protocol of the talks.
It costs 0.13 points of headline coverage on NEREL's training texts (69.93% → 69.80%, the set
it was checked on) and on the Wikinews evaluation set (70.6% → 70.5% at a median of 316
characters): the headline names the meeting, the outcome is what a reader asks about. A line
that says little beyond the headline shown above it is not chosen, and a wiki link
«[https://… говорится]» is shown as its words.

A bullet must stand alone (#28): a sentence that points back by a pronoun anywhere before the
first name in it («В нее…», «На прошлой неделе он…», «Их имена…», «Спустя три месяца…») comes
only right after the sentence it points to, else the next best sentence is taken; and a short
summary leaves out background (`news_only`): «Ранее…», «Напомним…», last year's event, a
sentence dated only to years before the headline's (or the lead's). On 300 NEREL training texts
this costs 0.04 points of headline coverage (69.14% → 69.10%, 318 → 314 characters).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from models.core.types import Length, Span, Summary
from models.summary.keyfacts import key_names, key_numbers
from models.summary.quotability import (
    cuts_a_quote,
    opens_anaphorically,
    tells_another_event,
    years_of,
)
from models.text.analysis import AnalyzedArticle, Sentence
from models.text.cleaning import without_markup


@dataclass(frozen=True, slots=True)
class Budget:
    """How much of the article a summary of one length may take.

    The first two sentences may fill `max_chars`; later ones are added only while the summary
    stays within `more_chars`, so a third sentence does not double a summary's length, and only
    when they add at least `min_density` key-word weight per 100 characters: a long sentence
    that adds one minor word costs the reader more than it tells.
    """

    max_sentences: int
    max_chars: int
    more_chars: int
    min_density: float = 0.0
    news_only: bool = False  # leave out background: another year's event, «Ранее…»


BUDGETS = {
    Length.SHORT: Budget(max_sentences=3, max_chars=450, more_chars=450, min_density=0.8,
                         news_only=True),
    Length.MEDIUM: Budget(max_sentences=5, max_chars=800, more_chars=700),
    Length.LONG: Budget(max_sentences=8, max_chars=1400, more_chars=1300),
}
MAX_SHARE = 1 / 3  # a summary never takes more than this share of the article (`article_chars`)

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
STOP_LEMMAS = frozenset({
    "быть", "стать", "мочь", "весь", "свой", "который", "этот", "тот", "такой", "это", "год",
    "один", "сам", "иметь", "другой", "самый", "наш", "ваш", "её", "его", "также",
})
MIN_REPEATS = 2  # a word the article uses once is not a key word
HEADLINE_BONUS = 1.0
POSITION_DECAY = 0.5  # a sentence's gain is divided by 1 + decay * index
DUPLICATE_LEMMAS = 0.6  # Jaccard overlap of two sentences' lemmas
CONTAINED = 0.85  # share of the shorter sentence's lemmas found in the other
MIN_SENTENCE_CHARS = 40
MAX_SENTENCE_CHARS = 400

LEAD_COLON_WITHIN = 2  # a lead ending in ":" must be one of the article's first sentences
# What was decided, signed or adopted is the news even when the article tells it last, after
# the ceremony («По итогам переговоров были подписаны документы…»): such a sentence is
# discounted for position as if it were the article's second. General Russian verbs of outcome,
# not drawn from any data set.
OUTCOME_VERBS = frozenset({
    "подписать", "принять", "утвердить", "одобрить", "договориться", "заключить",
    "ратифицировать", "постановить", "приговорить", "избрать", "назначить", "решить",
    "запретить", "отменить", "ввести", "снизить", "повысить",
})
OUTCOME_POSITION = 1

_COMPLETE_END = re.compile(r"[.!?…][»\"”)]*\s*$")
_COLON_END = re.compile(r":\s*$")
_SPEECH_START = re.compile(r"^\s*[—–-]\s")


RANKED = 40  # sentences `rank_sentences` orders by importance; the rest follow in reading order


def standalone(sentence: Sentence) -> bool:
    """Whether a sentence can be quoted alone: complete, not dialogue, not a scrap, no bracket
    it does not close («(Например, …»). Wiki links in it are shown as their words
    (`as_statement`)."""
    text = without_markup(sentence.text)
    return (
        bool(_COMPLETE_END.search(text))
        and not _SPEECH_START.match(text)
        and MIN_SENTENCE_CHARS <= len(text) <= MAX_SENTENCE_CHARS
        and text.count("(") == text.count(")")
    )


def can_lead(sentence: Sentence) -> bool:
    """Whether a sentence may open the summary: quotable, or an early one that introduces a quote.

    "X announced Y:" states the main event even though a quote follows it.
    """
    text = sentence.text
    return standalone(sentence) or (
        sentence.index < LEAD_COLON_WITHIN
        and bool(_COLON_END.search(text))
        and not _SPEECH_START.match(text)
        and MIN_SENTENCE_CHARS <= len(text) <= MAX_SENTENCE_CHARS
    )


def content_lemmas(sentence: Sentence) -> frozenset[str]:
    """The lemmas that carry content: nouns, names, verbs, adjectives, numerals."""
    return frozenset(
        t.lemma for t in sentence.tokens
        if t.pos in CONTENT_POS and t.lemma not in STOP_LEMMAS
        and any(c.isalnum() for c in t.lemma)
    )


def key_word_weights(doc: AnalyzedArticle) -> dict[str, float]:
    """Weight of each content lemma: log(1 + sentences using it) if recurring, + headline bonus."""
    counts = Counter(lemma for s in doc.sentences for lemma in content_lemmas(s))
    headline = content_lemmas(doc.title_sentence) if doc.title_sentence else frozenset()
    return {
        lemma: (math.log1p(count) if count >= MIN_REPEATS else 0.0)
        + (HEADLINE_BONUS if lemma in headline else 0.0)
        for lemma, count in counts.items()
    }


def article_chars(doc: AnalyzedArticle) -> int:
    """The article's length as its reader sees it: the headline (when the text has one) and the
    sentences, with one space between them as in a summary; page furniture is not counted.

    Summary and article are measured alike (a summary's length counts the spaces between its
    sentences too), and the headline is part of what the reader got.
    """
    parts = [s.text for s in doc.sentences]
    if doc.title_sentence is not None:
        parts.append(doc.title_sentence.text)
    return sum(len(part) for part in parts) + max(len(parts) - 1, 0)


def _is_duplicate(all_lemmas: list[frozenset[str]], index: int, chosen: list[int]) -> bool:
    """Near-duplicate of a chosen sentence: mostly the same lemmas, or contained in it."""
    lemmas = all_lemmas[index]
    for other in chosen:
        other_lemmas = all_lemmas[other]
        shared = len(lemmas & other_lemmas)
        smaller = min(len(lemmas), len(other_lemmas))
        union = len(lemmas | other_lemmas)
        if union and (shared / union >= DUPLICATE_LEMMAS or shared / smaller >= CONTAINED):
            return True
    return False


REPEATS_HEADLINE = 0.8  # share of a sentence's lemmas that are the headline's


def _repeats(lemmas: frozenset[str], headline: frozenset[str]) -> bool:
    """The sentence says little beyond the headline shown above the summary."""
    return bool(headline) and bool(lemmas) and (
        len(lemmas & headline) / len(lemmas) >= REPEATS_HEADLINE)


def _background(doc: AnalyzedArticle, lead: int) -> set[int]:
    """Sentences about another event than the article's: the event is dated by the headline's
    years, else the lead's (a prize of 2019; last year's laureates are background)."""
    event_years = years_of(doc.title_sentence) if doc.title_sentence is not None else frozenset()
    event_years = event_years or years_of(doc.sentences[lead])
    return {i for i, s in enumerate(doc.sentences)
            if i != lead and tells_another_event(s, event_years)}


def _greedy(
    doc: AnalyzedArticle,
    fits: Callable[[list[int], int], bool],
    limit: int,
    min_density: float = 0.0,
    news_only: bool = False,
) -> list[int]:
    """Lead first, then the sentence with the largest position-discounted key-word gain.

    From the third sentence on, one whose gain per 100 characters is below `min_density` ends
    the summary. With `news_only`, background (`_background`) is never chosen. Returns
    sentence indices.
    """
    sentences = doc.sentences
    quotable = [i for i, s in enumerate(sentences) if standalone(s) and not cuts_a_quote(s)]
    headline = doc.title_sentence.lemmas if doc.title_sentence is not None else frozenset()
    lead = next((
        i for i, s in enumerate(sentences)
        if can_lead(s) and not cuts_a_quote(s) and not opens_anaphorically(s)
        and not _repeats(s.lemmas, headline) and fits([], i)
    ), None)
    if lead is None:
        return []
    if news_only:
        background = _background(doc, lead)
        quotable = [i for i in quotable if i not in background]
    weights = key_word_weights(doc)
    lemmas = [content_lemmas(s) for s in sentences]
    all_lemmas = [s.lemmas for s in sentences]
    anaphoric = [opens_anaphorically(s) for s in sentences]
    position = [min(i, OUTCOME_POSITION) if lemmas[i] & OUTCOME_VERBS else i
                for i in range(len(sentences))]
    chosen, covered = [lead], set(lemmas[lead])
    taken = {lead}
    while len(chosen) < limit:
        best, best_gain = None, 0.0
        for i in quotable:
            if i in taken:
                continue
            if anaphoric[i] and i - 1 not in taken:
                continue  # "Также …", "Он …" continue the sentence before, which is not shown
            gain = (sum(weights[lemma] for lemma in lemmas[i] - covered)
                    / (1 + POSITION_DECAY * position[i]))
            # the costlier checks only for a sentence that would win
            if (gain > best_gain and fits(chosen, i) and not _is_duplicate(all_lemmas, i, chosen)
                    and not _repeats(all_lemmas[i], headline)):
                best, best_gain = i, gain
        if best is None or (
            len(chosen) >= 2 and best_gain * 100 / len(sentences[best].text) < min_density
        ):
            break
        chosen.append(best)
        taken.add(best)
        covered |= lemmas[best]
    return chosen


def rank_sentences(doc: AnalyzedArticle, limit: int = RANKED) -> list[int]:
    """Sentence indices, most important first: the summary's own order for the first `limit`,
    then reading order. Every index of `doc.sentences` appears once.

    The greedy choice costs about n x chosen² steps; bounding `chosen` keeps a 200,000-character
    article (2,000 sentences) within a second, and no reader of the ranking looks further (the
    key numbers and an abstractive model's few hundred input tokens)."""
    ranked = _greedy(doc, lambda chosen, i: True, min(limit, len(doc.sentences)))
    seen = set(ranked)
    return ranked + [i for i in range(len(doc.sentences)) if i not in seen]


def select_sentences(doc: AnalyzedArticle, length: Length = Length.SHORT) -> list[int]:
    """Indices of `doc.sentences` the summary quotes, in reading order; the lead comes first."""
    budget = BUDGETS[Length(length)]
    share = int(article_chars(doc) * MAX_SHARE)

    def fits(chosen: list[int], index: int) -> bool:
        used = sum(len(doc.sentences[i].text) + 1 for i in chosen)
        cap = budget.max_chars if len(chosen) < 2 else budget.more_chars
        return used + len(doc.sentences[index].text) <= min(cap, share)

    chosen = _greedy(doc, fits, budget.max_sentences, budget.min_density, budget.news_only)
    if not chosen and doc.sentences:
        # An article so short that no quotable sentence fits in a third of it: its shortest
        # early sentence still says more than a refusal would, one that does not lean on a
        # sentence left out if there is one.
        early = range(min(3, len(doc.sentences)))
        chosen = [min(early, key=lambda i: (opens_anaphorically(doc.sentences[i]),
                                            len(doc.sentences[i].text)))]
    return sorted(chosen)


def as_statement(sentence: str) -> str:
    """A lead that introduces a quote ("…, заявил журналистам:") ends with a period in a
    summary, where the quote does not follow it; wiki markup is shown as the words it marks
    (`without_markup`: links, quotes, templates); every other sentence is shown as written."""
    sentence = without_markup(sentence)
    if sentence.endswith(":"):
        return sentence[:-1].rstrip() + "."
    return sentence


def summarize(doc: AnalyzedArticle, length: Length = Length.SHORT) -> Summary:
    """An extractive summary of `doc`: whole sentences of the article, quoted exactly (but for
    a closing colon, see `as_statement`); `sources` point at them in the article."""
    chosen = select_sentences(doc, length)
    sentences = [doc.sentences[i] for i in chosen]
    shown = [as_statement(s.text) for s in sentences]
    ranked = rank_sentences(doc)
    return Summary(
        text=" ".join(shown),
        sentences=tuple(shown),
        sources=tuple(Span(s.start, s.stop, s.text) for s in sentences),
        names=key_names(doc),
        numbers=key_numbers(doc, chosen + [i for i in ranked if i not in chosen]),
        abstractive=False,
        engine="embedded",
    )
