"""Score the candidate spans of an evidence sentence (from `models.qa.rules.candidates`).

Each candidate is scored by how well it fits the answer type the question word asks for,
whether it plays the question word's syntactic role for the verb the question repeats
(`models.qa.rules.roles`), whether it says which X a "какой X" question asks about, whether it
hangs off a word the question mentions, how near it is to those words, and it loses points for
repeating the question itself. `models.qa.rules.refine` then trims the winner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from models.qa.question import STOP_LEMMAS, Expect, Question
from models.qa.rules.candidates import (
    CLAUSE_RELS,
    DIGIT,
    EDGE_POS,
    NUMBER_WORDS,
    REASON_MARKERS,
    candidate_ranges,
    quoted_ranges,
)
from models.qa.rules.parse import ParsedSentence, Word
from models.qa.rules.roles import (
    HAPPENING,
    NAMING,
    mirrors_role,
    question_role,
    same_lemma,
    same_role,
)
from models.qa.rules.weights import FEATURES, WEIGHTS
from models.text.analysis import Entity
from models.text.lexicon import MONTH_STEMS, YEARS_OLD

_YEAR = re.compile(r"\b(1\d{3}|20\d{2})")
NOUN_ANSWERS = {Expect.PERSON, Expect.PLACE, Expect.TIME, Expect.NUMBER, Expect.NAME}
ARGUMENT_ANSWERS = {Expect.PERSON, Expect.THING}  # кто/что: the preposition is in the question
SHARE_NOUNS = {"процент", "доля"}  # "какой процент", "какую долю": a share is asked for
SHARE_WORDS = {"процент", "половина", "треть", "четверть", "доля"}
# ordinal numerals, tagged as adjectives: the answer to "какое место занимает" is a rank
ORDINALS = {"первый", "второй", "третий", "четвёртый", "четвертый", "пятый", "шестой",
            "седьмой", "восьмой", "девятый", "десятый"}
# Cases that narrow the answer down: most phrases of a sentence are in Nom or Acc (and an active
# sentence puts in Acc what a passive question has in Nom), so those two say little, except for
# кто/кого, whose distinct forms and usual subject role make a Nom/Acc match telling.
OBLIQUE_CASES = {"Gen", "Dat", "Ins", "Loc"}
# An adjective in one of these roles stands for a noun ("Зеленые", "бедные")
SUBSTANTIVE_RELS = {"nsubj", "nsubj:pass", "obj", "iobj"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of words [first, last] of a parsed sentence, with its score and why."""

    sentence: ParsedSentence
    first: int
    last: int
    score: float
    fit: float = 0.0  # how well it looks like the expected answer type (0..1)
    repeated: float = 0.0  # share of its content words that repeat the question

    @property
    def start(self) -> int:
        return self.sentence.words[self.first].start

    @property
    def stop(self) -> int:
        return self.sentence.words[self.last].stop



def matches_question(word: Word, question: Question) -> bool:
    """Whether the word repeats one of the question's content lemmas (or shares its stem)."""
    return word.lemma in question.content or any(
        same_lemma(word.lemma, lemma) for lemma in question.content)


