"""Где / откуда answers as users ask them (#26).

A где-answer is the most specific place the text gives: «в городе Новгород-Северский
Черниговской области Украины», not «Украины» read in «последний на территории Украины» further
on (`more_specific`). «Откуда он», «откуда родом», «кто по национальности» ask where a person
comes from («иммигрант из Узбекистана», «уроженец Калининграда», «родом из Тулы»), not where
an event took place (`asks_origin`, `origin_spans`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from models.core.types import Answer
from models.qa import span_shape
from models.qa.answer_shape import entities_over, most_overlapping, touching
from models.qa.question import TIME_NOUNS, Question
from models.qa.rules.parse import ParsedSentence, Word, parse_sentences
from models.text.analysis import AnalyzedArticle, Entity
from models.text.lexicon import MONTH_LEMMAS
from models.text.toolkit import NlpToolkit

_STEM = 5  # a place named twice is the same place when its names' first letters match


def _stem(entity: Entity) -> str:
    return (entity.normal or entity.text).lower().replace("ё", "е")[:_STEM]


def _without_clause(tree: ParsedSentence, start: int, stop: int) -> tuple[int, int]:
    """A span that runs on into a clause («в городе … Украины в ночь на 24 октября
    демонтирован …») cut to the place phrase it starts with."""
    words = tree.words
    inside = [i for i, w in enumerate(words) if start <= w.start and w.stop <= stop]
    if not any(words[i].pos in {"VERB", "AUX"} for i in inside):
        return start, stop
    for i in inside:
        if words[i].pos in {"NOUN", "PROPN"} and any(
                words[c].rel == "case" and words[c].text.lower() in _AT
                for c in tree.children[i]):
            a, b = span_shape.place_phrase(tree, words[i].start, words[i].stop)
            return (a, b) if start <= a and b <= stop else (start, stop)
    return start, stop


def more_specific(doc: AnalyzedArticle, tree: ParsedSentence, start: int,
                  stop: int) -> tuple[int, int]:
    """A span that is one place's name, and little else, made the phrase of its sentence that
    nests that place under a smaller one: «Украины» -> «в городе Новгород-Северский
    Черниговской области Украины» when the sentence says both. Unchanged otherwise."""
    start, stop = _without_clause(tree, start, stop)
    places = entities_over(doc, start, stop, "LOC")
    if len(places) != 1:
        return start, stop
    place = places[0]
    text = doc.article.text
    rest = [w for w in tree.words if start <= w.start and w.stop <= stop
            and not (place.start <= w.start < place.stop) and w.pos not in {"ADP", "PUNCT"}]
    if len(rest) > 1:
        return start, stop
    lo, hi = tree.sentence.start, tree.sentence.stop
    for other in doc.entities:
        if (other.type != "LOC" or other is place or not lo <= other.start < hi
                or _stem(other) != _stem(place)):
            continue
        a, b = span_shape.place_phrase(tree, other.start, other.stop)
        if a < other.start and len(text[a:b].split()) > len(text[start:stop].split()) + 1:
            return a, b
    return start, stop


# nouns that say where someone comes from: «иммигрант из Узбекистана», «уроженец Калининграда»
ORIGIN_NOUNS = frozenset({
    "уроженец", "уроженка", "выходец", "выходка", "гражданин", "гражданка", "подданный",
    "иммигрант", "иммигрантка", "эмигрант", "эмигрантка", "мигрант", "мигрантка", "беженец",
    "беженка", "житель", "жительница", "родом", "приезжий", "переселенец"})
# a question asking where someone is from has no other noun or verb than these
_ORIGIN_QUESTION_WORDS = frozenset({
    "вообще", "родом", "род", "родиться", "происходить", "приехать", "прибыть", "взяться",
    "сам", "такой", "вообщем", "изначально", "по", "национальность", "быть", "являться"})
_ORIGIN_CUE = re.compile(
    r"уроженц|уроженк|выход[еа]ц|гражданин|гражданк|подданн|мигрант|беженц|беженк|жител|"
    r"родом|переселен|\bиз[о]?\s+[A-ZА-ЯЁ]", re.IGNORECASE)


def asks_origin(parsed: Question) -> bool:
    """«он откуда вообще», «откуда родом Саипов», «кто он по национальности»: where a person
    comes from; «откуда начали шествие», «откуда прилетел самолёт» ask about an event."""
    lowered = parsed.text.lower()
    if "национальност" in lowered:
        return True
    if parsed.wh != "откуда":
        return False
    if "родом" in lowered:
        return True
    return not any(w.pos in {"NOUN", "VERB"} and w.lemma not in _ORIGIN_QUESTION_WORDS
                   for i, w in enumerate(parsed.words) if i != parsed.wh_index)


def _in_person(doc: AnalyzedArticle, word: Word) -> bool:
    return any(e.type == "PER" and e.start <= word.start < e.stop for e in doc.entities)


def _is_place(doc: AnalyzedArticle, word: Word) -> bool:
    return any(e.type == "LOC" and e.start <= word.start < e.stop for e in doc.entities)


def origin_spans(doc: AnalyzedArticle, tree: ParsedSentence) -> list[tuple[int, int]]:
    """Where the sentence says someone comes from: «из Узбекистана» hanging from «иммигрант»,
    from a person's name or from «родом»; «Калининграда» in «Уроженец Калининграда»."""
    words, spans = tree.words, []
    for i, word in enumerate(words):
        head = word.head
        if head < 0 or word.rel not in {"nmod", "obl"} or not _is_place(doc, word):
            continue
        governor = words[head]
        prepositions = [c for c in tree.children[i] if words[c].rel == "case"]
        by = words[prepositions[0]].text.lower() if prepositions else ""
        owner = governor.lemma in ORIGIN_NOUNS or governor.text.lower() == "родом"
        if by in {"из", "изо"} and (owner or _in_person(doc, governor)):
            first = prepositions[0]
        elif not by and word.rel == "nmod" and owner and governor.lemma != "родом":
            first = i  # «уроженец Калининграда»: the place, in the genitive
        else:
            continue
        last = max(tree.descendants(i, span_shape.CLAUSE_RELATIONS))
        spans.append((words[first].start, words[last].stop))
    return spans


