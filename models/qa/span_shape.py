"""Answer spans reshaped by the sentence's dependency parse, so a user never sees half a phrase.

The reader (`models.qa.span_reader`) picks character offsets; it often stops at one conjunct of a
list («документы о сотрудничестве …» without «… и утверждении договора …»), at a dangling
preposition («в связи с началом нового»), or inside quotes («новая» водка). These rules read the
parse of `models.qa.rules.parse` and the characters only. Every function takes and returns
offsets into the article text (`doc.article.text[start:stop]`), never leaves the sentence, and
returns its input unchanged when its rule does not apply.
"""

from __future__ import annotations

import functools
import re

from models.qa.rules.parse import ParsedSentence, Word

NOMINAL = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})
# a conjunct with its own subject, copula or subordinator is a clause, not a list item
CLAUSAL = frozenset({"nsubj", "nsubj:pass", "csubj", "cop", "aux", "aux:pass", "mark", "expl"})
# dependents that belong to a noun phrase (left of its head, or shared after the last conjunct)
PHRASAL = frozenset({"amod", "det", "nummod", "nummod:gov", "nummod:entity", "case", "flat",
                     "flat:name", "flat:foreign", "compound", "nmod", "appos", "fixed"})
# slovnet confuses these cases on forms that look the same; any other difference is a misparse
SAME_FORM_CASES = frozenset({frozenset({"Nom", "Acc"}), frozenset({"Gen", "Acc"})})
# dependents that are clauses of their own, never part of a list item
CLAUSE_RELATIONS = frozenset({"acl", "acl:relcl", "advcl", "parataxis", "ccomp", "csubj"})
MAX_COORDINATION_WORDS = 40
MAX_PHRASE_GAP = 4  # words whole_phrase may add to reach a head noun
MAX_QUOTE_WORDS = 12  # words balanced may add to reach the other mark
EDGE_PUNCT = frozenset(",;:—–-")


def _words_in(parsed: ParsedSentence, start: int, stop: int) -> list[int]:
    """Indices of the words overlapping text[start:stop]."""
    return [i for i, w in enumerate(parsed.words) if w.start < stop and start < w.stop]


def _is_punct(word: Word) -> bool:
    return word.pos == "PUNCT" or not any(c.isalnum() for c in word.text)


def _clamped(parsed: ParsedSentence, start: int, stop: int) -> tuple[int, int]:
    """The part of a span inside the sentence: no rule may hand back text beyond it."""
    sentence = parsed.sentence
    return max(start, sentence.start), min(stop, sentence.stop)


# --- 1. whole coordination ------------------------------------------------------------------

def _cases_agree(a: Word, b: Word) -> bool:
    """Whether two conjuncts may share a case: natasha attaches «учителем» (Ins) as a conjunct of
    «Москве» (Loc) in «врачом в Москве и учителем в Казани»; a real list agrees."""
    x, y = a.feats.get("Case"), b.feats.get("Case")
    return x is None or y is None or x == y or frozenset({x, y}) in SAME_FORM_CASES


def _is_predicate(parsed: ParsedSentence, i: int) -> bool:
    """Whether word i heads a clause: a subject, copula or subordinator of its own."""
    return any(parsed.words[c].rel in CLAUSAL for c in parsed.children[i])


def _conjuncts(parsed: ParsedSentence, head: int) -> list[int]:
    """The nominal conjuncts hanging from `head` (chains included), in order; verbal conjuncts
    and ones with their own subject are coordinated clauses and stay out."""
    found, stack = [], [head]
    while stack:
        j = stack.pop()
        for c in parsed.children[j]:
            word = parsed.words[c]
            if (word.rel == "conj" and word.pos in NOMINAL and not _is_predicate(parsed, c)
                    and _cases_agree(word, parsed.words[head])):
                found.append(c)
                stack.append(c)
    return sorted(found)


def _coordination_top(parsed: ParsedSentence, i: int) -> int:
    """The first conjunct of the list word i belongs to (i itself when it is none's conjunct)."""
    seen = {i}
    while parsed.words[i].rel == "conj" and parsed.words[i].head >= 0:
        i = parsed.words[i].head
        if i in seen:
            break
        seen.add(i)
    return i


def _contiguous_end(parsed: ParsedSentence, i: int) -> int:
    """The last word of i's subtree reached without a gap: natasha hangs words from after the
    verb on a subject's conjunct («визиты и встречи … задают тон … по всему спектру»)."""
    members = _subtree_words(parsed, i)
    last = i
    while True:
        following = next((j for j in (last + 1, last + 2)
                          if j in members and _next_to(parsed, last, j)), None)
        if following is None:
            return last
        last = following