def _type_fit(parsed: ParsedSentence, lo: int, hi: int, head: int, question: Question,
              kinds: set[str], quoted: bool = False,
              described: frozenset[str] = frozenset()) -> float:
    """How well words lo..hi look like the kind of answer the question expects (0..1)."""
    words = parsed.words[lo:hi + 1]
    text = " ".join(w.text for w in words).lower()
    has_digit = bool(DIGIT.search(text))
    head_word = parsed.words[head]
    expect = question.expect
    if expect is Expect.PERSON:
        if kinds & {"PER", "ORG"}:
            return 1.0
        if head_word.feats.get("Animacy") == "Anim" or head_word.pos == "PROPN":
            return 0.6
        return 0.1 if head_word.pos == "NOUN" else 0.0
    if expect is Expect.PLACE:
        if "LOC" in kinds:
            return 1.0
        if head_word.pos == "PROPN" or kinds:
            return 0.6
        if head_word.pos == "NOUN":  # "где" is answered by "в/на + prepositional case"
            return 0.6 if head_word.feats.get("Case") == "Loc" else 0.3
        return 0.0
    if expect is Expect.TIME:
        month = any(m in text for m in MONTH_STEMS)
        if _YEAR.search(text) or month and has_digit:
            return 1.0  # a year or a day of a month: a precise date
        if month:
            return 0.8  # a bare month ("в марте") is vaguer than "3 марта"
        if has_digit or "век" in text:
            return 0.7
        return 0.0
    if expect is Expect.NUMBER:
        if "год" in question.content:  # «сколько лет»: an age or a number of years, not a year
            if any(YEARS_OLD.match(w.text.lower()) for w in words):
                return 1.0 if len(words) == 1 else 0.7  # the age word itself, not its clause
            if _YEAR.fullmatch(text.strip()):
                return 0.3
        if question.focus in SHARE_NOUNS or "процент" in question.text.lower():
            # a share is not answered by a count: "56,2%" or "половина", not "711 988"
            if ("%" in text and has_digit) or any(w.lemma in SHARE_WORDS for w in words):
                return 1.0
            return 0.6 if has_digit else 0.0
        if has_digit:
            return 1.0
        if any(w.pos == "NUM" or w.lemma in NUMBER_WORDS | ORDINALS for w in words):
            return 0.8
        return 0.0
    if expect is Expect.NAME:
        if kinds or head_word.pos == "PROPN" or "«" in parsed.sentence.text[
                parsed.words[max(0, lo - 1)].start:parsed.words[hi].stop]:
            return 1.0
        return 0.4 if head_word.pos == "NOUN" else 0.0
    if expect is Expect.REASON:
        before = parsed.sentence.text[:words[0].start - parsed.sentence.start].lower()
        return 1.0 if before.rstrip().endswith(REASON_MARKERS) else 0.0
    if expect is Expect.QUALITY:
        governor = parsed.words[head_word.head].lemma if head_word.head >= 0 else ""
        if head_word.pos == "ADJ":
            following = parsed.words[hi + 1] if hi + 1 < len(parsed.words) else None
            if governor in described or (following is not None and following.pos == "NOUN"
                                          and following.lemma in described):
                return 0.9  # it says which X (the parser may hang it elsewhere: next word)
            if head_word.rel in SUBSTANTIVE_RELS:
                return 0.6  # an adjective used as a noun: «Зеленые пользуются поддержкой»
            return 0.2
        if question.focus and head_word.lemma == question.focus and hi > lo:
            return 1.0  # "какие документы" -> "документы о ...": X with what says which X
        if kinds or head_word.pos == "PROPN" or quoted:
            return 0.8  # a name or a quoted title
        return 0.6 if head_word.pos == "NOUN" else 0.0
    if expect is Expect.MANNER:
        return 0.5 if head_word.pos in {"NOUN", "VERB", "ADV"} else 0.1
    if head_word.pos in {"NOUN", "PROPN"}:
        case = question.wh_case
        return 0.8 if case in OBLIQUE_CASES and head_word.feats.get("Case") == case else 0.6
    return 0.1


def focus_family(question: Question) -> frozenset[str]:
    """The "какой X" noun and the nouns X governs in the question ("какая технология сварки":
    технология, сварка): an adjective describing any of them says which X is meant."""
    if not question.focus:
        return frozenset()
    words = question.words
    at = next((i for i, w in enumerate(words)
               if i > question.wh_index and w.lemma == question.focus), -1)
    return frozenset({question.focus} | {w.lemma for w in words
                                         if at >= 0 and w.head == at and w.rel == "nmod"
                                         and w.pos in {"NOUN", "PROPN"}})


def question_preposition(question: Question) -> str:
    """The preposition before the question word ("с кем" -> "с", "в каком году" -> "в")."""
    at = question.wh_index
    if at > 0 and question.words[at - 1].pos == "ADP":
        return question.words[at - 1].lemma
    return ""