def origins(doc: AnalyzedArticle, ranked: list[tuple[int, float]],
            toolkit: NlpToolkit) -> dict[int, list[tuple[int, int]]]:
    """The origin phrases (`origin_spans`) of the ranked sentences that have any."""
    near = [i for i, _ in ranked if _ORIGIN_CUE.search(doc.sentences[i].text)]
    trees = parse_sentences(doc, near, toolkit)
    found = {i: origin_spans(doc, trees[i]) for i in near}
    return {i: spans for i, spans in found.items() if spans}


def origin_answer(doc: AnalyzedArticle, question: str, ranked: list[tuple[int, float]],
                  reader, toolkit: NlpToolkit, engine: str) -> Answer | None:
    """The answer to a question asking where someone is from (`asks_origin`): the reader reads
    only the sentences that say where someone comes from, only spans touching such a phrase
    win, even where it doubts them (a phrase such as «иммигрант из Узбекистана» is the
    evidence), and the answer is that phrase. None when no sentence says it."""
    found = origins(doc, ranked, toolkit)
    candidates = [(i, score) for i, score in ranked if i in found]
    if not candidates:
        return None

    touches = touching(doc, found)
    answer = reader.answer(doc, question, candidates, engine=engine, accept=touches)
    if not answer.found:  # «он откуда вообще» is too vague for the reader; the text says it
        answer = reader.answer(doc, question, candidates, engine=engine, accept=touches,
                               null_threshold=float("-inf"))
    sentence = doc.sentence_at(answer.start) if answer.found else None
    if sentence is None:
        return None
    start, stop = most_overlapping(found[sentence.index], answer.start, answer.stop)
    return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop)