def _next_to(parsed: ParsedSentence, last: int, j: int) -> bool:
    """Whether word j follows word `last` directly or past one punctuation mark («О.Бектенов»:
    natasha hangs the dot, and even the surname, elsewhere)."""
    return j == last + 1 or (j == last + 2 and _is_punct(parsed.words[last + 1]))


def _subtree_words(parsed: ParsedSentence, i: int) -> set[int]:
    """Word i's phrase: its subtree without the clauses hanging from it («терменвокса, на
    котором сыграл Пётр Термен»: the list ends at «терменвокса»)."""
    return parsed.descendants(i, CLAUSE_RELATIONS)


def _coordination(parsed: ParsedSentence, head: int) -> tuple[int, int] | None:
    """(first, last) word of the list headed by `head`: its own noun phrase on the left, the
    last conjunct's subtree and the head's modifiers placed after it on the right («по дну
    Каспийского моря», which natasha hangs on the first conjunct)."""
    word = parsed.words[head]
    if word.pos not in NOMINAL or _is_predicate(parsed, head):
        return None
    conjuncts = _conjuncts(parsed, head)
    # a verb between two conjuncts means two clauses natasha joined («отверг принудительное
    # исповедование и поощрял частное исповедование»): the list ends before it
    kept, previous = [], head
    for c in conjuncts:
        if any(parsed.words[k].pos in {"VERB", "AUX"} for k in range(previous + 1, c)
               if k not in _subtree_words(parsed, previous)):
            break
        kept.append(c)
        previous = c
    conjuncts = kept
    if not conjuncts:
        return None
    first = min([head] + [parsed.subtree(c)[0] for c in parsed.children[head]
                          if c < head and parsed.words[c].rel in PHRASAL])
    last = max(_contiguous_end(parsed, c) for c in conjuncts)
    for c in sorted(parsed.children[head]):
        if (c > conjuncts[-1] and parsed.words[c].rel in PHRASAL
                and _next_to(parsed, last, parsed.subtree(c)[0])):
            last = _contiguous_end(parsed, c)
    while first < last and parsed.words[first].rel in ("case", "cc", "punct"):
        first += 1  # the list's own words: the span keeps its preposition if it has one
    while last > first and _is_punct(parsed.words[last]):
        last -= 1
    if last - first + 1 > MAX_COORDINATION_WORDS:
        return None
    return first, last


def whole_coordination(parsed: ParsedSentence, start: int, stop: int) -> tuple[int, int]:
    """A span covering one item of a nominal list widened to the whole list.

    «Моцарта» in «произведения Моцарта, Брамса, Бетховена и Скрябина» answers with all four
    names; a span that already starts before the list («документы о …») keeps its start.
    Coordinated verbs and predicates are clauses and are left alone."""
    lo, hi = _clamped(parsed, start, stop)
    inside = _words_in(parsed, lo, hi)
    if not inside:
        return start, stop
    tops = set()
    for i in inside:
        word = parsed.words[i]
        has_outer_conj = any(parsed.words[c].rel == "conj" and c not in inside
                             for c in parsed.children[i])
        if has_outer_conj or (word.rel == "conj" and word.head not in inside):
            tops.add(_coordination_top(parsed, i))
    extents = [e for e in map(functools.partial(_coordination, parsed), sorted(tops)) if e]
    if not extents:
        return start, stop
    return (min([lo] + [parsed.words[first].start for first, _ in extents]),
            max([hi] + [parsed.words[last].stop for _, last in extents]))


# --- 2. the reason part of a sentence ---------------------------------------------------------

