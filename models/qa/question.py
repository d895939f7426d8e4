"""What a question asks for: its content lemmas and the type of answer it expects.

The question word decides the kind of span worth returning (кто: a person or body, когда: a
date, сколько: a number with its unit, почему: a reason clause...); "какой/каков" borrow the
type from the noun they modify ("в каком году" is a date, "какова численность" a number).
The question is parsed once with the same natasha models as the article, so its lemmas match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from models.core.errors import EmptyQuestion
from models.text.toolkit import NlpToolkit

_WORDS = re.compile(r"\w", re.UNICODE)
_REASON_PHRASE = re.compile(
    r"(?:^|\s)(?:за\s+что|из-за\s+чего|с\s+чего"
    # «от чего она умерла» asks a cause; «от чего зависит» does not
    r"|от\s+чего(?=.*\b(?:умер|скончал|погиб|пострада|заболе|болел|лечил|страда)))(?:\s|$|[?!.,])")


class Expect(StrEnum):
    """The kind of span an answer should be."""

    PERSON = "person"  # кто, чей, кем: a person, an organisation, a group of people
    PLACE = "place"  # где, куда, откуда
    TIME = "time"  # когда, в каком году
    NUMBER = "number"  # сколько, какова численность
    REASON = "reason"  # почему, зачем
    NAME = "name"  # как называется, как зовут
    QUALITY = "quality"  # какой/каков with no telling noun: an adjective or a noun phrase
    MANNER = "manner"  # как (how): a clause or adverbial
    THING = "thing"  # что, чем and the rest: a noun phrase


PERSON_WORDS = {"кто", "чей"}
PLACE_WORDS = {"где", "куда", "откуда"}
TIME_WORDS = {"когда"}
NUMBER_WORDS = {"сколько", "насколько"}
REASON_WORDS = {"почему", "зачем", "отчего"}
WHICH_WORDS = {"какой", "каков", "который"}
QUESTION_WORDS = (PERSON_WORDS | PLACE_WORDS | TIME_WORDS | NUMBER_WORDS | REASON_WORDS
                  | WHICH_WORDS | {"что", "как", "ли", "каковой"})

TIME_NOUNS = {"год", "век", "месяц", "день", "дата", "число", "время", "период", "эпоха",
              "десятилетие", "столетие", "момент", "тысячелетие", "неделя", "час",
              "сезон", "эра"}
NUMBER_NOUNS = {"количество", "число", "численность", "процент", "доля", "стоимость", "сумма",
                "объём", "объем", "площадь", "длина", "высота", "ширина", "глубина", "размер",
                "скорость", "температура", "население", "вес", "масса", "расстояние", "цена",
                "возраст", "рост", "уровень", "показатель", "бюджет", "мощность", "тираж",
                "продолжительность", "частота", "зарплата", "доход", "прибыль", "оборот",
                "срок"}  # «какой срок ему дали»: years, not a date
PLACE_NOUNS = {"место", "город", "страна", "регион", "район", "область", "континент",
               "река", "остров", "территория", "штат", "государство", "местность", "улица",
               "провинция", "столица", "часть", "океан", "море", "деревня"}
PERSON_NOUNS = {"человек", "люди", "учёный", "ученый", "архитектор", "исследователь",
                "президент", "король", "император", "лидер", "автор", "композитор",
                "писатель", "философ", "физик", "химик", "математик", "инженер", "изобретатель",
                "правитель", "руководитель", "министр", "премьер-министр", "генерал",
                "художник", "актёр", "актер", "игрок", "тренер", "команда", "организация",
                "компания", "группа", "политик", "династия", "племя", "народ", "хан",
                "полководец", "монарх", "епископ", "папа", "священник", "деятель"}

# "какой тип X", "X какого вида": the kind noun only says a sort of X is asked for
KIND_NOUNS = {"тип", "вид", "род", "сорт", "разновидность", "категория", "класс"}

# Lemmas that carry no content for matching a sentence to the question.
STOP_LEMMAS = QUESTION_WORDS | {
    "быть", "являться", "это", "этот", "тот", "такой", "свой", "весь", "мочь", "иметь",
    "называть", "называться", "звать", "делать", "сделать", "самый", "очень", "также",
    "ещё", "еще", "именно", "основный", "основной", "главный", "обычно", "один", "себя",
    "он", "она", "они", "оно", "его", "её", "их", "который", "кроме", "какой-либо",
}
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV", "X", "AUX"}


@dataclass(frozen=True, slots=True)
class QWord:
    """A token of the question: surface form, lemma, UD tag, morphological features and its
    place in the question's dependency tree (`head` indexes `Question.words`, -1 = root)."""

    text: str
    lemma: str
    pos: str
    feats: dict[str, str]
    head: int = -1
    rel: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    """A parsed question: its words, the answer type it expects and its content lemmas."""

    text: str
    words: tuple[QWord, ...]
    expect: Expect
    wh: str  # lemma of the question word ("" when there is none)
    wh_index: int  # its place in `words`, -1 when there is none
    focus: str  # the noun "какой" modifies, or the noun of "какое количество"
    content: frozenset[str]  # lemmas that must be found near the answer

    @property
    def wh_case(self) -> str:
        """Grammatical case of the question word (Nom, Acc, Dat...), "" if unknown."""
        if self.wh_index < 0:
            return ""
        return self.words[self.wh_index].feats.get("Case", "")