# prepositions that put something in a place («в Сочи», «у въезда», «на стадионе»)
_AT = frozenset({"в", "во", "на", "у", "под", "над", "возле", "около", "близ", "вблизи", "при",
                 "недалеко", "рядом", "неподалёку", "неподалеку", "посреди", "среди", "между",
                 "вдоль", "вокруг", "внутри", "за", "перед", "из", "изо"})
_NOT_PLACES = TIME_NOUNS | MONTH_LEMMAS | frozenset({
    "ночь", "утро", "вечер", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота",
    "воскресенье", "начало", "конец", "середина", "время", "ход", "рамка", "связь", "результат",
    "случай", "отношение", "сфера", "качество", "итог", "течение", "целое"})


def is_place(doc: AnalyzedArticle, tree: ParsedSentence, start: int, stop: int) -> bool:
    """Whether text[start:stop], made a place phrase, says where: a noun phrase with a
    preposition of place («в транзитной зоне …», «у въезда на базу», «Украины» in «на территории
    Украины»), not a date («в пятницу»), a bare name («Власти Эквадора», «возглавить ФБР») nor a
    clause. Only the phrase's top words count: «Китай по приглашению … в России» is no place."""
    start, stop = span_shape.place_phrase(tree, start, stop)
    words = tree.words
    inside = [i for i, w in enumerate(words) if start <= w.start and w.stop <= stop]
    if not inside or any(words[i].pos in {"VERB", "AUX"} for i in inside):
        return False
    if inside[0] > 0 and words[inside[0] - 1].text.lower() in _AT:
        return True  # «в Ogród Saski»: a preposition of place right before it
    for i in inside:
        if words[i].head in inside or words[i].pos == "PUNCT":
            continue
        for j in _noun_chain(tree, i):
            if words[j].lemma in _NOT_PLACES and not _is_place(doc, words[j]):
                break
            if any(words[c].rel == "case" and words[c].text.lower() in _AT
                   for c in tree.children[j]):
                return True
    return False


def _noun_chain(tree: ParsedSentence, i: int, most: int = 4) -> list[int]:
    """Noun i and the nouns it modifies, up the tree («Украины» -> «территории»)."""
    words, chain = tree.words, []
    while i >= 0 and words[i].pos in {"NOUN", "PROPN"} and len(chain) < most:
        chain.append(i)
        if words[i].rel not in {"nmod", "appos", "flat", "flat:name"}:
            break
        i = words[i].head
    return chain


def _owned_place(doc: AnalyzedArticle, toolkit: NlpToolkit, answer: Answer) -> bool:
    """Whether the answer is a place's name that only says whose something is: «Эквадора» in
    «Власти Эквадора заявили», a genitive hanging from a noun that is no place. A bare name
    in any other role («побывал Китай», «Парижского университета») may answer где."""
    sentence = doc.sentence_at(answer.start)
    if sentence is None:
        return False
    tree = parse_sentences(doc, [sentence.index], toolkit)[sentence.index]
    words = tree.words
    inside = [i for i, w in enumerate(words) if answer.start <= w.start and w.stop <= answer.stop]
    tops = [i for i in inside if words[i].head not in inside and words[i].pos != "PUNCT"]
    if len(tops) != 1 or not _is_place(doc, words[tops[0]]) or words[tops[0]].rel != "nmod":
        return False
    owner = words[tops[0]].head
    return (owner >= 0 and words[owner].pos == "NOUN" and not span_shape._place_head(words[owner])
            and not _noun_chain(tree, owner)[1:])


