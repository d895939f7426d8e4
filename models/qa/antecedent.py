"""Who «он», «ей», «его» stand for in a question, and what that rules out of its answer.

Users ask about the article's person by pronoun: «кого он нашёл», «кто его убил», «скока ей
лет». The pronoun's person (its antecedent) is, in a chat, the person the previous answer
named (else its question); with nothing before, the article's main person, the one it
mentions most. That person fills one role of the question's verb, so a кто-question asking
another role of it is not answered by them («кого он нашёл» is not «Уоррен Баффет» when he is
«он»); and of several ages in the text, «скока ему лет» wants theirs («восьмидесятилетний
Юитиро Миура», not «81-летний … Шерхан» his rival). «кто он такой», «кто она», «кем он
стал» ask about the antecedent itself: no verb, or a copula with the pronoun its subject.

A question that names its person («скока лет юлии») is answered only by an age the text
gives that person; «как дочку зовут» only by a name the text gives his daughter, never his
own.

People are told apart by their surname, the last capitalised word of the name, compared by
its stem so that «У.Баффету» and «Уоррен Баффет», «Т.Вешлеру» and «Тед Вешлер» are one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from models.core.types import Answer, Turn
from models.qa.question import Question
from models.text.analysis import AnalyzedArticle, Entity

# third-person personal pronouns, as typed («ево», «ие» are respelled before they get here)
PRONOUNS = frozenset({"он", "она", "они", "его", "её", "ее", "их", "ему", "ей", "им", "него",
                      "неё", "нее", "них", "нему", "ней", "ним", "нём", "нем", "ними", "ею",
                      "нею", "ево"})
# verbs whose subject and complement are the same person: «кем он стал», «кем она работает»
COPULAS = frozenset({"быть", "являться", "стать", "становиться", "работать", "служить",
                     "называться", "зваться", "звать", "считаться", "оказаться", "остаться",
                     "оставаться"})
_NAME_WORD = re.compile(r"[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’-]+")
_ROMAN = re.compile(r"^[IVXLC]+$")


def surname(entity: Entity | str) -> str:
    """The surname of a person's mention, lower-case: its last capitalised word of two letters
    or more, a regnal number aside («Елизавета II» -> «елизавета»); "" when it has none."""
    words = _capitalised(entity if isinstance(entity, str) else entity.text)
    return words[-1] if words else ""


def _capitalised(text: str) -> list[str]:
    """The capitalised words of a name of two letters or more, lower-case, regnal numbers
    aside."""
    return [w.lower() for w in _NAME_WORD.findall(text)
            if w[:1].isupper() and not _ROMAN.match(w)]


INFLECTION = 3  # letters a case ending may add to a name («обама» -> «обамой»)


def same_name(a: str, b: str) -> bool:
    """Two surnames of one person: equal, or one an inflection of the other («баффету»,
    «баффет»; «миуры», «миура»): they differ only in their last letters, at most the few a
    case ending adds («термен» is not «терменвоксе»)."""
    if not a or not b:
        return False
    if a == b:
        return True
    shortest = min(len(a), len(b))
    if shortest < 4 or abs(len(a) - len(b)) > INFLECTION:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= shortest - 1


def people(doc: AnalyzedArticle) -> list[Entity]:
    return [e for e in doc.entities if e.type == "PER" and surname(e)]


def people_over(doc: AnalyzedArticle, start: int, stop: int) -> list[Entity]:
    """The article's people named in text[start:stop], in order."""
    return [e for e in people(doc) if e.start < stop and start < e.stop]


def main_person(doc: AnalyzedArticle) -> str:
    """The surname of the person the article mentions most (the first of equals); ""."""
    counts: dict[str, int] = {}
    for entity in people(doc):
        key = next((k for k in counts if same_name(k, surname(entity))), surname(entity))
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ""
    return max(counts, key=lambda k: counts[k])  # dicts keep order: the first of equals wins


def named_in(doc: AnalyzedArticle, text: str) -> str:
    """The surname of the first of the article's people that `text` names, else ""."""
    words = [w.lower() for w in _NAME_WORD.findall(text or "")]
    for entity in people(doc):
        if any(same_name(surname(entity), word) for word in words):
            return surname(entity)
    return ""


def _pronouns(parsed: Question) -> list[int]:
    return [i for i, w in enumerate(parsed.words)
            if w.text.lower() in PRONOUNS and w.pos == "PRON"
            or w.text.lower() == "ево"]