PHRASE, CLAUSE, NEEDS_CLAUSE = "phrase", "clause", "needs clause"
# marker words (lower case) -> what follows: a noun phrase (or «того, что» + clause), a clause
# (the marker is a subordinator itself), or only ever «(того,) что/как/чтобы» + clause
REASON_MARKERS: dict[tuple[str, ...], str] = {
    ("из-за",): PHRASE, ("за",): PHRASE, ("за", "счёт"): PHRASE, ("за", "счет"): PHRASE,
    ("в", "связи", "с"): PHRASE, ("в", "связи", "со"): PHRASE, ("ввиду",): PHRASE,
    ("вследствие",): PHRASE, ("благодаря",): PHRASE, ("в", "знак"): PHRASE,
    ("под", "воздействием"): PHRASE, ("под", "влиянием"): PHRASE, ("под", "давлением"): PHRASE,
    ("в", "результате"): PHRASE, ("по", "вине"): PHRASE, ("на", "почве"): PHRASE,
    ("из", "соображений"): PHRASE, ("по", "соображениям"): PHRASE,
    ("по", "подозрению"): PHRASE, ("по", "обвинению", "в"): PHRASE,
    ("по", "состоянию"): PHRASE,  # «по состоянию здоровья»
    ("в", "ответ", "на"): PHRASE, ("по", "причине"): PHRASE, ("в", "целях"): PHRASE,
    ("с", "целью"): PHRASE, ("так", "как"): CLAUSE, ("поскольку",): CLAUSE, ("ибо",): CLAUSE,
    ("чтобы",): CLAUSE, ("дабы",): CLAUSE, ("потому",): NEEDS_CLAUSE,
    ("оттого",): NEEDS_CLAUSE, ("для",): NEEDS_CLAUSE, ("ради",): NEEDS_CLAUSE,
    ("после",): NEEDS_CLAUSE,
}
# markers that more often tell when than why («после того как фанаты начали жечь
# пиротехнику»): a reason after them counts only where no other reason is near
WEAK_MARKERS = frozenset({"после"})
DEMONSTRATIVES = frozenset({"то", "того", "тому", "тем"})
SUBORDINATORS = frozenset({"что", "как", "чтобы"})
# after a comma these open a complement of the clause («чтобы понять, почему …»), not a new one
COMPLEMENT_OPENERS = frozenset({"что", "как", "почему", "зачем", "где", "куда", "откуда",
                                "когда", "сколько", "ли", "чтобы"})
CLAUSE_BREAKS = frozenset(",;:—–")
# «за» + accusative marks a reason («осужден за кражу») unless it measures time («за год»),
# points somewhere («за рубеж») or says what one is for («проголосовали за законопроект»)
NOT_REASON_OBJECTS = frozenset({
    "секунда", "минута", "час", "день", "сутки", "неделя", "месяц", "год", "век", "время",
    "период", "десятилетие", "квартал", "полугодие", "ночь", "вечер", "утро", "сезон", "срок",
    "раз", "рубеж", "граница", "предел", "город", "океан", "дверь", "стол", "руль", "полгода",
    "полчаса", "полвека", "полдня", "полмесяца", "выходные", "неделька", "мгновение"})
NOT_REASON_GOVERNORS = frozenset({
    "голосовать", "проголосовать", "выступать", "выступить", "агитировать", "отвечать",
    "ответить", "браться", "взяться", "приниматься", "приняться", "выходить", "выйти"})


def _filler(words: tuple[Word, ...], k: int) -> tuple[int, bool]:
    """(index after, whether a clause opens) for «того, что», «, что», «тем, что» at word k."""
    i = k
    if i < len(words) and words[i].text.lower() in DEMONSTRATIVES:
        i += 1
    if i < len(words) and words[i].text == ",":
        i += 1
    if i < len(words) and words[i].text.lower() in SUBORDINATORS:
        return i + 1, True
    return k, False


def _marker_at(words: tuple[Word, ...], k: int) -> tuple[int, int, bool] | None:
    """(index after the marker and its filler, the marker's length, whether a clause follows)
    for a reason marker at word k, or None."""
    for marker in sorted(REASON_MARKERS, key=len, reverse=True):
        end = k + len(marker)
        if tuple(w.text.lower() for w in words[k:end]) != marker:
            continue
        after, clause = _filler(words, end)
        kind = REASON_MARKERS[marker]
        if kind == NEEDS_CLAUSE and not clause:
            return None
        return after, len(marker), clause or kind == CLAUSE
    return None


def _za_is_reason(parsed: ParsedSentence, k: int) -> bool:
    """Whether the «за» at word k marks a reason: an accusative that is no time, place or cause
    one votes for."""
    target = parsed.words[k].head
    if parsed.words[k].rel != "case" or target <= k:
        return False
    noun = parsed.words[target]
    if noun.feats.get("Case") != "Acc" or noun.lemma in NOT_REASON_OBJECTS:
        return False
    if any(w.text.lower() == "до" for w in parsed.words[k + 1:k + 6]):
        return False  # «за пять часов до казни», «за полгода до этого»: how long before
    governor = noun.head
    return governor < 0 or parsed.words[governor].lemma not in NOT_REASON_GOVERNORS


