"""Candidate answer spans of a parsed sentence: the phrases worth scoring.

A candidate is a syntactic unit (a word's subtree, a noun phrase without its clauses, a single
word), a named entity, a number with its unit, a quoted title or a reason clause. Pieces that can
never answer (a parenthetical "как правило", "000" out of "7 000 000") are left out here, so
the scorer in `models.qa.rules.spans` only weighs real phrases.
"""

from __future__ import annotations

import re

from models.qa.rules.parse import ParsedSentence, Word
from models.text.analysis import Entity

MAX_WORDS = 30  # longer candidates are rarely the answer (SQuAD answers average ~3 words)
EDGE_POS = {"ADP", "CCONJ", "SCONJ", "PUNCT", "PART"}
CLAUSE_RELS = {"acl", "acl:relcl", "advcl", "parataxis", "conj", "ccomp", "appos"}
REASON_MARKERS = ("потому что", "так как", "из-за", "благодаря", "поскольку", "в связи с",
                  "в результате", "вследствие", "ввиду", "чтобы", "из-за того")
DIGIT = re.compile(r"\d")
APPROX = {"около", "более", "менее", "свыше", "почти", "примерно", "порядка", "приблизительно",
          "до", "от", "лишь", "всего"}
NUMBER_WORDS = {"тысяча", "миллион", "миллиард", "сотня", "десяток", "половина", "треть",
                "четверть", "процент", "млн", "млрд", "тыс"}


def trim_edges(words: tuple[Word, ...], lo: int, hi: int) -> tuple[int, int]:
    """Drop prepositions, conjunctions and punctuation off both ends ("в 1970-х" -> "1970-х")."""
    while lo <= hi and (words[lo].pos in EDGE_POS or words[lo].text in "«»\"'()"):
        lo += 1
    while hi >= lo and (words[hi].pos in {"PUNCT", "CCONJ", "ADP", "SCONJ"}
                        or words[hi].text in "«»\"'(),"):
        hi -= 1
    return lo, hi


def core_phrase(parsed: ParsedSentence, i: int) -> tuple[int, int]:
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
        for lo, hi in (parsed.subtree(i), core_phrase(parsed, i), (i, i)):
            ranges.add(trim_edges(words, lo, hi))
        # a word with the dependents on its right only ("около 500 млн долларов")
        lo, hi = parsed.subtree(i)
        ranges.add(trim_edges(words, i, hi))
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
        if DIGIT.search(word.text) and (i == 0 or not DIGIT.search(words[i - 1].text)):
            j = i
            while j + 1 < len(words) and (DIGIT.search(words[j + 1].text)
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
                ranges.add(trim_edges(words, first, len(words) - 1))
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

