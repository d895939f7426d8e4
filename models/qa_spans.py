"""The shortest piece of an evidence sentence that answers the question.

Candidates are syntactic units of the sentence (a word's subtree, a noun phrase without its
clauses, a single word), named entities and reason clauses. Each is scored by how well it fits
the answer type the question word asks for, whether it hangs off a word the question mentions,
how near it is to those words, and it loses points for repeating the question itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from models.analysis import Entity
from models.qa_parse import ParsedSentence, Word
from models.qa_question import STOP_LEMMAS, Expect, Question
from models.qa_retrieval import PREFIX
from models.qa_roles import HAPPENING, NAMING, mirrors_role, question_role, same_lemma, same_role
from models.qa_weights import FEATURES, WEIGHTS

MAX_WORDS = 30  # longer candidates are rarely the answer (SQuAD answers average ~3 words)
EDGE_POS = {"ADP", "CCONJ", "SCONJ", "PUNCT", "PART"}
CLAUSE_RELS = {"acl", "acl:relcl", "advcl", "parataxis", "conj", "ccomp", "appos"}
REASON_MARKERS = ("потому что", "так как", "из-за", "благодаря", "поскольку", "в связи с",
                  "в результате", "вследствие", "ввиду", "чтобы", "из-за того")
MONTHS = ("январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр",
          "октябр", "ноябр", "декабр")
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})")
_DIGIT = re.compile(r"\d")
LIGHT_NOUNS = {"документ", "соглашение", "договор", "меморандум", "вопрос", "мера", "проект",
               "решение", "программа", "план", "заявление", "указ", "закон", "протокол",
               "контракт", "изменение", "поправка", "шаг", "предложение", "условие"}
APPROX = {"около", "более", "менее", "свыше", "почти", "примерно", "порядка", "приблизительно",
          "до", "от", "лишь", "всего"}
NOUN_ANSWERS = {Expect.PERSON, Expect.PLACE, Expect.TIME, Expect.NUMBER, Expect.NAME}
ARGUMENT_ANSWERS = {Expect.PERSON, Expect.THING}  # кто/что: the preposition is in the question
# genitives a bare noun answer takes along: a name-like term rarely runs longer
# ("Теория сложности вычислений"), and a longer chain drifts into the sentence's detail
GENITIVE_CHAIN = 2
SHARE_NOUNS = {"процент", "доля"}  # "какой процент", "какую долю": a share is asked for
SHARE_WORDS = {"процент", "половина", "треть", "четверть", "доля"}
# ordinal numerals, tagged as adjectives: the answer to "какое место занимает" is a rank
ORDINALS = {"первый", "второй", "третий", "четвёртый", "четвертый", "пятый", "шестой",
            "седьмой", "восьмой", "девятый", "десятый"}
# how far after a title noun its name may stand, with no comma between: "предпринимателя и
# миллионера начала 20 века Тео Кирни" is 6 words; a longer stretch is usually another clause
NAME_REACH = 8
# Cases that narrow the answer down: most phrases of a sentence are in Nom or Acc (and an active
# sentence puts in Acc what a passive question has in Nom), so those two say little, except for
# кто/кого, whose distinct forms and usual subject role make a Nom/Acc match telling.
OBLIQUE_CASES = {"Gen", "Dat", "Ins", "Loc"}
NUMBER_WORDS = {"тысяча", "миллион", "миллиард", "сотня", "десяток", "половина", "треть",
                "четверть", "процент", "млн", "млрд", "тыс"}


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


def _trim(words: tuple[Word, ...], lo: int, hi: int) -> tuple[int, int]:
    """Drop prepositions, conjunctions and punctuation from both ends ("в 1970-х" -> "1970-х")."""
    while lo <= hi and (words[lo].pos in EDGE_POS or words[lo].text in "«»\"'()"):
        lo += 1
    while hi >= lo and (words[hi].pos in {"PUNCT", "CCONJ", "ADP", "SCONJ"}
                        or words[hi].text in "«»\"'(),"):
        hi -= 1
    return lo, hi


def _core_phrase(parsed: ParsedSentence, i: int) -> tuple[int, int]:
    """Word i with its dependents except clauses and coordinated items: the bare phrase."""
    lo = hi = i
    stack = [i]
    seen = {i}  # the parser can emit a cycle; never walk a word twice
    while stack:
        j = stack.pop()
        for k in parsed.children[j]:
            if parsed.words[k].rel in CLAUSE_RELS or k in seen:
                continue
            seen.add(k)
            lo, hi = min(lo, k), max(hi, k)
            stack.append(k)
    return lo, hi


def candidate_ranges(parsed: ParsedSentence, entities: list[Entity]) -> set[tuple[int, int]]:
    """Word ranges worth scoring: subtrees, bare phrases, single words, entities, reasons."""
    words = parsed.words
    ranges: set[tuple[int, int]] = set()
    for i, word in enumerate(words):
        if word.pos == "PUNCT":
            continue
        for lo, hi in (parsed.subtree(i), _core_phrase(parsed, i), (i, i)):
            ranges.add(_trim(words, lo, hi))
        # a word with the dependents on its right only ("около 500 млн долларов")
        lo, hi = parsed.subtree(i)
        ranges.add(_trim(words, i, hi))
        if word.pos == "VERB":  # a verb with the adverbs before it: "значительно сократилась"
            first = i
            while first > 0 and words[first - 1].rel == "advmod" and words[first - 1].head == i:
                first -= 1
            ranges.add((first, i))
    ranges.update(quoted_ranges(words))
    for entity in entities:
        inside = [n for n, w in enumerate(words)
                  if entity.start <= w.start and w.stop <= entity.stop]
        if inside:
            ranges.add((inside[0], inside[-1]))
    for i, word in enumerate(words):  # "7 000 000 квадратных километров": digit runs + unit
        if _DIGIT.search(word.text) and (i == 0 or not _DIGIT.search(words[i - 1].text)):
            j = i
            while j + 1 < len(words) and (_DIGIT.search(words[j + 1].text)
                                          or words[j + 1].lemma in NUMBER_WORDS):
                j += 1
            ranges.add((i, j))
            k = j
            while k + 1 < len(words) and words[k + 1].pos in {"NOUN", "ADJ", "SYM"} and k - j < 3:
                k += 1
                if words[k].pos in {"NOUN", "SYM"}:
                    ranges.add((i, k))
                    break
            if i > 0 and words[i - 1].lemma in APPROX:
                ranges.update({(i - 1, j), (i - 1, k)})
    text_lower = parsed.sentence.text.lower()
    for marker in REASON_MARKERS:
        at = text_lower.find(marker)
        if at >= 0:
            begin = parsed.sentence.start + at + len(marker)
            first = next((n for n, w in enumerate(words) if w.start >= begin), None)
            if first is not None:
                ranges.add(_trim(words, first, len(words) - 1))
    aside = _parenthetical_words(words)
    return {(lo, hi) for lo, hi in ranges
            if lo <= hi and hi - lo < MAX_WORDS and not _splits_number(words, lo, hi)
            and not all(k in aside for k in range(lo, hi + 1))}


# Russian parenthetical phrases (вводные слова): they comment on the sentence and never answer
# ("Эффективность цикла, как правило, зависит от ..." is not answered by "правило").
PARENTHETICALS = ("как правило", "в частности", "в основном", "в целом", "в общем", "кроме того",
                  "например", "прежде всего", "в первую очередь", "по-видимому", "во-первых",
                  "во-вторых", "с одной стороны", "с другой стороны", "в том числе", "по сути",
                  "на самом деле", "в действительности", "таким образом", "в итоге",
                  "по крайней мере", "в свою очередь", "как известно", "к примеру")


def _parenthetical_words(words: tuple[Word, ...]) -> set[int]:
    """Indices of the words that make up a parenthetical phrase in the sentence."""
    texts = [w.text.lower() for w in words]
    found: set[int] = set()
    for phrase in PARENTHETICALS:
        parts = phrase.split()
        for i in range(len(texts) - len(parts) + 1):
            if texts[i:i + len(parts)] == parts:
                found.update(range(i, i + len(parts)))
    return found


_GROUP = re.compile(r"\d{3}")  # a thousands group written apart: "7 000 000", "17 786 419"
_NUMERAL = re.compile(r"\d+([.,]\d+)?")


def _splits_number(words: tuple[Word, ...], lo: int, hi: int) -> bool:
    """Whether the span starts or ends inside a number written with spaced thousands groups
    ("000" out of "7 000 000"): such a piece is never an answer."""
    starts_inside = (lo > 0 and _GROUP.fullmatch(words[lo].text) is not None
                     and _NUMERAL.fullmatch(words[lo - 1].text) is not None)
    ends_inside = (hi + 1 < len(words) and _GROUP.fullmatch(words[hi + 1].text) is not None
                   and _NUMERAL.fullmatch(words[hi].text) is not None)
    return starts_inside or ends_inside


OPENING_QUOTES = {"«": "»", '"': '"', "„": "“", "“": "”"}


def quoted_ranges(words: tuple[Word, ...]) -> set[tuple[int, int]]:
    """Word ranges inside quotes («Ein neues Lied wir heben an»): a title is one unit."""
    ranges = set()
    for i, word in enumerate(words):
        closing = OPENING_QUOTES.get(word.text)
        if closing is None:
            continue
        end = next((j for j in range(i + 1, min(len(words), i + MAX_WORDS))
                    if words[j].text == closing), None)
        if end is not None and end > i + 1:
            ranges.add((i + 1, end - 1))
    return ranges


def _matches(word: Word, question: Question) -> bool:
    lemma = word.lemma
    if lemma in question.content:
        return True
    return len(lemma) >= PREFIX and any(
        len(q) >= PREFIX and q[:PREFIX] == lemma[:PREFIX] for q in question.content)


def _type_fit(parsed: ParsedSentence, lo: int, hi: int, head: int, question: Question,
              kinds: set[str], quoted: bool = False) -> float:
    """How well words lo..hi look like the kind of answer the question expects (0..1)."""
    words = parsed.words[lo:hi + 1]
    text = " ".join(w.text for w in words).lower()
    has_digit = bool(_DIGIT.search(text))
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
        month = any(m in text for m in MONTHS)
        if _YEAR.search(text) or month and has_digit:
            return 1.0  # a year or a day of a month: a precise date
        if month:
            return 0.8  # a bare month ("в марте") is vaguer than "3 марта"
        if has_digit or "век" in text:
            return 0.7
        return 0.0
    if expect is Expect.NUMBER:
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
            return 0.9 if governor == question.focus else 0.2
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
    matched = [i for i, w in enumerate(words) if _matches(w, question)]
    matched_set = set(matched)
    preposition = question_preposition(question)
    role = question_role(question.words, question.wh_index)
    titles = quoted_ranges(words)
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
        fit = _type_fit(parsed, lo, hi, head, question, kinds, quoted)
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


TITLE_RELS = {"appos", "flat:foreign", "flat:name"}


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
        first, last = _trim(words, *_core_phrase(best.sentence, names[0]))
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
    of the question are cut from both edges.
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
        wide_lo, wide_hi = _trim(words, *best.sentence.subtree(lo))
        if wide_hi > hi and wide_hi - wide_lo < MAX_WORDS:  # kept whole: "документы о ..."
            return Candidate(best.sentence, lo, wide_hi, best.score, best.fit, best.repeated)
    # an answer does not restate the question: drop its words from the edges of the span
    head = next((k for k in range(lo, hi + 1) if not lo <= words[k].head <= hi), lo)

    def cut(at: int, step: int) -> int:
        end = at
        while (lo < end < hi or end == at) and (words[end].pos in EDGE_POS
                                                 or _matches(words[end], question)):
            end += step
        cut_off = range(at, end, step)
        if head in cut_off:  # cutting the head word would leave a fragment ("о сотрудничестве")
            return at
        return end if any(_matches(words[k], question) for k in cut_off) else at

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


def score_candidates(parsed: ParsedSentence, entities: list[Entity],
                     question: Question) -> list[Candidate]:
    """Every candidate span of `parsed`, scored by the hand-set weights (higher is better)."""
    ranges, matrix = candidate_features(parsed, entities, question)
    scores = matrix @ WEIGHTS if len(ranges) else []
    return [Candidate(parsed, lo, hi, float(score), float(row[1]), float(row[3]))
            for (lo, hi), score, row in zip(ranges, scores, matrix)]