def parse_question(question: str, toolkit: NlpToolkit) -> Question:
    """Tag and lemmatise `question`; raises EmptyQuestion when it has no word at all."""
    text = (question or "").strip()
    if not _WORDS.search(text):
        raise EmptyQuestion("The question is empty.")
    doc = toolkit.tag(text)
    doc.parse_syntax(toolkit.syntax_parser)
    ids = {token.id: n for n, token in enumerate(doc.tokens)}
    words = tuple(
        QWord(token.text, (token.lemma or token.text).lower(), token.pos or "X",
              dict(token.feats or {}), _head(ids, token, n), token.rel or "")
        for n, token in enumerate(doc.tokens)
    )
    return _type_question(text, words)


def _head(ids: dict[str, int], token, n: int) -> int:
    head = ids.get(token.head_id, -1)
    return -1 if head == n else head


def _kind_of(words: tuple[QWord, ...], wh_index: int) -> str:
    """The noun a "какой тип/вид" question is really about: "какой вид нагревательного элемента"
    -> элемент, "городом какого типа" -> город; the answer is a modifier of that noun."""
    kind = words[wh_index].head
    if kind < 0 or words[kind].lemma not in KIND_NOUNS:
        return ""
    of = next((w.lemma for w in words if w.head == kind and w.rel == "nmod"
               and w.pos == "NOUN"), "")
    if of:
        return of
    governor = words[kind].head
    if words[kind].rel == "nmod" and governor >= 0 and words[governor].pos == "NOUN":
        return words[governor].lemma
    return ""


def _next_noun(words: tuple[QWord, ...], start: int) -> str:
    for word in words[start + 1:start + 4]:
        if word.pos in {"NOUN", "PROPN"}:
            return word.lemma
    return ""


def _type_question(text: str, words: tuple[QWord, ...]) -> Question:
    """Find the question word and map it, and the noun it governs, to an `Expect`."""
    wh, wh_index, focus, expect = "", -1, "", Expect.THING
    for i, word in enumerate(words):
        lemma = word.lemma
        if lemma in QUESTION_WORDS - {"ли", "который"} or lemma == "который" and i < 3:
            wh, wh_index = lemma, i
            break
    lower = text.lower()
    if wh in PERSON_WORDS:
        expect = Expect.PERSON
    elif wh in PLACE_WORDS:
        expect = Expect.PLACE
    elif wh in TIME_WORDS:
        expect = Expect.TIME
    elif wh in NUMBER_WORDS:
        expect = Expect.NUMBER
    elif wh in REASON_WORDS:
        expect = Expect.REASON
    elif wh in WHICH_WORDS or wh == "каковой":
        focus = _next_noun(words, wh_index)
        if not focus and wh in {"каков", "каковой"}:  # "Каков был их общий объём?"
            focus = next((w.lemma for w in words[wh_index + 1:] if w.pos == "NOUN"), "")
        if focus in KIND_NOUNS:
            focus = _kind_of(words, wh_index) or focus
        if focus in TIME_NOUNS:
            expect = Expect.TIME
        elif focus == "место" and any(w.lemma == "занимать" for w in words):
            expect = Expect.NUMBER  # "какое место занимает" asks for a rank (третье), not a place
        elif focus in NUMBER_NOUNS:
            expect = Expect.NUMBER
        elif focus in PLACE_NOUNS:
            expect = Expect.PLACE
        elif focus in PERSON_NOUNS:
            expect = Expect.PERSON
        else:
            expect = Expect.QUALITY
    elif wh == "как":
        if re.search(r"\bкак\s+(назыв|зовут|звал|именуют|прозвал)", lower):
            expect = Expect.NAME
        elif re.search(r"\bкак\s+(долго|давно)", lower):
            expect = Expect.TIME
        elif re.search(r"\bкак\s+(много|часто|далеко|высоко|глубоко)", lower):
            expect = Expect.NUMBER
        else:
            expect = Expect.MANNER
    elif wh == "что" and re.search(r"\bчто\s+(такое|означает|значит)", lower):
        expect = Expect.QUALITY
    if wh in {"что", "чего"} and _REASON_PHRASE.search(lower):
        expect = Expect.REASON  # «за что его уволили», «из-за чего», «от чего она умерла»
    content = frozenset(
        w.lemma for i, w in enumerate(words)
        if i != wh_index and w.pos in CONTENT_POS and w.lemma not in STOP_LEMMAS
    )
    return Question(text, words, expect, wh, wh_index, focus, content)


_NAME_VERBS = re.compile(r"\bкак\s+(?:зовут|звали|зовётся|зовется|по\s+имени)\b")


def asks_list(parsed: Question) -> bool:
    """«что подписали?», «какие организации участвовали?»: a что-question, or a какой-question
    in the plural, may be answered by a list; «какой фильм…» by one thing."""
    if parsed.expect == Expect.THING:
        return True
    if parsed.expect != Expect.QUALITY or parsed.wh_index < 0:
        return False
    word = parsed.words[parsed.wh_index]
    return word.feats.get("Number") == "Plur" or word.text.lower().startswith("каки")


def asks_name(parsed: Question) -> bool:
    """«как зовут его жену», «как звали смертника»: a person's name; «как называется
    процесс» may be any term."""
    return parsed.expect == Expect.NAME and bool(_NAME_VERBS.search(parsed.text.lower()))