def antecedent(doc: AnalyzedArticle, parsed: Question, previous: Turn | None) -> str:
    """The surname of the person the question's third-person pronoun stands for: the person
    the previous answer names, else its question, else the article's main person; "" when the
    question has no such pronoun or names one of the article's people itself."""
    if not _pronouns(parsed):
        return ""
    if named_in(doc, " ".join(w.text for w in parsed.words if len(w.text) > 3)):
        return ""  # «скока лет баффету»: it says whom it means
    if previous is not None:
        for said in (previous.answer, previous.question):
            named = named_in(doc, said)
            if named:
                return named
    return main_person(doc)


def asks_other_than_antecedent(parsed: Question) -> bool:
    """Whether a кто-question asks another role of a verb its pronoun fills («кого он нашёл»,
    «кто его убил», «кто с ним ходил»), so that its antecedent cannot answer it; not «кто он
    (такой)», «кем он стал», «как его зовут»."""
    if parsed.wh != "кто":
        return False
    verbs = [w for w in parsed.words if w.pos == "VERB"]
    if not verbs:
        return False
    subject = any(parsed.words[i].feats.get("Case") == "Nom" for i in _pronouns(parsed))
    return not (subject and all(v.lemma in COPULAS for v in verbs)) and not all(
        v.lemma in {"звать", "зваться", "называться"} for v in verbs)


def names(doc: AnalyzedArticle, start: int, stop: int, name: str) -> bool:
    """Whether text[start:stop] names the person `name` (among others or alone)."""
    return any(same_name(surname(e), name) for e in people_over(doc, start, stop))