def _content(parsed: ParsedSentence, marker: range, after: int) -> tuple[int, int] | None:
    """(first, last) word of the phrase or clause a marker introduces: the subtrees of the words
    the marker's function words attach to, and of the marker's own dependents after it."""
    heads = set()
    for m in marker:
        word = parsed.words[m]
        if word.rel in ("case", "mark", "fixed") and word.head >= after:
            heads.add(word.head)
        heads.update(c for c in parsed.children[m]
                     if c >= after and parsed.words[c].rel not in ("punct", "fixed"))
    if not heads:
        return None
    last = max(parsed.subtree(h)[1] for h in heads)
    while last >= after and _is_punct(parsed.words[last]):
        last -= 1
    first = after
    while first <= last and _is_punct(parsed.words[first]):
        first += 1
    return (first, last) if first <= last else None


def _is_verb(word: Word) -> bool:
    return word.pos in ("VERB", "AUX")


def _clause_end(parsed: ParsedSentence, first: int, last: int) -> int:
    """The last word of a subordinate clause: before the first break that follows its verb and
    precedes another verb. natasha often hangs the next clause on the reason's verb («потому
    что инвесторы опасаются санкций, и торги были приостановлены»), so the tree alone runs on;
    a break before any verb is a list («в Москве, Петербурге и Казани прошли акции»)."""
    words, seen_verb = parsed.words, False
    for j in range(first, last + 1):
        if words[j].text in CLAUSE_BREAKS and seen_verb:
            nxt = j + 1
            if nxt <= last and words[nxt].text.lower() in COMPLEMENT_OPENERS:
                continue
            stop = next((k for k in range(nxt, last + 1) if words[k].text in CLAUSE_BREAKS),
                        last + 1)
            if any(_is_verb(words[k]) for k in range(nxt, stop)):
                return max(first, j - 1)
        seen_verb = seen_verb or _is_verb(words[j])
    return last


def _only_pronoun(parsed: ParsedSentence, first: int, last: int) -> bool:
    """«в результате чего», «из-за этого»: the reason is in another sentence or clause."""
    return first == last and parsed.words[first].pos in ("PRON", "DET")


def _reasons(parsed: ParsedSentence, weak: bool | None = None) -> list[tuple[int, int]]:
    """Every reason phrase or clause of the sentence, as (first, last) words, in order; with
    `weak` True only those after a marker of WEAK_MARKERS, with False only the others."""
    words, found, k = parsed.words, [], 0
    while k < len(words):
        hit = _marker_at(words, k)
        if hit is None or (words[k].text.lower() == "за" and hit[1] == 1 and not hit[2]
                           and not _za_is_reason(parsed, k)):
            k += 1  # «за то, что …» is a reason whatever case natasha gives «то»
            continue
        after, _, clause = hit
        extent = _content(parsed, range(k, after), after)
        if weak is not None and (words[k].text.lower() in WEAK_MARKERS) != weak:
            extent = None
        if extent is not None and not _only_pronoun(parsed, *extent):
            first, last = extent
            found.append((first, _clause_end(parsed, first, last) if clause else last))
        k = after
    return found


def reason_clause(parsed: ParsedSentence, start: int, stop: int) -> tuple[int, int] | None:
    """The reason a почему / за что / зачем question asks for, without its marker.

    «… были ожидаемы, так как министр ранее заявлял о своей отставке» gives «министр ранее
    заявлял о своей отставке». Of several reasons the one overlapping text[start:stop] most, or
    else the nearest, wins; None when the sentence gives no reason."""
    best, best_key = None, None
    for first, last in _reasons(parsed):
        lo, hi = parsed.words[first].start, parsed.words[last].stop
        overlap = min(hi, stop) - max(lo, start)
        key = (-overlap, 0) if overlap > 0 else (0, max(lo - stop, start - hi))
        if best_key is None or key < best_key:
            best, best_key = (lo, hi), key
    return best


def _word_starting(parsed: ParsedSentence, start: int) -> int | None:
    """The index of the word that begins at character `start`, None when none does."""
    return next((k for k, w in enumerate(parsed.words) if w.start == start), None)