def placed_answer(doc: AnalyzedArticle, question: str, ranked: list[tuple[int, float]],
                  reader, toolkit: NlpToolkit, engine: str, answer: Answer) -> Answer:
    """A где-answer that says where (`is_place`): the reader's `answer` when it does, else its
    best span that does in the sentences it reads («в транзитной зоне аэропорта Шереметьево»,
    not «Эквадора» read in «Власти Эквадора заявили»), else `answer` as it was."""
    def placed(start: int, stop: int) -> bool:
        sentence = doc.sentence_at(start)
        if sentence is None:
            return False
        tree = parse_sentences(doc, [sentence.index], toolkit)[sentence.index]
        return is_place(doc, tree, start, stop)

    if not answer.found or not _owned_place(doc, toolkit, answer) or placed(answer.start,
                                                                           answer.stop):
        return answer
    again = reader.answer(doc, question, ranked, engine=engine, accept=placed,
                          null_threshold=float("-inf"))  # the question was found answered
    return again if again.found else answer


# «где он работает» asks for a workplace: an organisation («компании Verizon Communications»)
WORK_VERBS = frozenset({"работать", "служить", "учиться", "трудиться", "преподавать",
                        "числиться", "стажироваться"})


def _mentions(doc: AnalyzedArticle, i: int, surname: str) -> bool:
    """Whether sentence i names the person of `surname` in any word of a name («Майкл Мэйсон
    (Michael Mason)» is Мэйсон's)."""
    from models.qa.antecedent import same_name

    lo, hi = doc.sentences[i].start, doc.sentences[i].stop
    return any(same_name(word.lower(), surname)
               for e in doc.entities if e.type == "PER" and lo <= e.start < hi
               for word in re.findall(r"\w+", e.text) if word[:1].isupper())


_NOW_ASKED = re.compile(r"\b(?:сейчас|щас|теперь|ныне|нынче|сегодня)\b", re.IGNORECASE)
_NOW_SAID = re.compile(r"\b(?:нынешн\w*|сейчас|теперь|ныне|в настоящее время|работает|служит|"
                       r"учится|трудится)\b", re.IGNORECASE)


def asks_workplace(parsed: Question) -> bool:
    """«где он сейчас работает», «где она учится»: a place of work or study."""
    return parsed.wh == "где" and any(w.lemma in WORK_VERBS for w in parsed.words)


def workplace_answer(doc: AnalyzedArticle, question: str, ranked: list[tuple[int, float]],
                     reader, engine: str, whose: str, parse) -> Answer | None:
    """The answer to `asks_workplace`: an organisation the text names in a sentence about the
    person `whose` (the pronoun's antecedent, models/qa/antecedent.py; None when ""),
    with the noun that titles it («компании Verizon Communications»). None when there is none.
    `parse` is pymorphy's."""
    from models.qa.answer_shape import with_title

    candidates = [(i, score) for i, score in ranked
                  if entities_over(doc, doc.sentences[i].start, doc.sentences[i].stop, "ORG")
                  and _mentions(doc, i, whose)]
    if not whose or not candidates:  # «где больше всего работает детей»: no one person
        return None
    now = None
    if _NOW_ASKED.search(question):  # «где он сейчас работает»: where the text says he is now
        nows = {i: m.start() + doc.sentences[i].start for i, _ in candidates
                for m in [_NOW_SAID.search(doc.sentences[i].text)] if m}
        if nows:
            candidates, now = [(i, s) for i, s in candidates if i in nows], nows

    def at_body(start: int, stop: int) -> bool:
        bodies = entities_over(doc, start, stop, "ORG")
        if now is None or not bodies:
            return bool(bodies)
        sentence = doc.sentence_at(start)  # the body the «нынешний …» phrase names
        return sentence is not None and 0 <= bodies[0].start - now[sentence.index] <= 80

    answer = reader.answer(doc, question, candidates, engine=engine, accept=at_body,
                           null_threshold=float("-inf"))
    if not answer.found:
        return None
    body = entities_over(doc, answer.start, answer.stop, "ORG")[-1]
    start = with_title(doc, body.start, body.stop, parse)
    return replace(answer, text=doc.article.text[start:body.stop], start=start, stop=body.stop)