def describes(doc: AnalyzedArticle, start: int, stop: int, name: str) -> bool:
    """Whether text[start:stop] only says who the person `name` is: the title right before a
    mention, lower-case nouns and adjectives («американский миллиардер» of «… Уоррен
    Баффет»), or a lower-case phrase right after it and a comma («Уоррен Баффет,
    возглавляющий инвестиционный конгломерат …»)."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return False
    text = doc.article.text
    inside = [t for t in sentence.tokens if start < t.stop and t.start < stop]
    if not inside or not inside[0].text[:1].islower():
        return False
    following = next((e for e in people(doc) if e.start >= stop), None)
    if (following is not None and same_name(surname(following), name)
            and not text[stop:following.start].strip()
            and all(t.pos in {"NOUN", "ADJ"} and t.text[:1].islower() for t in inside)):
        return True
    before = [e for e in people(doc) if e.stop <= start]
    return (bool(before) and same_name(surname(before[-1]), name)
            and text[before[-1].stop:start].strip() == ",")


# what parts a name from an age stated later in its sentence: a quote, a dash, a colon
_CLAUSE_BREAK = re.compile(r"[—–«»\"“”„:;()]")
MAX_TITLE_WORDS = 4  # «81-летний гражданин Непала Мин Бахадур Шерхан»: words before the name


def age_holder(doc: AnalyzedArticle, start: int, stop: int) -> Entity | None:
    """The mention of the person an age in text[start:stop] is given for, None when unnamed:
    an adjective («36-летний Мамука Бахтадзе», «81-летний гражданин Непала Мин Бахадур
    Шерхан») is the age of the name its noun phrase ends in, and of no one named when that is
    a plain noun («71-летней соседки»); «51 год», «в возрасте 76 лет» are the age of the
    person named last before it in the sentence («Маккарти, которой сейчас 51 год»), unless a
    quote or a dash comes between (the age is then someone's words)."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return None
    mentioned = [e for e in people(doc) if sentence.start <= e.start and e.stop <= sentence.stop]
    if "летн" in doc.article.text[start:stop].lower():
        after: Sequence = [t for t in sentence.tokens if t.start >= stop][:MAX_TITLE_WORDS + 1]
        for token in after:
            entity = next((e for e in mentioned if e.start <= token.start < e.stop), None)
            if entity is not None:
                return entity
            if token.pos not in {"NOUN", "PROPN", "ADJ"}:
                return None
        return None
    before = [e for e in mentioned if e.stop <= start]
    if not before or _CLAUSE_BREAK.search(doc.article.text[before[-1].stop:start]):
        return None  # «…, — сказал Юитиро Миура. — Я не мог представить, что в возрасте 80 лет»
    return before[-1]


def age_owner(doc: AnalyzedArticle, start: int, stop: int) -> str:
    """The surname of the person an age in text[start:stop] is given for (`age_holder`), ""
    when unnamed."""
    holder = age_holder(doc, start, stop)
    return surname(holder) if holder is not None else ""


def name_words(entity: Entity) -> list[str]:
    """The capitalised words of a person's mention, lower-case: «Юлии Скрипаль» -> «юлии»,
    «скрипаль»."""
    return _capitalised(entity.text)


def asked_names(doc: AnalyzedArticle, parsed: Question) -> list[str]:
    """The question's words that name one of the article's people, by their first name or
    surname compared by stem («скока лет юлии» -> «юлии», of «Юлии Скрипаль»); [] for none."""
    known = {w for entity in people(doc) for w in name_words(entity)}
    return [word for word in (w.text.lower() for w in parsed.words)
            if len(word) > 3 and word not in PRONOUNS
            and any(same_name(word, name) for name in known)]


def age_of_asked(doc: AnalyzedArticle, start: int, stop: int, asked: Sequence[str]) -> bool:
    """Whether an age in text[start:stop] is given for the person the question names by the
    words `asked` (`asked_names`): «54-летний шпион ФСБ» beside «Юлии Скрипаль» is no age of
    hers, «14 лет» of Рэпп none of Спейси's."""
    holder = age_holder(doc, start, stop)
    return holder is not None and any(same_name(word, name) for word in asked
                                      for name in name_words(holder))


def age_of(doc: AnalyzedArticle, age: tuple[int, int] | None, name: str) -> bool:
    """Whether `age` (a span, None for none) is the age of the person `name`."""
    return age is not None and same_name(age_owner(doc, *age), name)


def refusing(doc: AnalyzedArticle, parsed: Question, previous: Turn | None, answer: Answer
             ) -> Callable[[int, int], bool] | None:
    """For a кто-question whose pronoun's person the reader gave as `answer` («кого он
    нашёл» -> «Уоррен Баффет», he being «он»): a test that refuses spans naming that person,
    to ask the reader again with; None when the question asks about that person or the answer
    is someone else."""
    if not answer.found or not asks_other_than_antecedent(parsed):
        return None
    name = antecedent(doc, parsed, previous)
    if not name or not names(doc, answer.start, answer.stop, name):
        return None
    return lambda start, stop: not (names(doc, start, stop, name)
                                    or describes(doc, start, stop, name))


def named_by_question(doc: AnalyzedArticle, parsed: Question, answer: Answer
                      ) -> Callable[[int, int], bool] | None:
    """For a кто-question whose answer is only people the question itself names («кого обама
    выдвигает» -> «Барак Обама»): a test that refuses spans naming them, to ask the reader
    again with. Whom the question names is what it asks about, never its answer; None when
    the answer names someone else."""
    if not answer.found:
        return None
    # a name that titles a thing («бульвар Кирни», «премия Нобеля») may be its answer
    asked = [w.text.lower().replace("ё", "е") for w in parsed.words if len(w.text) > 2
             and not (w.head >= 0 and parsed.words[w.head].pos == "NOUN")]

    def in_question(entity: Entity) -> bool:  # «обама», «обамы»
        name = surname(entity).replace("ё", "е")
        return any(same_name(name, word) for word in asked)

    named = people_over(doc, answer.start, answer.stop)
    if not named or not all(in_question(e) for e in named):
        return None
    own = [surname(e) for e in named]
    return lambda start, stop: not any(names(doc, start, stop, name) for name in own)


OTHER_WORDS = frozenset({"ещё", "еще"})


def someone_else(doc: AnalyzedArticle, parsed: Question, previous: Turn | None,
                 answer: Answer) -> Callable[[int, int], bool] | None:
    """For «кто ещё там погиб», «кого ещё могут снять»: a test for spans naming someone besides
    the people already spoken of (the article's main person, the previous answer's), to ask
    the reader again with; None when the question has no «ещё» or the answer names someone
    new. Nobody else found is «этого нет», not the main person again."""
    if not answer.found or not any(w.text.lower() in OTHER_WORDS for w in parsed.words):
        return None
    known = {main_person(doc), named_in(doc, previous.answer if previous else "")} - {""}

    def is_known(entity: Entity) -> bool:
        return any(same_name(surname(entity), name) for name in known)

    named = people_over(doc, answer.start, answer.stop)
    if not named or not all(is_known(e) for e in named):
        return None
    return lambda start, stop: not all(is_known(e) for e in people_over(doc, start, stop))


# nouns of a relation to someone: «как дочку зовут» asks the name of the main person's
# daughter, never his own; the words a text may use for one relation count as one
KIN = {"дочь": "дочь", "дочка": "дочь", "доченька": "дочь", "сын": "сын", "сынок": "сын",
       "жена": "жена", "супруга": "жена", "муж": "муж", "супруг": "муж", "мать": "мать",
       "мама": "мать", "отец": "отец", "папа": "отец", "брат": "брат", "сестра": "сестра",
       "ребёнок": "ребёнок", "ребенок": "ребёнок", "внук": "внук", "внучка": "внучка",
       "бабушка": "бабушка", "дедушка": "дедушка", "дед": "дедушка", "дядя": "дядя",
       "тётя": "тётя", "тетя": "тётя", "племянник": "племянник", "племянница": "племянница",
       "невеста": "невеста", "жених": "жених", "подруга": "подруга", "друг": "друг",
       "девушка": "девушка", "парень": "парень", "любовник": "любовник",
       "любовница": "любовница", "вдова": "вдова", "зять": "зять", "невестка": "невестка",
       "адвокат": "адвокат", "защитник": "адвокат", "представитель": "представитель",
       "пресс-секретарь": "пресс-секретарь", "помощник": "помощник", "агент": "агент",
       "тренер": "тренер", "секретарь": "секретарь", "заместитель": "заместитель",
       "преемник": "преемник", "наследник": "наследник", "коллега": "коллега"}
NAME_LEMMAS = frozenset({"звать", "зваться", "называться", "имя"})


def kin_asked(parsed: Question) -> str:
    """The relation whose name «как дочку зовут», «как зовут его жену», «имя адвоката» asks
    («дочь», «жена», «адвокат»), "" when the question asks no relative's name."""
    lemmas = [w.lemma for w in parsed.words]
    if not NAME_LEMMAS & set(lemmas) and "зовут" not in parsed.text.lower():
        return ""
    return next((KIN[lemma] for lemma in lemmas if lemma in KIN), "")


def kin_names(doc: AnalyzedArticle, kin: str, owner: str) -> list[Entity]:
    """The mentions the text gives as the name of a `kin` («дочь»): the last of the names
    after the noun («его дочь Юлия Скрипаль», «адвокат Гибсона Стивен Колодни»: Гибсона is
    whose), or a name with «, дочь …» after it («Юлия, дочь Сергея»). A mention of `owner`,
    the person the relation is to, is no relative's name unless said as one in the
    nominative («дочь Юлия Скрипаль» of Сергей Скрипаль, not «дочери Гибсона»)."""
    found: list[Entity] = []
    everyone = people(doc)
    for sentence in doc.sentences:
        tokens = list(sentence.tokens)
        mentioned = [e for e in everyone if sentence.start <= e.start and e.stop <= sentence.stop]
        for k, token in enumerate(tokens):
            if KIN.get(token.lemma) != kin:
                continue
            run: list[Entity] = []
            for following in tokens[k + 1:k + 2 + MAX_TITLE_WORDS]:
                entity = next((e for e in mentioned if e.start <= following.start < e.stop),
                              None)
                if entity is not None:
                    if entity not in run:
                        run.append(entity)
                elif run or following.pos not in {"NOUN", "ADJ", "PRON", "DET"}:
                    break  # «его дочь Юлия», «дочь актёра Люсия»; a verb or a comma ends it
            before = [e for e in mentioned if e.stop <= token.start]
            if before and doc.article.text[before[-1].stop:token.start].strip() in {",", "—"}:
                run.append(before[-1])
            found += [e for e in run[-1:] if not same_name(surname(e), owner)
                      or e.text == e.normal]
    return found


def kin_test(doc: AnalyzedArticle, parsed: Question, previous: Turn | None
             ) -> Callable[[int, int], bool] | None:
    """For a question asking a relative's name («как дочку зовут», «как зовут его жену»): a
    test that takes only spans naming someone the text calls that relative of the person
    asked about (named in the question, else the pronoun's, else the article's main person);
    where the text names none that way, any span but one naming that person (a relative is
    said in more ways than «дочь Юлия»: «Его отец, Милутин, был …»). Never the person's own
    name; None for other questions («как его зовут» asks the antecedent's own)."""
    kin = kin_asked(parsed)
    if not kin:
        return None
    owner = (named_in(doc, " ".join(w.text for w in parsed.words if len(w.text) > 3))
             or antecedent(doc, parsed, previous) or main_person(doc))
    names_given = kin_names(doc, kin, owner)
    if not names_given:  # said otherwise («Его отец, Милутин, был …»): anyone but him
        return lambda start, stop: not owner or not names(doc, start, stop, owner)
    return lambda start, stop: any(e.start < stop and start < e.stop for e in names_given)
