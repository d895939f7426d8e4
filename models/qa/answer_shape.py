"""What the answer to a kind of question must look like: a кто-question wants the name, not the
clause around it; a сколько-question a number.

The reader learnt two answer styles: SberQuAD's annotators kept prepositions and whole noun
phrases («с находящимся по его приглашению … премьер-министром Республики Казахстан Олжасом
Бектеновым»), NEREL's entities are just the name. Someone asking «С кем встретился Асадов?» in a
chat wants «Олжасом Бектеновым»; the quoted sentence carries the rest. So a long span answering a
person question is cut to the people natasha names inside it; shorter spans, and spans naming
nobody («боевики», «власти Бельгии»), are kept as the reader read them. A сколько answer with
no number in it («женщины» for «Сколько женщин нашли?») is no answer to it
(`models.qa.answer_types`), nor is a place to a кто-question: «Узбекистана» for «Кто президент
Казахстана?», read in «президентами Азербайджана, Казахстана и Узбекистана»
(`names_place_not_person`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from models.core.types import Answer
from models.qa.antecedent import people, people_over, same_name, surname
from models.qa.question import Expect, Question
from models.text.analysis import AnalyzedArticle, Entity

MAX_PERSON_WORDS = 4  # «президент Турции Реджеп Тайип Эрдоган» is 5: a longer span is a clause


def names_only(doc: AnalyzedArticle, answer: Answer, expect: Expect) -> Answer:
    """`answer` cut to the person names inside it when it answers a person question with more
    than MAX_PERSON_WORDS words; otherwise unchanged. Offsets stay in `doc.article.text`."""
    if expect != Expect.PERSON or not answer.found or len(answer.text.split()) <= MAX_PERSON_WORDS:
        return answer
    people = [e for e in doc.entities
              if e.type == "PER" and answer.start <= e.start and e.stop <= answer.stop]
    if not people:
        return answer
    start, stop = min(e.start for e in people), max(e.stop for e in people)
    return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop)


def entities_over(doc: AnalyzedArticle, start: int, stop: int, kind: str) -> list[Entity]:
    """The entities of type `kind` (PER, LOC, ORG) that overlap text[start:stop], in order."""
    return [e for e in doc.entities if e.type == kind and e.start < stop and start < e.stop]


def names_place_not_person(doc: AnalyzedArticle, start: int, stop: int) -> bool:
    """Whether text[start:stop] is a place's name and nothing more: the reader took a country in
    a list for the person a кто-question asks about. Organisations, plain nouns («боевики») and
    phrases around a place («шерифа округа Харрис», «гражданка Германии») answer кто too."""
    places = entities_over(doc, start, stop, "LOC")
    if not places or entities_over(doc, start, stop, "PER"):
        return False
    words = doc.article.text[start:stop]
    covered = "".join(doc.article.text[max(start, e.start):min(stop, e.stop)] for e in places)
    return sum(c.isalnum() for c in covered) >= sum(c.isalnum() for c in words)


# between listed names: «,», «и», «или», and a few words saying who the next one is («Денис
# Муквеге и иракская правозащитница Надия Мурад»)
_LIST_GLUE = re.compile(r"^\s*(?:,|и|или|,\s*а также)\s*(?:[а-яё-]+\s+){0,3}$")


def coordinated_people(doc: AnalyzedArticle, answer: Answer) -> list[Entity]:
    """The people listed together with the one `answer` names («президентов Ильхама Алиева и
    Касым-Жомарта Токаева»), the answer's own among them, in order; [] when the answer names
    no one person or the person stands alone. Only «,», «и», «или» between the names."""
    named = entities_over(doc, answer.start, answer.stop, "PER")
    if len(named) != 1:
        return []
    people = [e for e in doc.entities if e.type == "PER"]
    text = doc.article.text
    first = last = people.index(named[0])
    while first > 0 and _LIST_GLUE.match(text[people[first - 1].stop:people[first].start]):
        first -= 1
    while (last + 1 < len(people)
           and _LIST_GLUE.match(text[people[last].stop:people[last + 1].start])):
        last += 1
    return people[first:last + 1] if last > first else []


_GLUE = re.compile(r"^[\s,]*(?:и|или)?[\s,]*$")


def nominative(doc: AnalyzedArticle, start: int, stop: int) -> str:
    """text[start:stop] in the nominative when it is people's names and nothing more («Денису
    Муквеге» -> «Денис Муквеге», «Максима Поздоровкина и Майка Лернера» -> «Максим
    Поздоровкин и Майк Лернер»), from natasha's normal forms; "" when it is anything else
    (a phrase around a name is not inflected: that is not safe)."""
    text = doc.article.text
    names = [e for e in doc.entities if start <= e.start and e.stop <= stop and e.normal
             and e.type == "PER"]  # organisations' names in quotes do not inflect («Юнкера»)
    if not names:
        return ""
    pieces, at = [], start
    for entity in names:
        if not _GLUE.match(text[at:entity.start]):
            return ""
        pieces.append(text[at:entity.start])
        pieces.append(_with_yo(entity.normal, text[entity.start:entity.stop]))
        at = entity.stop
    if text[at:stop].strip(" .,;:»«\"()"):
        return ""
    form = "".join(pieces).strip()
    return "" if form == text[start:stop].strip() else form


def full_name(doc: AnalyzedArticle, start: int, stop: int) -> str:
    """The person's whole name in the nominative where text[start:stop] names them by one
    word («Григорян») and the article gives more of it elsewhere («Александр Григорян»): the
    reader who asks «кто сказал» wants to know who that is. "" otherwise."""
    text = doc.article.text
    own = people_over(doc, start, stop)
    if (len(own) != 1 or len(own[0].text.split()) != 1
            or text[start:stop].strip(" .,;:«»\"") != text[own[0].start:own[0].stop]):
        return ""
    name = surname(own[0])
    fuller = next((e for e in people(doc) if same_name(surname(e), name)
                   and len(e.text.split()) > 1 and e.normal), None)
    if fuller is None:
        return ""
    return _with_yo(fuller.normal, text[fuller.start:fuller.stop])


def _with_yo(normal: str, written: str) -> str:
    """`normal` (a name's nominative from natasha, which writes «е» for «ё») with the «ё» the
    article wrote: «Петр» of «Пётр» -> «Пётр», «Федор» of «Фёдору» -> «Фёдор»."""
    words = normal.split(" ")
    originals = written.split()
    for k, word in enumerate(words):
        for original in originals:
            plain = original.replace("ё", "е").replace("Ё", "Е")
            if "ё" in original.lower() and plain.lower().startswith(word.lower()):
                words[k] = "".join(
                    ("ё" if w.islower() else "Ё") if o in "ёЁ" and w in "еЕ" else w
                    for w, o in zip(word, original)) + word[len(original):]
                break
    return " ".join(words)


RELATIVE_WORDS = frozenset({"где", "куда", "откуда", "когда", "кто", "что", "который", "которая",
                            "которое", "которые", "как", "почему", "зачем", "чей", "чья"})
_UNKNOWN = re.compile(r"^(?:пока\s+)?(?:не\s+(?:сообщается|сообщили|уточняется|уточнили|называется"
                      r"|раскрывается|известн\w*)|неизвестн\w*)$", re.IGNORECASE)


def says_unknown(text: str) -> bool:
    """«О причинах его увольнения не сообщается»: the article says it does not answer; and a
    span that is only a relative word («где», «когда», «который») answers nothing."""
    bare = text.strip().lower()
    return bool(_UNKNOWN.match(bare)) or bare in RELATIVE_WORDS


MAX_NAME_WORDS = 6


def looks_like_name(text: str) -> bool:
    """A name is short and capitalised or quoted («Кармен», «Фрутвейл»); «грузовика с
    бомбами» is not."""
    words = text.split()
    return (0 < len(words) <= MAX_NAME_WORDS
            and (words[0][:1].isupper() or words[0][:1] in "«\"„“"))


_LEADING_GLUE = re.compile(r"^(?:[\s,;:—–-]|(?:а\s+также|а|и|но|или)\s)+", re.IGNORECASE)
_TRAILING_GLUE = re.compile(r"(?:[\s,;:—–-]|\s(?:а|и|но|или))+$", re.IGNORECASE)


def trimmed(text: str, start: int, stop: int) -> tuple[int, int]:
    """A span without the commas and conjunctions at its edges («, а также из обширных
    территорий» -> «из обширных территорий»)."""
    piece = text[start:stop]
    lead = _LEADING_GLUE.match(piece)
    if lead:
        start += lead.end()
        piece = text[start:stop]
    trail = _TRAILING_GLUE.search(piece)
    if trail:
        stop -= len(piece) - trail.start()
    return start, stop


def not_the_question(doc: AnalyzedArticle, parsed: Question, span: tuple[int, int],
                     widened: tuple[int, int]) -> tuple[int, int]:
    """`widened` unless it only adds the question's own words: «ранний» answers «какой этап …
    оказался самым плодотворным», «ранний этап» repeats the question."""
    sentence = doc.sentence_at(span[0])
    added = [t for t in (sentence.tokens if sentence else ())
             if (widened[0] <= t.start < span[0] or span[1] <= t.start < widened[1])
             and t.pos not in {"PUNCT", "CCONJ", "ADP"}]
    question = parsed.content | {parsed.focus}
    if added and all(t.lemma in question for t in added):
        return span
    return widened


def names_an_entity(doc: AnalyzedArticle, parsed: Question) -> bool:
    """Whether the question names one of the article's people or places («Кто президент
    Казахстана?»): a word whose first letters begin such an entity's word."""
    stems = {lemma[:4] for lemma in parsed.content if len(lemma) >= 4}
    return any(word.lower()[:4] in stems for entity in doc.entities
               if entity.type in {"PER", "LOC"}
               for word in (entity.normal or entity.text).split())


