"""Make the chosen span say only the answer, as a phrase a reader can take in at a glance.

The scorer (`models.qa.rules.spans`) picks a span; this trims the question's own words from it,
widens a general noun to what it names, swaps a title noun for the name after it, and keeps a bare
noun's adjectives, genitives and initials with it.
"""

from __future__ import annotations

from models.qa.question import Expect, Question
from models.qa.rules.candidates import EDGE_POS, MAX_WORDS, core_phrase, quoted_ranges, trim_edges
from models.qa.rules.parse import Word
from models.qa.rules.roles import same_lemma
from models.qa.rules.spans import Candidate, matches_question

LIGHT_NOUNS = {"документ", "соглашение", "договор", "меморандум", "вопрос", "мера", "проект",
               "решение", "программа", "план", "заявление", "указ", "закон", "протокол",
               "контракт", "изменение", "поправка", "шаг", "предложение", "условие"}
# genitives a bare noun answer takes along: a name-like term rarely runs longer
# ("Теория сложности вычислений"), and a longer chain drifts into the sentence's detail
GENITIVE_CHAIN = 2
# how far after a title noun its name may stand, with no comma between: "предпринимателя и
# миллионера начала 20 века Тео Кирни" is 6 words; a longer stretch is usually another clause
NAME_REACH = 8
TITLE_RELS = {"appos", "flat:foreign", "flat:name"}  # how a name stands beside its noun


def _title_of_focus(best: Candidate, question: Question) -> tuple[int, int] | None:
    """For "какой X", a span "X «Title»" or "X Name" answers with the title or name alone
    ("песню «Белые ночи»" -> "Белые ночи", "спутник Astra 2A" -> "Astra 2A"): X is asked."""
    words = best.sentence.words
    lo, hi = best.first, best.last
    if not question.focus or not same_lemma(words[lo].lemma, question.focus) or lo == hi:
        return None
    for first, last in quoted_ranges(words):
        if first == lo + 2 and last <= hi + 1:
            return first, last
    names = [k for k in best.sentence.children[lo] if words[k].rel in TITLE_RELS
             and words[k].pos in {"PROPN", "X"} and k == lo + 1]
    if names:
        first, last = trim_edges(words, *core_phrase(best.sentence, names[0]))
        if last <= hi:
            return first, last
    return None


def refine(best: Candidate, rivals: list[Candidate], question: Question) -> Candidate:
    """Make the chosen span say only the answer.

    A number or date span that repeats the question ("объём торговли составил около 500 млн
    долларов") is cut to the largest span inside it that fits the type as well and repeats
    nothing.
    For "кто", a title noun ("премьер-министром") followed by a name in the same stretch of the
    sentence ("предпринимателя и миллионера начала 20 века Тео Кирни") answers with the name.
    A phrase headed by a general noun ("документы", "меры") is widened to its whole phrase, since
    what it names is in its complement ("документы о сотрудничестве в сфере ..."). Otherwise words
    of the question are cut off both edges.
    """
    if best.repeated > 0 and question.expect in {Expect.NUMBER, Expect.TIME}:
        inner = [c for c in rivals if c.sentence is best.sentence and c.repeated == 0
                 and best.first <= c.first and c.last <= best.last and c.fit >= best.fit]
        if inner:
            return max(inner, key=lambda c: c.score)
    if question.expect is Expect.PERSON and best.fit < 1.0:
        words = best.sentence.words
        names = [c for c in rivals if c.sentence is best.sentence and c.fit >= 1.0
                 and c.repeated == 0 and best.last < c.first <= best.last + NAME_REACH
                 and c.last - c.first < 3
                 and not any(w.pos == "PUNCT" for w in words[best.last + 1:c.first])]
        if names:
            return max(names, key=lambda c: c.score)
    words = best.sentence.words
    lo, hi = best.first, best.last
    title = _title_of_focus(best, question)
    if title is not None:
        return Candidate(best.sentence, *title, best.score, best.fit, best.repeated)
    if words[lo].lemma in LIGHT_NOUNS and not lo < words[lo].head <= hi:
        wide_lo, wide_hi = trim_edges(words, *best.sentence.subtree(lo))
        if wide_hi > hi and wide_hi - wide_lo < MAX_WORDS:  # kept whole: "документы о ..."
            return Candidate(best.sentence, lo, wide_hi, best.score, best.fit, best.repeated)
    # an answer does not restate the question: drop its words from the edges of the span
    head = next((k for k in range(lo, hi + 1) if not lo <= words[k].head <= hi), lo)

    def cut(at: int, step: int) -> int:
        end = at
        while (lo < end < hi or end == at) and (words[end].pos in EDGE_POS
                                                 or matches_question(words[end], question)):
            end += step
        cut_off = range(at, end, step)
        if head in cut_off:  # cutting the head word would leave a fragment ("о сотрудничестве")
            return at
        return end if any(matches_question(words[k], question) for k in cut_off) else at

    lo = cut(lo, 1)
    hi = cut(hi, -1)
    if lo > hi:
        return best
    hi = _through_initials(words, hi)
    if (lo > 0 and len(words[lo].text) == 1 and words[lo].text.isupper()
            and words[lo - 1].pos == "PROPN"):
        lo -= 1  # "К. Мессенджера" is "Джона К. Мессенджера"
    if lo == hi and question.expect not in {Expect.NUMBER, Expect.TIME}:
        head_noun = lo
        lo = _with_adjectives(words, head_noun)
        hi = _with_genitive(words, head_noun)
    if (lo, hi) == (best.first, best.last):
        return best
    return Candidate(best.sentence, lo, hi, best.score, best.fit, best.repeated)


def _through_initials(words: tuple[Word, ...], hi: int) -> int:
    """A name cut at an initial ("Джона К") runs on to the surname ("Джона К. Мессенджера")."""
    while (hi + 2 < len(words) and len(words[hi].text) == 1 and words[hi].text.isupper()
           and words[hi + 1].text == "." and words[hi + 2].text[:1].isupper()):
        hi += 2
    return hi


def _with_genitive(words: tuple[Word, ...], i: int) -> int:
    """The last word of noun i with the chain of genitive nouns right after it ("окись" alone
    is not the answer, "окись углерода" is; "Теория сложности вычислений")."""
    if words[i].pos not in {"NOUN", "PROPN"}:
        return i
    end = i
    while (end + 1 < len(words) and end - i < GENITIVE_CHAIN and words[end + 1].head == end
           and words[end + 1].rel == "nmod" and words[end + 1].pos == "NOUN"
           and words[end + 1].feats.get("Case") == "Gen"):
        end += 1
    return end


def _with_adjectives(words: tuple[Word, ...], i: int) -> int:
    """The first word of noun i with the adjectives right before it that modify it: a bare noun
    ("бактерий", "болезнь") says less than "анаэробных бактерий", "Декомпрессионная болезнь"."""
    if words[i].pos not in {"NOUN", "PROPN"}:
        return i
    lo = i
    while lo > 0 and words[lo - 1].rel == "amod" and words[lo - 1].head == i:
        lo -= 1
    return lo

