"""Reader training questions made from NEREL's relations: news rows in SberQuAD's shape.

SberQuAD is encyclopaedic and lowercase; the bot's users ask about news. NEREL (Russian Wikinews,
cased, with entities and the relations between them) says who works as what and where, where and
when an event took place, where an organisation is based. Each such fact becomes a question whose
answer is the annotated entity as written: «Кто президент Казахстана?» → «Касым-Жомарт Токаев».
Questions come from templates, so a relation is used only when its subject reads well in the
template (nominative, or put in the case the template needs by pymorphy, through natasha's
MorphVocab), and a verb agrees with
the subject's gender and number. The context is the paragraph holding both entities with its
neighbours, about as long as a SberQuAD paragraph. Texts are split by id into train and dev
(`is_dev`), so the dev questions come from articles the reader never saw.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from models.text.lexicon import PROPER_NAME_GRAMMEMES

CONTEXT_CHARS = 1_200  # about a SberQuAD paragraph and a half; the engine reads 256-token windows
PER_RELATION = 700  # at most this many questions of one relation, so WORKS_AS does not swamp
DEV_SHARE = 10  # one text in ten (by a hash of its id) gives dev questions

_VERB_FORMS = re.compile(r"\{([^{}|]+(?:\|[^{}|]+){3})\}")  # {masc|femn|neut|plur}
_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
_GENDERS = ("masc", "femn", "neut", "plur")
PLACES = frozenset({"CITY", "COUNTRY", "STATE_OR_PROVINCE", "LOCATION", "FACILITY", "DISTRICT"})


@dataclass(frozen=True)
class Template:
    """Questions about a relation's subject whose answer is its object. `reverse`: the
    subject is the relation's second argument. `case`: the case the subject takes in the
    question, as a UD case ("Nom": as written, only when it reads as nominative; "Dat", "Acc",
"Gen": inflected by MorphVocab)."""

    relation: str
    subject_types: frozenset[str]
    answer_types: frozenset[str]
    forms: tuple[str, ...]
    reverse: bool = False
    case: str = "Nom"


def _t(relation, subjects, answers, *forms, reverse=False, case="Nom") -> Template:
    return Template(relation, frozenset(subjects.split()), frozenset(answers.split()), forms,
                    reverse, case)


_PASSED = "{прошёл|прошла|прошло|прошли}"
_HAPPENED = "{произошёл|произошла|произошло|произошли}"
_EVENT_PLACES = " ".join(sorted(PLACES))
TEMPLATES: tuple[Template, ...] = (
    _t("WORKS_AS", "PERSON", "PROFESSION", "Кем работает {s}?",
       "{Кто такой|Кто такая|Кто такое|Кто такие} {s}?", "Какую должность занимает {s}?"),
    _t("WORKS_AS", "PROFESSION", "PERSON", "Кто {s}?", "Кто занимает должность «{s}»?",
       reverse=True),
    _t("WORKPLACE", "PERSON", "ORGANIZATION", "Где работает {s}?",
       "В какой организации работает {s}?"),
    _t("MEMBER_OF", "PERSON", "ORGANIZATION", "В какую организацию входит {s}?"),
    _t("HEADQUARTERED_IN", "ORGANIZATION", "CITY COUNTRY STATE_OR_PROVINCE",
       "Где находится {s}?", "Где базируется {s}?"),
    _t("LOCATED_IN", "CITY FACILITY STATE_OR_PROVINCE LOCATION DISTRICT",
       "CITY COUNTRY STATE_OR_PROVINCE", "Где находится {s}?"),
    _t("TAKES_PLACE_IN", "EVENT", _EVENT_PLACES, f"Где {_PASSED} {{s}}?",
       f"Где {_HAPPENED} {{s}}?"),
    _t("POINT_IN_TIME", "EVENT", "DATE", f"Когда {_PASSED} {{s}}?", f"Когда {_HAPPENED} {{s}}?"),
    _t("ORIGINS_FROM", "PERSON", "COUNTRY CITY", "Откуда {s}?",
       "Из какой страны {приехал|приехала|приехало|приехали} {s}?"),
    _t("ORIGINS_FROM", "PERSON", "NATIONALITY", "Кто по национальности {s}?"),
    _t("PLACE_OF_BIRTH", "PERSON", _EVENT_PLACES, "Где {родился|родилась|родилось|родились} {s}?"),
    _t("PLACE_OF_DEATH", "PERSON", _EVENT_PLACES, "Где {умер|умерла|умерло|умерли} {s}?"),
    _t("DATE_OF_BIRTH", "PERSON", "DATE", "Когда {родился|родилась|родилось|родились} {s}?"),
    _t("DATE_OF_DEATH", "PERSON", "DATE", "Когда {умер|умерла|умерло|умерли} {s}?"),
    _t("CAUSE_OF_DEATH", "PERSON", "DISEASE EVENT",
       "От чего {умер|умерла|умерло|умерли} {s}?"),
    _t("MEDICAL_CONDITION", "PERSON", "DISEASE", "Чем {болен|больна|больно|больны} {s}?"),
    _t("AWARDED_WITH", "PERSON", "AWARD",
       "Какую награду {получил|получила|получило|получили} {s}?"),
    _t("AGE_IS", "PERSON", "AGE", "Сколько лет {s}?", case="Dat"),
    _t("CONVICTED_OF", "PERSON", "CRIME", "В чём обвиняют {s}?", case="Acc"),
    _t("PENALIZED_AS", "PERSON", "PENALTY",
       "Какое наказание {получил|получила|получило|получили} {s}?"),
    _t("FOUNDED_BY", "ORGANIZATION", "PERSON", "Кто основал {s}?", case="Acc"),
    _t("SPOUSE", "PERSON", "PERSON", "{Кто жена|Кто муж|Кто супруг|Кто супруги} {s}?",
       case="Gen"),
)


def is_dev(text_id: str) -> bool:
    """Whether a NEREL text gives dev questions (a stable split by its id)."""
    return int(hashlib.sha1(text_id.encode()).hexdigest(), 16) % DEV_SHARE == 0


@dataclass
class _Phrase:
    text: str
    gender: str  # masc, femn, neut or plur: what a verb about it agrees with


_NAME_GRAMMEMES = ("Name", "Surn", "Patr")
_CLAUSE_POS = frozenset({"VERB", "INFN", "PRTS"})


def subject_phrase(text: str, case: str, morph: Any, person: bool = False) -> _Phrase | None:
    """`text` (an entity as written) in `case`, with its gender, or None where it cannot be
    had safely: the words up to the first noun (for a person, every part of the name) must
    read in the nominative, they are inflected when another case is wanted, the rest is kept;
    a clause («Ракета попала в автобус») is no subject."""
    words = list(_WORD.finditer(text))
    readings = [_reading(w.group(), morph, person) for w in words]
    if not words or any(r is None or r.tag.POS in _CLAUSE_POS for r in readings):
        return None
    pieces, last, gender, head_found, whole = [], 0, "masc", False, True
    for k, (match, reading) in enumerate(zip(words, readings)):
        tag = reading.tag
        if head_found and not (person and any(g in tag for g in _NAME_GRAMMEMES)):
            whole = False
            break  # a noun heads the phrase; the words after it depend on it
        if "nomn" not in tag and "Fixd" not in tag:
            return None
        form = match.group()
        if k == 0 and form[1:].islower() and not any(g in tag for g in PROPER_NAME_GRAMMEMES):
            form = form.lower()  # «Президент Казахстана» began a sentence: «Кто президент …?»
        if case != "Nom" and "Fixd" not in tag:
            inflected = reading.inflect({case}) if reading.is_known else None
            if inflected is None:  # a guessed name inflects wrongly («Мушаррафу»)
                return None
            form = _same_case_style(match.group(), inflected.word)
        pieces.append(text[last:match.start()] + form)
        last = match.end()
        if tag.POS == "NOUN" and not head_found:
            head_found = True
            gender = "plur" if tag.number == "plur" else (
                tag.gender if tag.gender in _GENDERS else "masc")
    if not head_found or (person and case != "Nom" and not whole):
        return None  # «Шейху Музафар Шукор»: half a name inflected
    pieces.append(text[last:])
    return _Phrase("".join(pieces).strip(), gender)


def _reading(word: str, morph: Any, person: bool):
    """The word's likeliest reading; for a person's name, its likeliest nominative name
    reading («Русаков» is a surname, not «русаков», hares')."""
    parses = morph.parse(word.lower())
    if not parses:
        return None
    if person:
        for parse in parses:
            if "nomn" in parse.tag and any(g in parse.tag for g in _NAME_GRAMMEMES):
                return parse
    best = parses[0]
    for parse in parses:  # «саммит» reads as accusative first: the same word, nominative too
        if ("nomn" in parse.tag and parse.normal_form == best.normal_form
                and parse.tag.POS == best.tag.POS):
            return parse
    return best


def _same_case_style(original: str, word: str) -> str:
    """`word` (pymorphy's lowercase form) written with `original`'s capitals."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
    return word


def _adjective(text: str, morph: Any) -> bool:
    words = _WORD.findall(text)
    if len(words) != 1:
        return False
    parses = morph.parse(words[0].lower())
    return bool(parses) and parses[0].tag.POS == "ADJF"


def _question(form: str, subject: _Phrase) -> str:
    index = _GENDERS.index(subject.gender)
    text = _VERB_FORMS.sub(lambda m: m.group(1).split("|")[index], form)
    return text.replace("{s}", subject.text)


def _context(text: str, first: int, last: int) -> tuple[int, int]:
    """The paragraphs holding [first, last) and their neighbours, up to CONTEXT_CHARS."""
    start = text.rfind("\n", 0, first) + 1
    stop = text.find("\n", last)
    stop = len(text) if stop < 0 else stop
    while True:
        grown = False
        before = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start > 0 else 0
        if start > 0 and stop - before <= CONTEXT_CHARS:
            start, grown = before, True
        after = text.find("\n", stop + 1)
        after = len(text) if after < 0 else after
        if stop < len(text) and after - start <= CONTEXT_CHARS:
            stop, grown = after, True
        if not grown:
            return start, stop


def questions_of(row: dict, morph: Any, rng: random.Random) -> list[dict]:
    """SberQuAD-shaped rows (id, context, question, answers) from one NEREL text."""
    text = row["text"]
    entities = {e["id"]: e for e in row["entities"] if len(e["spans"]) == 1}
    made, seen = [], set()
    for relation in row["relations"]:
        for template in TEMPLATES:
            if relation["type"] != template.relation:
                continue
            subject_id, answer_id = relation["arg1"], relation["arg2"]
            if template.reverse:
                subject_id, answer_id = answer_id, subject_id
            subject, answer = entities.get(subject_id), entities.get(answer_id)
            if (subject is None or answer is None or subject["type"] not in template.subject_types
                    or answer["type"] not in template.answer_types):
                continue
            (s_start, s_stop), (a_start, a_stop) = subject["spans"][0], answer["spans"][0]
            if a_start < s_stop and s_start < a_stop:
                continue  # nested («президент Казахстана» and «Казахстана»)
            if abs(a_start - s_start) > CONTEXT_CHARS // 2:
                continue  # too far apart to be read in one window
            if answer["type"] in PLACES and _adjective(answer["text"], morph):
                continue  # «российский» marked as a country answers no «где»
            phrase = subject_phrase(subject["text"], template.case, morph,
                                    person=subject["type"] == "PERSON")
            if phrase is None:
                continue
            question = _question(rng.choice(template.forms), phrase)
            c_start, c_stop = _context(text, min(a_start, s_start), max(a_stop, s_stop))
            key = (question, answer["text"])
            if key in seen:
                continue
            seen.add(key)
            made.append({"id": f"nerel-{row['id']}-{relation['id']}", "relation": relation["type"],
                         "context": text[c_start:c_stop], "question": question,
                         "answers": [{"text": text[a_start:a_stop],
                                      "answer_start": a_start - c_start}]})
    return made


def _texts(path: str, dev: bool) -> Iterator[dict]:
    """The NEREL rows of `path` on one side of the split: held out (`dev`) or trained on."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                if is_dev(str(row["id"])) == dev:
                    yield row


def make_rows(path: str, morph: Any, seed: int = 13, dev: bool = False) -> list[dict]:
    """Questions from the NEREL texts in `path` (train texts, or with `dev` the held-out
    ones), at most PER_RELATION of each relation, chosen with `seed`."""
    rng = random.Random(seed)
    by_relation: dict[str, list[dict]] = {}
    for row in _texts(path, dev):
        for made in questions_of(row, morph, rng):
            by_relation.setdefault(made["relation"], []).append(made)
    chosen = []
    for relation in sorted(by_relation):
        rows = by_relation[relation]
        limit = PER_RELATION if not dev else max(1, PER_RELATION // DEV_SHARE)
        chosen.extend(rng.sample(rows, limit) if len(rows) > limit else rows)
    rng.shuffle(chosen)
    return chosen


def whole_text_rows(path: str, morph: Any, seed: int = 13) -> list[dict]:
    """The held-out questions (`make_rows(dev=True)`) asked of their whole texts, as users ask
    about a whole article: news to measure retrieval and the reader's windows on, instead of
    ../shared/eval (which only measures). Answer offsets are into the whole text."""
    texts = {f"nerel-{row['id']}": row["text"] for row in _texts(path, dev=True)}
    whole = []
    for row in make_rows(path, morph, seed, dev=True):
        text = texts[row["id"].rsplit("-", 1)[0]]
        offset = text.find(row["context"])  # the context is a cut of the text
        answer = row["answers"][0]
        whole.append({**row, "context": text, "answers": [
            {"text": answer["text"], "answer_start": offset + answer["answer_start"]}]})
    return whole


# Relations a text either states about a person or leaves open; an event's place and time, where
# an organisation sits or what a person does are said in so many ways that an unannotated one is
# often there all the same, so those make no negatives.
UNANSWERED_RELATIONS = frozenset({
    "PLACE_OF_BIRTH", "PLACE_OF_DEATH", "DATE_OF_BIRTH", "DATE_OF_DEATH", "CAUSE_OF_DEATH",
    "MEDICAL_CONDITION", "AWARDED_WITH", "AGE_IS", "CONVICTED_OF", "PENALIZED_AS", "SPOUSE",
    "FOUNDED_BY", "ORIGINS_FROM"})


def _entity_key(text: str, person: bool) -> tuple[str, ...]:
    """Who an entity mention names, inflection aside: its words' first five letters (a
    person's surname only, so «Путин» and «Владимира Путина» are one man)."""
    words = [w.casefold()[:5] for w in _WORD.findall(text)] or [text.casefold()]
    return (words[-1],) if person else tuple(words)


def unanswered_questions_of(row: dict, morph: Any, rng: random.Random) -> list[dict]:
    """Template questions about entities `row` names, for relations it annotates for none of
    their mentions («Где родился X?» with no PLACE_OF_BIRTH of X): rows with no answers, the
    context the paragraphs around the entity. NEREL's annotators marked the relations its
    sentences state, so such a question is one the text leaves open."""
    text = row["text"]
    by_id = {e["id"]: e for e in row["entities"]}
    stated: set[tuple[tuple[str, ...], str]] = set()
    for relation in row["relations"]:
        for arg in ("arg1", "arg2"):
            if (entity := by_id.get(relation[arg])) is not None:
                stated.add((_entity_key(entity["text"], entity["type"] == "PERSON"),
                            relation["type"]))
    made, seen = [], set()
    for entity in row["entities"]:
        if len(entity["spans"]) != 1:
            continue
        key = _entity_key(entity["text"], entity["type"] == "PERSON")
        for template in TEMPLATES:
            if (template.reverse or template.relation not in UNANSWERED_RELATIONS
                    or entity["type"] not in template.subject_types
                    or (key, template.relation) in stated):
                continue
            phrase = subject_phrase(entity["text"], template.case, morph,
                                    person=entity["type"] == "PERSON")
            if phrase is None:
                continue
            question = _question(rng.choice(template.forms), phrase)
            if question in seen:
                continue
            seen.add(question)
            s_start, s_stop = entity["spans"][0]
            c_start, c_stop = _context(text, s_start, s_stop)
            made.append({"id": f"nerel-{row['id']}-{entity['id']}-none",
                         "relation": template.relation, "context": text[c_start:c_stop],
                         "question": question, "answers": []})
    return made


def unanswered_rows(path: str, morph: Any, seed: int = 13, per_relation: int = 120
                    ) -> list[dict]:
    """Unanswered questions (`unanswered_questions_of`) from the train texts of `path` (never
    the held-out ones), at most `per_relation` of each relation."""
    rng = random.Random(seed)
    by_relation: dict[str, list[dict]] = {}
    for row in _texts(path, dev=False):
        for made in unanswered_questions_of(row, morph, rng):
            by_relation.setdefault(made["relation"], []).append(made)
    chosen = []
    for relation in sorted(by_relation):
        rows = by_relation[relation]
        chosen.extend(rng.sample(rows, per_relation) if len(rows) > per_relation else rows)
    rng.shuffle(chosen)
    return chosen