def candidate_features(parsed: ParsedSentence, entities: list[Entity], question: Question
                       ) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Candidate word ranges of `parsed` and one feature row each (see `FEATURES`)."""
    words = parsed.words
    matched = [i for i, w in enumerate(words) if matches_question(w, question)]
    matched_set = set(matched)
    preposition = question_preposition(question)
    role = question_role(question.words, question.wh_index)
    titles = quoted_ranges(words)
    described = focus_family(question)  # once per question, read by every adjective's fit
    focus_words = {i for i, w in enumerate(words)
                   if question.focus and w.pos in {"NOUN", "PROPN"}
                   and same_lemma(w.lemma, question.focus)}
    ranges, rows = [], []
    for lo, hi in sorted(candidate_ranges(parsed, entities)):
        span = range(lo, hi + 1)
        content = [i for i in span if words[i].pos not in EDGE_POS
                   and words[i].lemma not in STOP_LEMMAS]
        if not content:
            continue
        repeated = sum(1 for i in content if i in matched_set) / len(content)
        if repeated >= 1.0:
            continue
        heads = [i for i in span if not lo <= words[i].head <= hi]
        head = heads[0] if heads else lo
        start, stop = words[lo].start, words[hi].stop
        kinds = {e.type for e in entities if e.start < stop and start < e.stop}
        exact_entity = any(e.start == start and e.stop == stop for e in entities)
        quoted = (lo, hi) in titles
        fit = _type_fit(parsed, lo, hi, head, question, kinds, quoted, described)
        governor = words[head].head
        distance = min(min(abs(i - m) for m in matched) for i in (lo, hi)) if matched else 10
        inside = sum(1 for m in matched if lo < m < hi)
        if words[head].pos in {"VERB", "AUX"} and question.expect in NOUN_ANSWERS:
            fit *= 0.5  # кто/где/когда/сколько ask for a noun phrase, not the clause around it
        case = question.wh_case
        row = np.zeros(len(FEATURES), dtype=np.float32)
        row[0] = 1.0
        row[1] = fit
        row[2] = governor in matched_set and not _restates_modifier(words, head, focus_words)
        row[3] = repeated
        row[4] = min(distance, 10) / 10
        row[5] = min(len(content), 30) / 10
        row[6] = head in matched_set
        row[7] = bool(kinds)
        row[8] = exact_entity
        row[9] = ((case in OBLIQUE_CASES or question.wh == "кто")
                  and words[head].feats.get("Case") == case)
        row[10] = inside > 0
        row[11] = lo == 0 or words[lo - 1].pos == "PUNCT"
        row[12] = hi == len(words) - 1 or words[hi + 1].pos == "PUNCT"
        row[13] = governor >= 0 and words[governor].pos == "VERB" and governor in matched_set
        row[14] = (len(content) == 1)
        own = {words[k].lemma for k in parsed.children[head] if words[k].rel == "case"}
        row[15] = bool(preposition) and preposition in own
        row[16] = question.expect in ARGUMENT_ANSWERS and bool(own - {preposition})
        # a name or modifier of the "какой X" word stands in for X: its role is X's role
        anchor = head
        if words[head].head in focus_words and words[head].rel in MODIFIER_RELS:
            anchor = words[head].head
        row[17] = mirrors_role(words, anchor, role) and not _has_clause(parsed, lo, hi, head)
        if row[17] and role is not None and role.kind in {NAMING, HAPPENING}:
            row[1] = 1.0  # "называются гуру": the naming word itself says гуру is the name;
            # "что происходит с возрастом" is answered by what the age does (снижается)
        row[19] = not row[17] and same_role(words, anchor, role)
        row[18] = _names_focus(parsed, lo, hi, head, focus_words, matched_set, quoted)
        if row[18] and head in focus_words:
            # "какой суд" -> "Европейский суд": the X is what the answer must restate, so
            # neither it nor its being the head counts as repeating the question
            row[3] = sum(1 for i in content if i in matched_set and i not in focus_words
                         ) / len(content)
            row[6] = 0.0
        if _equated_with_focus(parsed, head, focus_words) and not lo <= words[head].head <= hi:
            row[1] = 1.0  # "полезным прибором является индикатор": the sentence says it is an X
            row[18] = 1.0
        ranges.append((lo, hi))
        rows.append(row)
    matrix = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)), dtype=np.float32)
    return ranges, matrix


NAME_RELS = {"appos", "flat", "flat:name", "flat:foreign", "nmod"}
MODIFIER_RELS = NAME_RELS | {"amod"}


def _restates_modifier(words: tuple[Word, ...], head: int, focus_words: set[int]) -> bool:
    """Whether the phrase is a modifier of a noun the question names ("аэропорт Лос-Анджелеса"
    for a question about that airport): such a modifier is usually the question's own wording,
    unless the noun is the X of "какой X", whose modifier says which X."""
    governor = words[head].head
    return (governor >= 0 and words[governor].pos in {"NOUN", "PROPN"}
            and words[head].rel in MODIFIER_RELS and governor not in focus_words)


COPULAS = {"являться", "быть", "стать", "становиться", "служить", "считаться", "оказаться"}


def _equated_with_focus(parsed: ParsedSentence, head: int, focus_words: set[int]) -> bool:
    """Whether a copula makes the phrase the subject of which X is said: "самым полезным
    прибором является индикатор", "театр был лучшим театром". (Not the other way round:
    "ранний этап оказался самым плодотворным" names the X, the predicate only describes it.)"""
    if not focus_words:
        return False
    words = parsed.words
    word = words[head]
    governor = word.head
    if governor < 0 or head in focus_words:
        return False
    if word.rel.startswith("nsubj") and words[governor].lemma in COPULAS:
        return any(k in focus_words and words[k].rel in {"xcomp", "obl"}
                   for k in parsed.children[governor])
    has_copula = any(words[k].rel == "cop" for k in parsed.children[governor])
    if word.rel.startswith("nsubj") and governor in focus_words and has_copula:
        return True  # the focus noun is the predicate: "Театр ... был лучшим театром"
    return False


def _has_clause(parsed: ParsedSentence, lo: int, hi: int, head: int) -> bool:
    """Whether the span takes in a clause hanging off its head ("спутник Astra, который ...")."""
    return any(lo <= k <= hi and parsed.words[k].rel in CLAUSE_RELS - {"appos", "conj"}
               for k in parsed.children[head])


def _names_focus(parsed: ParsedSentence, lo: int, hi: int, head: int, focus_words: set[int],
                 matched: set[int], quoted: bool) -> bool:
    """Whether words lo..hi say which X a "какой X" question asks about.

    Either the phrase is headed by the X word and adds a word of its own ("независимые школы",
    "Театр Войцеха Богуславского"), or it is a name standing beside X ("спутник Astra 2A").
    """
    if not focus_words:
        return False
    if head in focus_words:  # X with its own modifier, no clause: "независимые школы"
        return not _has_clause(parsed, lo, hi, head) and any(
            k not in matched and parsed.words[k].pos not in EDGE_POS for k in range(lo, hi + 1))
    word = parsed.words[head]
    if quoted and lo - 2 in focus_words:
        return True  # a title in quotes right after X: гимн «Ein neues Lied»
    return word.head in focus_words and word.rel in NAME_RELS and not lo <= word.head <= hi



def score_candidates(parsed: ParsedSentence, entities: list[Entity],
                     question: Question) -> list[Candidate]:
    """Every candidate span of `parsed`, scored by the hand-set weights (higher is better)."""
    ranges, matrix = candidate_features(parsed, entities, question)
    scores = matrix @ WEIGHTS if len(ranges) else []
    return [Candidate(parsed, lo, hi, float(score), float(row[1]), float(row[3]))
            for (lo, hi), score, row in zip(ranges, scores, matrix)]