def with_marker(parsed: ParsedSentence, start: int, stop: int) -> tuple[int, int]:
    """A reason phrase with the preposition that makes it one: «в знак протеста …», «из-за
    волчанки», «в связи с достижением …», «за кибермошенничество» answer «почему», where
    «протеста …» or «волчанки» alone do not read as Russian. A clause keeps no subordinator
    («так как министр заявлял …» is «министр заявлял …»)."""
    words = parsed.words
    first = _word_starting(parsed, start)
    if first is None:
        return start, stop
    for marker in sorted(REASON_MARKERS, key=len, reverse=True):
        k = first - len(marker)
        if (k >= 0 and REASON_MARKERS[marker] == PHRASE
                and tuple(w.text.lower() for w in words[k:first]) == marker):
            return words[k].start, stop
    return start, stop


QUOTES = frozenset({"«", '"', "„", "“"})


def with_title_noun(parsed: ParsedSentence, start: int, stop: int,
                    asked: frozenset[str]) -> tuple[int, int]:
    """A quoted title with the noun that says what it is, where the question does not say it:
    «орденом "За военные заслуги"» for «какие у него награды были» (a reader cannot tell an
    order from a film by its title); «"Линкольн"» stays bare for «за какой фильм»."""
    words = parsed.words
    first = _word_starting(parsed, start)
    if first is not None and first > 0 and words[first].text not in QUOTES:
        first -= 1  # the span may start inside the quotes: they are balanced later
    if first is None or first == 0 or words[first].text not in QUOTES:
        return start, stop
    noun = words[first - 1]
    if noun.pos != "NOUN" or noun.lemma in asked or not noun.text[:1].islower():
        return start, stop
    return noun.start, stop


# --- 3. balanced quotes and brackets ---------------------------------------------------------

CLOSING = {"«": "»", "“": "”", "„": "“", "(": ")", "[": "]"}
OPENING = frozenset(CLOSING)
CLOSERS = frozenset(CLOSING.values())


