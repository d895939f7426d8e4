"""Reading rules for what a summary may quote, beyond a sentence being complete.

- a sentence whose « and » do not pair is part of a quotation that goes on (or began) elsewhere;
  quoting it alone would cut that quotation, so it is not quotable;
- a sentence that opens by pointing back («Она…», «Их имена…», «В неё…», «Об этом…»,
  «Спустя три месяца…», «Кроме того…», «Там…») leans on the sentence before it: it cannot open a
  summary, and comes later only right after that sentence (`opens_anaphorically`);
- a sentence about another event than the article's («В прошлом году премию получили…»,
  «Напомним, …», only years before the headline's) is background: a short summary, which has
  room for the news only, leaves it out (`tells_another_event`).

The pointing words are found by natasha's morphology (a third-person or demonstrative pronoun
among the words before the sentence names anyone), not by a list of first words alone: «На
прошлой неделе он подтвердил…» and «В неё отправляют…» lean back as «Он…» does.

(Sentences that razdel cut inside brackets are already whole: see `models.text.sentences`.)
"""

from __future__ import annotations

from models.text.analysis import Sentence, Token
from models.text.lexicon import MONTH_LEMMAS

# First words that point back to an earlier sentence: personal and demonstrative pronouns,
# "оба", connectives that continue or contrast, and time said relative to an earlier event.
# General Russian, not drawn from any data set.
ANAPHORIC_OPENERS = frozenset({
    "он", "она", "оно", "они", "оба", "обе", "это", "этот", "эта", "эти", "такой",
    "однако", "но", "поэтому", "также", "впрочем", "там", "тогда", "туда", "оттуда", "здесь",
    "тут", "затем", "потом", "позже", "позднее", "впоследствии", "спустя", "я", "мы",
    "вдобавок", "зато", "причём", "причем",
})
# Lemmas that point back wherever they stand before the sentence names anyone: third-person
# pronouns and their possessives («Их имена…»), demonstratives («Об этом…», «Кроме того…»).
POINTING_LEMMAS = frozenset({"он", "она", "оно", "они", "его", "её", "ее", "их", "это", "этот",
                             "тот", "такой", "таков", "данный"})
POINTING_ADVERBS = frozenset({"там", "тогда", "туда", "оттуда", "здесь", "тут"})
# «в этом году», «на этой неделе» point at the time of writing, not at an earlier sentence.
DEICTIC_TIME = frozenset({"год", "месяц", "неделя", "сезон", "век"})
TIME_UNITS = frozenset({"минута", "час", "день", "сутки", "неделя", "месяц", "год", "полгода"})
OPENING_WORDS = 6  # how far into a sentence a pointing word still "opens" it
NAMING_POS = frozenset({"PROPN"})

# Openers that tell what happened before the article's event.
BACKGROUND_OPENERS = frozenset({"ранее", "напомним", "напомню", "прежде"})
PAST_YEAR_WORDS = frozenset({"прошлый", "позапрошлый", "предыдущий", "минувший"})


def cuts_a_quote(sentence: Sentence) -> bool:
    """Whether the sentence's quotation marks do not pair: a piece of a longer quotation."""
    return sentence.text.count("«") != sentence.text.count("»")


def _words(sentence: Sentence) -> list[Token]:
    return [t for t in sentence.tokens if t.pos != "PUNCT"]


def _points_back(words: list[Token], index: int) -> bool:
    """Whether `words[index]` refers to something named earlier: a third-person or demonstrative
    pronoun (not «в этом году»), or «там»/«тогда»."""
    token = words[index]
    if token.pos == "ADV":
        return token.lemma in POINTING_ADVERBS
    if token.pos not in ("PRON", "DET") or token.lemma not in POINTING_LEMMAS:
        return False
    following = words[index + 1] if index + 1 < len(words) else None
    return not (token.pos == "DET" and following is not None
                and following.lemma in DEICTIC_TIME)


def _later_by(words: list[Token]) -> bool:
    """«Через 2 недели…», «Через месяц после…»: a time counted from an earlier event."""
    return words[0].lemma == "через" and any(
        t.pos == "NUM" or t.lemma in TIME_UNITS for t in words[1:3])


def opens_anaphorically(sentence: Sentence) -> bool:
    """Whether the sentence opens by pointing back to something said before it.

    Either its first word is a pointing word or connective, or one of its first few words is a
    pointing pronoun or adverb that comes before any name in it (the name could be what the
    pronoun means: «Тарасенко заявил, что он…»)."""
    words = _words(sentence)
    if not words:
        return False
    if words[0].text.lower() in ANAPHORIC_OPENERS or _later_by(words):
        return True
    for index, token in enumerate(words[:OPENING_WORDS]):
        if token.pos in NAMING_POS:
            return False
        if _points_back(words, index):
            return True
    return False


def years_of(sentence: Sentence) -> frozenset[int]:
    """The years a sentence dates something to: «в 2018 году», «11 октября 2019 года»."""
    words = _words(sentence)
    years = set()
    for index, token in enumerate(words):
        if not (token.text.isdigit() and len(token.text) == 4 and 1900 <= int(token.text) <= 2100):
            continue
        after = words[index + 1].lemma if index + 1 < len(words) else ""
        before = words[index - 1].lemma if index else ""
        if after in ("год", "г") or before in MONTH_LEMMAS:
            years.add(int(token.text))
    return frozenset(years)


def tells_another_event(sentence: Sentence, event_years: frozenset[int]) -> bool:
    """Whether the sentence is background to the article's event: it opens with «Ранее» or
    «Напомним», speaks of last year, or dates itself only to years before the event's (a later
    year is the same story's next step: «в 2020 году закон вступит в силу»)."""
    words = _words(sentence)
    if not words:
        return False
    if words[0].lemma in BACKGROUND_OPENERS or words[0].text.lower() in BACKGROUND_OPENERS:
        return True
    if any(t.lemma in PAST_YEAR_WORDS and words[i + 1].lemma == "год"
           for i, t in enumerate(words[:-1])):
        return True
    years = years_of(sentence)
    return bool(event_years) and bool(years) and max(years) < min(event_years)