_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct"})


def touching(doc: AnalyzedArticle, spans: dict[int, list[tuple[int, int]]]
             ) -> Callable[[int, int], bool]:
    """A reader's `accept` test: a span wins only if it touches one of `spans` (sentence
    index -> character spans in it: the reasons, the origins a sentence states)."""
    def touches(start: int, stop: int) -> bool:
        sentence = doc.sentence_at(start)
        return sentence is not None and any(
            a < stop and start < b for a, b in spans.get(sentence.index, ()))

    return touches


def most_overlapping(spans: list[tuple[int, int]], start: int, stop: int) -> tuple[int, int]:
    """Of `spans`, the one sharing the most characters with [start, stop) (the first of
    equals): the stated phrase a reader's span was found in."""
    return max(spans, key=lambda s: (min(s[1], stop) - max(s[0], start), -s[0]))


def _cases(word: str, parse) -> set[str]:
    return {case for form in parse(word.lower()) for case in _CASES & set(form.tag.grammemes)}


def with_title(doc: AnalyzedArticle, start: int, stop: int, parse) -> int:
    """Where a name answering «чей…» starts once the noun that titles it is taken in: «королевы
    Виктории», not «Виктории»; the noun is lower-case, right before the name, in a case the name
    can be in. `parse` is pymorphy's."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return start
    before = [t for t in sentence.tokens if t.stop <= start]
    first = next((t for t in sentence.tokens if t.start >= start), None)
    if not before or first is None or stop <= first.start:
        return start
    title = before[-1]
    if (title.pos == "NOUN" and title.text[:1].islower()
            and _cases(title.text, parse) & _cases(first.text, parse)):
        return title.start
    return start