def _pairs(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Matched (open, close) positions of quotes and brackets in text[lo:hi], and the stray
    marks left over; a straight " opens or closes by its parity, “ closes „ and opens ”."""
    pairs, stack, stray, straight = [], [], [], None
    for p in range(lo, hi):
        c = text[p]
        if c == '"':
            if straight is None:
                straight = p
            else:
                pairs.append((straight, p))
                straight = None
        elif c in CLOSERS and stack and CLOSING[text[stack[-1]]] == c:
            pairs.append((stack.pop(), p))
        elif c in OPENING:
            stack.append(p)
        elif c in CLOSERS:
            stray.append(p)
    stray.extend(stack)
    if straight is not None:
        stray.append(straight)
    return pairs, stray


def _words_between(text: str, a: int, b: int) -> int:
    return len(re.findall(r"\w+", text[a:b]))


def _cut_at(text: str, start: int, stop: int, p: int) -> tuple[int, int]:
    """The span without the mark at p: the mark dropped at an edge, else the longer side."""
    before, after = text[start:p].strip(), text[p + 1:stop].strip()
    if not before or (after and len(after) >= len(before)):
        return p + 1, stop
    return start, p


def _balance_once(text: str, start: int, stop: int, lo: int, hi: int) -> tuple[int, int]:
    pairs, stray = _pairs(text, lo, hi)
    for o, c in pairs:
        if start <= o < stop <= c:
            if _words_between(text, stop, c) <= MAX_QUOTE_WORDS:
                return start, c + 1
            return _cut_at(text, start, stop, o)
        if o < start <= c < stop:
            if _words_between(text, o, start) <= MAX_QUOTE_WORDS:
                return o, stop
            return _cut_at(text, start, stop, c)
    for p in stray:
        if start <= p < stop:
            return _cut_at(text, start, stop, p)
    return start, stop


def _stripped(text: str, start: int, stop: int) -> tuple[int, int]:
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return start, stop


def balanced(text: str, start: int, stop: int, lo: int, hi: int) -> tuple[int, int]:
    """A span whose quotes and brackets pair up inside the sentence text[lo:hi].

    A mark whose partner lies outside the span pulls the span to that partner when it is in the
    sentence within MAX_QUOTE_WORDS words («новая» водка -> «новая» водка with its opening
    quote); otherwise the mark is dropped, or, inside the span, the shorter side of it."""
    if not (lo <= start < stop <= hi):
        return start, stop
    current = (start, stop)
    for _ in range(8):  # each step settles one mark; a sentence rarely has more
        shaped = _stripped(text, *_balance_once(text, *current, lo, hi))
        if shaped == current or shaped[0] >= shaped[1]:
            break
        current = shaped
    return current if current[0] < current[1] else (start, stop)


# --- 4. whole phrases ----------------------------------------------------------------------

DANGLING_END = frozenset({"ADP", "CCONJ", "SCONJ"})
NOMINAL_TARGETS = NOMINAL | {"PRON", "SYM", "X"}
MODIFIER_END = frozenset({"ADJ", "NUM", "DET"})
NAME_PARTS = frozenset({"flat", "flat:name", "flat:foreign", "fixed"})


def _reach(parsed: ParsedSentence, last: int) -> int | None:
    """The word a span ending on word `last` must run to: the noun a preposition, adjective or
    numeral leans on, or the nominal conjunct after «и», when it is near enough after it."""
    word = parsed.words[last]
    leans = word.pos in ("ADP", "CCONJ") or (
        word.pos in MODIFIER_END and word.rel in ("amod", "det", "nummod", "nummod:gov"))
    target = word.head
    # a subordinator or «и» before a verb opens a clause: half of one is no answer, so these
    # are dropped rather than run on
    if not leans or not last < target <= last + MAX_PHRASE_GAP:
        return None
    if parsed.words[target].pos not in NOMINAL_TARGETS:
        return None
    if any(_is_punct(parsed.words[j]) for j in range(last + 1, target)):
        return None
    return target


def whole_phrase(parsed: ParsedSentence, start: int, stop: int) -> tuple[int, int]:
    """A span that ends where its phrase ends and starts on a content word.

    «связи с началом нового» runs on to «года»; a trailing preposition or conjunction with no
    word to lean on nearby, and a leading «и» or comma, are dropped."""
    lo, hi = _clamped(parsed, start, stop)
    inside = _words_in(parsed, lo, hi)
    if not inside:
        return start, stop
    first, last = inside[0], inside[-1]
    for _ in range(MAX_PHRASE_GAP):
        target = _reach(parsed, last)
        if target is None:
            break
        last = target
        while last + 1 in parsed.children[target] and parsed.words[last + 1].rel in NAME_PARTS:
            last += 1  # «Касым-Жомарта» goes on to «Токаева»
    while last > first and (parsed.words[last].pos in DANGLING_END
                            or parsed.words[last].text in EDGE_PUNCT):
        last -= 1
    while first < last and (parsed.words[first].pos == "CCONJ"
                            or parsed.words[first].text in EDGE_PUNCT):
        first += 1
    if (first, last) == (inside[0], inside[-1]):
        return start, stop
    return (parsed.words[first].start if first != inside[0] else lo,
            parsed.words[last].stop if last != inside[-1] else hi)


# --- 5. a place with its preposition and its whole noun phrase -------------------------------

PLACE_PREPOSITIONS = frozenset({"в", "во", "на", "у", "из", "изо", "под", "над", "возле",
                                "около", "близ", "недалеко", "вблизи", "рядом", "при", "до",
                                "к", "ко", "от", "с", "со", "через", "за", "перед", "между"})
MAX_PLACE_WORDS = 12


def _phrase_head(parsed: ParsedSentence, inside: list[int]) -> int | None:
    """The word of the span whose head lies outside it (the top of its phrase)."""
    tops = [i for i in inside if parsed.words[i].head not in inside
            and not _is_punct(parsed.words[i])]
    return tops[0] if tops else None


def place_phrase(parsed: ParsedSentence, start: int, stop: int) -> tuple[int, int]:
    """A где/откуда answer as a reader wants it: «в детском доме в Гватемале» for
    «Гватемале», «у храма Всех Святых во Всехсвятском» for «во Всехсвятском»: the span's noun
    climbs to the noun phrase it modifies (nmod), then takes that phrase's preposition and its
    modifiers, never a clause. Kept as is when the phrase would run past MAX_PLACE_WORDS."""
    lo, hi = _clamped(parsed, start, stop)
    inside = _words_in(parsed, lo, hi)
    head = _phrase_head(parsed, inside) if inside else None
    if head is None or parsed.words[head].pos not in {"NOUN", "PROPN"}:
        return start, stop
    words = parsed.words
    head = _place_top(parsed, head)
    members = _subtree_words(parsed, head) - {
        c for c in parsed.children[head] if words[c].rel == "conj"}
    members = {m for m in members if not any(
        words[a].rel == "conj" for a in _ancestors(parsed, m, head))}
    first, last = min(members | set(inside)), max(members | set(inside))
    while last > first and _is_punct(words[last]):
        last -= 1
    if words[first].rel == "case" and words[first].text.lower() not in PLACE_PREPOSITIONS:
        first += 1
    if max(members) - min(members) + 1 > MAX_PLACE_WORDS:  # a long span read is the reader's
        return start, stop
    return min(words[first].start, lo), max(words[last].stop, hi)


# nouns that name a place a smaller place sits in («в детском доме в Гватемале»); «со стороны
# Марокко», «на большей части юга», «за исключением Новгорода» are not places
PLACE_HEADS = frozenset({
    "дом", "здание", "храм", "церковь", "собор", "музей", "театр", "стадион", "арена", "город",
    "село", "деревня", "посёлок", "поселок", "район", "округ", "область", "край", "регион",
    "улица", "площадь", "проспект", "шоссе", "квартира", "офис", "аэропорт", "вокзал", "порт",
    "зона", "центр", "больница", "госпиталь", "суд", "школа", "университет", "парк", "лес",
    "страна", "штат", "провинция", "столица", "база", "лагерь", "тюрьма", "колония", "зал",
    "кладбище", "мечеть", "посольство", "здании", "отель", "гостиница", "магазин", "рынок"})


def _place_top(parsed: ParsedSentence, head: int) -> int:
    """The noun phrase with a preposition of place that word `head` nests in, through nouns of
    place: «в детском доме в Гватемале», and «Украины» in «в городе Новгород-Северский
    Черниговской области Украины» (via «области», which has no preposition), not «Уроженец
    Калининграда» nor «Власти Эквадора»; `head` itself when there is none."""
    words, top, i = parsed.words, head, head
    while (words[i].rel in {"nmod", "flat", "flat:name", "appos"} and 0 <= words[i].head < i
           and words[words[i].head].pos in {"NOUN", "PROPN"}
           and _place_head(words[words[i].head])):
        i = words[i].head
        if _place_preposition(parsed, i):
            top = i
    return top


def _place_head(word: Word) -> bool:
    return word.pos == "PROPN" or word.lemma in PLACE_HEADS


def _place_preposition(parsed: ParsedSentence, i: int) -> bool:
    """Whether word i has a preposition of place of its own («в доме», «у храма»)."""
    return any(parsed.words[c].rel == "case" and parsed.words[c].text.lower()
               in PLACE_PREPOSITIONS for c in parsed.children[i])


def _ancestors(parsed: ParsedSentence, i: int, top: int) -> list[int]:
    """The words from i up to (not including) `top`."""
    chain, seen = [], {i}
    while i != top and i >= 0:
        chain.append(i)
        i = parsed.words[i].head
        if i in seen:
            break
        seen.add(i)
    return chain


def gives_reason(parsed: ParsedSentence) -> bool:
    """Whether the sentence states a reason at all (a marker, or «причиной стало …»)."""
    return bool(reason_spans(parsed))


def reason_spans(parsed: ParsedSentence, weak: bool = False) -> list[tuple[int, int]]:
    """Every reason the sentence states, as character offsets: after a marker («так как …»,
    «из-за …»), as the subject of «причиной/поводом стало» and as a cause or a charge
    («вызвана …», «признана виновной в …»); with `weak` only those after WEAK_MARKERS."""
    words = parsed.words
    if weak:
        return [(words[a].start, words[b].stop) for a, b in _reasons(parsed, weak=True)]
    found = [(words[a].start, words[b].stop)
             for a, b in _reasons(parsed, weak=False) + stated_cause(parsed)]
    stated = stated_reason(parsed)
    return sorted(set(found + ([stated] if stated else [])))


_CAUSE_NOUNS = frozenset({"причина", "повод", "основание"})
_CAUSE_VERBS = frozenset({"стать", "послужить", "явиться", "быть"})


def stated_reason(parsed: ParsedSentence) -> tuple[int, int] | None:
    """«Причиной послужила нормализация ситуации в регионе», «Поводом для этого стало
    решение ЕСПЧ»: the subject of стать/послужить/явиться whose complement is причина/повод,
    as character offsets."""
    words = parsed.words
    for i, word in enumerate(words):
        if word.lemma not in _CAUSE_NOUNS or word.head < 0:
            continue
        verb = word.head if words[word.head].lemma in _CAUSE_VERBS else (
            i if word.rel == "root" else -1)
        if verb < 0:
            continue
        subjects = [c for c in parsed.children[verb] if words[c].rel.startswith("nsubj")
                    and c != i and words[c].lemma not in _CAUSE_NOUNS]
        if not subjects:
            continue
        members = _subtree_words(parsed, subjects[0])
        first, last = min(members), max(members)
        while last > first and _is_punct(words[last]):
            last -= 1
        return words[first].start, words[last].stop
    return None


# a reason the words around it state, with no marker: what caused it («акция была вызвана
# недавним убийством болельщика», «объяснив их сильным алкогольным опьянением», «депутаты
# объяснили поправки тем, что …») and what one is found guilty of or charged with («была
# признана виновной в убийстве и ограблении», «обвиняется в мошенничестве») — what a «за что»
# question about a sentence, an arrest or a trial asks
CAUSED_BY = frozenset({
    "вызвать", "вызывать", "обусловить", "обусловливать", "обуславливать", "объяснить",
    "объяснять", "объясняться", "продиктовать", "мотивировать", "спровоцировать"})
CHARGED_WITH = frozenset({
    "виновный", "виновен", "обвинять", "обвинить", "обвиняться", "обвинение", "обвиняемый",
    "подозревать", "подозреваться", "подозрение", "подозреваемый", "уличить", "уличать"})
# «обвиняемым в рамках этого дела», «в ходе процесса», «в суде»: where or how, not the charge
NOT_CHARGES = frozenset({
    "рамка", "рамки", "ход", "качество", "связь", "отношение", "суд", "дело", "процесс",
    "время", "год", "месяц", "день", "момент", "период", "интервью", "заявление", "эфир",
    "город", "страна", "штат", "область", "район", "статья"})
# a cheap look at the text before a parse: a sentence without these states no charge
CHARGE_STEMS = re.compile(r"виновн|обвин|подозр|улич", re.IGNORECASE)


def _without_relative(parsed: ParsedSentence, first: int, last: int) -> int:
    """The last word of a noun phrase before a relative clause set off by a comma («убийством
    болельщика, в память о котором фанаты развернули плакаты»): the reason is the noun's."""
    for k in range(first, last + 1):
        if parsed.words[k].rel == "acl:relcl":
            lo = parsed.subtree(k)[0]
            if first < lo - 1 <= last and parsed.words[lo - 1].text == ",":
                last = min(last, lo - 2)
    while last > first and _is_punct(parsed.words[last]):
        last -= 1
    if last > first and parsed.words[last].text.lower() == "назад":  # «… почти 16 лет назад»
        last = max(first, min(parsed.subtree(parsed.words[last].head)[0] if
                              parsed.words[last].head >= 0 else last, last) - 1)
    return last


def _clause_after_that(parsed: ParsedSentence, i: int) -> tuple[int, int] | None:
    """«тем, что число преступлений выросло»: the clause after «что», for «тем» at word i."""
    words = parsed.words
    k = i + 1
    if k < len(words) and words[k].text == ",":
        k += 1
    if k >= len(words) or words[k].text.lower() != "что":
        return None
    last = max(parsed.subtree(i)[1], parsed.subtree(k)[1])
    first = k + 1
    if first > last:
        return None
    return first, _clause_end(parsed, first, last)


def stated_cause(parsed: ParsedSentence, charges_only: bool = False) -> list[tuple[int, int]]:
    """The causes and charges of the sentence (see CAUSED_BY, CHARGED_WITH), as (first, last)
    words without their preposition, in order; only the charges with `charges_only`."""
    words, found = parsed.words, []
    for i, word in enumerate(words):
        if word.lemma in CAUSED_BY and not charges_only:
            for c in parsed.children[i]:
                if words[c].feats.get("Case") != "Ins" or words[c].rel not in (
                        "obl", "obj", "iobj", "nmod"):
                    continue
                if words[c].text.lower() == "тем":
                    clause = _clause_after_that(parsed, c)
                    if clause:
                        found.append(clause)
                elif words[c].pos in ("NOUN", "PROPN"):
                    first, last = parsed.subtree(c)
                    found.append((first, _without_relative(parsed, first, last)))
        elif word.lemma in CHARGED_WITH:
            for c in parsed.children[i]:
                if c < i or words[c].pos not in ("NOUN", "PROPN"):
                    continue
                case = [p for p in parsed.children[c]
                        if words[p].rel == "case" and words[p].text.lower() in ("в", "во")]
                if not case or words[c].lemma in NOT_CHARGES:
                    continue
                first, last = parsed.subtree(c)
                first = max(first, case[0] + 1)
                found.append((first, _without_relative(parsed, first, last)))
    return sorted(found)


def cause_spans(parsed: ParsedSentence, charges_only: bool = False) -> list[tuple[int, int]]:
    """`stated_cause` as character offsets."""
    words = parsed.words
    return [(words[a].start, words[b].stop) for a, b in stated_cause(parsed, charges_only)]
