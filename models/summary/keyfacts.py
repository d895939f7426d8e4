"""The key names and figures of an article, for the "key facts" line under a summary.

Names are slovnet entities merged by surname ("Али Асадов", "А.Асадов" and "Асадова" are one
person), ranked by how often and how early they occur; natasha's `NamesExtractor` splits a span
that holds two people («Сергей Лебедев Путин»), and words pymorphy knows are not names (a
region, «израильтянка», a patronymic) are left out. Figures come from the most important
sentences: dates and sums of money whole, as natasha's `DatesExtractor` and `MoneyExtractor`
find them («12 марта 2014», «125 млн евро»), other numbers with the word that says what they
count, in the nominative («160 миллионов», not «160 миллионах»); law references («ч. 2 ст. 229.1
УК») are not figures.

What a reader of the key facts must not meet (#28): a bare number that counts nothing («73 · 68»;
a share «38–56%» or a time «15:30» counts itself), an id or phone («260602»), a reference
(«№ 5», «п. 4.2.1»), a unit after a scale in the wrong form («500 тыс. юаней», not «юаня»), a
name the normaliser made up (a word the article never writes, pymorphy does not know as a
nominative, no shorter than the written one: «Фани Бинбин» is shown «Фань Бинбин»), a thing
slovnet took for a person in its case («Биткоином» is shown «Биткоин»), one place under two
names («Россия · РФ», «Китай · КНР»: one entry, its usual name).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from models.text.analysis import AnalyzedArticle, Entity, Sentence
from models.text.lexicon import MONTH_LEMMAS

_INITIALS = re.compile(r"^(?:[А-ЯЁA-Z]\.\s*)+")
_NUMBER = re.compile(
    r"(?<![\w.,:\-–])(?:"
    r"\d{1,2}:\d{2}(?:[–-]\d{1,2}:\d{2})?"  # a time of day stays whole: «15:30», not «15 · 30»
    r"|\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?(?:[–-]\d+(?:[.,]\d+)?)?"
    r"(?:[ \u00a0]*(?:%|‰|(?:млн|млрд|трлн|тыс)\.?))?"
    r")(?![\w\-–:])"
)
_UNIT_POS = {"NOUN", "PROPN"}
# Case endings of Russian surnames, so "Бектеновым" and "Бектенов" group together.
_SURNAME_ENDING = re.compile(r"(?:ыми|ими|ого|его|ому|ему|ой|ей|ым|им|ом|ем|ую|ая|а|у|е|ы|и)$")
MAX_NAMES = 6
MAX_NUMBERS = 5
# «ч. 2 ст. 229.1 УК РФ»: numbers of a law's parts and articles are references, not figures.
_LAW_BEFORE = re.compile(r"(?:^|[\s(])(?:ст|ч|п|пп|статьи|статья|статьей|части|пункта)\.?\s*$",
                         re.IGNORECASE)
_LAW_AFTER = re.compile(r"^\s*(?:ст\b|УК\b|КоАП\b|ГК\b|НК\b|ТК\b|УПК\b|ГПК\b|АПК\b)")
_YEAR_WORD = re.compile(r"(?<=\d)\s*(?:года|году|годом|год|г\.?)$")
_SCALES = ((10**12, "трлн"), (10**9, "млрд"), (10**6, "млн"), (10**3, "тыс."))
_CURRENCIES = {"RUB": "рубль", "USD": "доллар", "EUR": "евро"}
_DATE_WORDS = MONTH_LEMMAS | {"год"}
_MONEY_WORDS = frozenset({"рубль", "доллар", "евро", "руб"})
_MONEY_SIGNS = re.compile(r"[$€₽]|\b(?:USD|EUR|RUB)\b")
# A number that names rather than counts: «№ 5», «номер 260602», «раздел 4».
_NAMING_BEFORE = re.compile(r"(?:№|\bN|\bномер\w*|\bраздел\w*|\bглав\w*|\bпункт\w*|\bчаст\w*)"
                            r"\.?\s*$", re.IGNORECASE)
_ID_LIKE = re.compile(r"^\d{6,}$")  # «260602»: an id, a postcode or a phone number
_COUNTS_ITSELF = re.compile(r"%|‰|^\d{1,2}:\d{2}")  # a share or a time needs no noun
_SCALE = re.compile(r"(?:млн|млрд|трлн|тыс)\.?$")
# One place, several names: the key facts show it once («Россия», not «Россия · РФ»).
_ALIASES = {
    "рф": "россия", "российская федерация": "россия", "кнр": "китай",
    "китайская народная республика": "китай", "соединённые штаты": "сша",
    "соединенные штаты": "сша", "соединённые штаты америки": "сша",
    "соединенные штаты америки": "сша", "великобритания": "великобритания",
    "соединённое королевство": "великобритания", "оаэ": "объединённые арабские эмираты",
}
_PLACE_TYPES = frozenset({"LOC", "ORG"})


def _entity_key(entity: Entity) -> str:
    """People by surname (initials and first names dropped), places and organisations by
    normal form, one name for a place that has several («РФ» is «Россия»)."""
    normal = _INITIALS.sub("", entity.normal).strip()
    if entity.type == "PER":
        surname = normal.split()[-1].casefold() if normal else ""
        return "PER:" + (_SURNAME_ENDING.sub("", surname) if len(surname) > 4 else surname)
    folded = normal.casefold()
    if folded in _ALIASES or folded in _ALIASES.values():
        return "PLACE:" + _ALIASES.get(folded, folded).replace("ё", "е")
    return f"{entity.type}:{folded}"


def _as_written(entity: Entity, words: frozenset[str], morph: Any) -> Entity:
    """The mention with a normal form that is not made up: natasha's normaliser sometimes
    invents one for a foreign name («Фань Бинбин» -> «Фани Бинбин», «Муквеге» -> «Муквегег»).
    A word of the normal form that the article never writes, pymorphy does not know, and that
    is no shorter than the written word (a nominative is shorter than the oblique case it came
    from: «Бектеновым» -> «Бектенов») is shown as written."""
    normal, surface = entity.normal.split(), entity.text.split()
    if len(normal) != len(surface) or morph is None:
        return entity
    fixed = [n if (n.casefold() in words or len(n) < len(w) or _known_nominative(n, morph))
             else w for n, w in zip(normal, surface)]
    return entity if fixed == normal else replace(entity, normal=" ".join(fixed))


def _known_nominative(word: str, morph: Any) -> bool:
    """pymorphy knows the word as a nominative singular («Мария», «Павел»; not «Фани», a
    genitive of «Фаня»)."""
    return any(p.is_known and {"nomn", "sing"} <= set(str(p.tag).replace(" ", ",").split(","))
               for p in morph.parse(word))


def key_names(doc: AnalyzedArticle, limit: int = MAX_NAMES) -> tuple[str, ...]:
    """Named entities, most mentioned (then earliest) first; the longest form of each is shown."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    people: dict[str, list[str]] = {}  # a person is mentioned alike many times: read once
    morph = doc.toolkit.morph_vocab if doc.toolkit is not None else None
    words = frozenset(w.casefold() for w in re.findall(r"[^\W\d_][\w\-]*", doc.article.text))
    text = doc.article.text
    for mention in doc.entities:
        mention = _without_brackets(mention)
        if mention is None:
            continue
        mention = _as_written(mention, words, morph)
        if mention.type == "PER" and doc.toolkit is not None:
            if mention.normal not in people:
                people[mention.normal] = _people_in(mention.normal, doc.toolkit)
            found = [replace(mention, normal=name) for name in people[mention.normal]]
        else:
            found = [mention]
        for entity in found:
            groups[_entity_key(entity)].append(entity)
    _merge_first_names(groups)
    _merge_prefixes(groups)
    ranked = sorted(groups.values(), key=lambda g: (-len(g), g[0].start))
    names: list[str] = []
    for group in ranked:
        if len(names) >= limit:
            break
        best = _shown_mention(group)
        if _common_word_at_sentence_start(group, text, morph):
            continue  # «Заключённый одной из тюрем…»: a noun, capitalised by its place
        if best.type == "PER" and (" " in best.normal or _is_a_name(best.normal, morph)):
            name = _person_name(best, group)
        elif best.type == "LOC" and (place := _place_in_locative(group, text, morph)) != "":
            if place is None:
                continue  # «в Лукасвилле», a nominative not to be guessed («Лукасвиль»?)
            name = place
        else:  # a place, an organisation, or one word slovnet took for a person («Биткоином»)
            name = _nominative_word(best.normal, morph)
        if name not in names:
            names.append(name)
    return tuple(names)


_BRACKETED = re.compile(r"\s*\([^()]*\)?")


def _without_brackets(entity: Entity) -> Entity | None:
    """«Сюзанна Остхофф (Susanne Osthoff)» is «Сюзанна Остхофф»: a bracketed form (the name in
    Latin letters, a gloss) is not part of the name; a mention that is only a bracket, none."""
    if "(" not in entity.normal and "(" not in entity.text:
        return entity
    normal = _BRACKETED.sub("", entity.normal).strip()
    if not normal:
        return None
    return replace(entity, normal=normal, text=_BRACKETED.sub("", entity.text).strip())


def _merge_prefixes(groups: dict[str, list[Entity]]) -> None:
    """One place or organisation named short and in full («Геликон» and «Геликон-опера»): the
    short name's stem begins the full one's first word (or is its first words), same type."""
    keys = sorted((k for k in groups if not k.startswith("PER:")), key=len)
    for short in keys:
        kind, _, name = short.partition(":")
        stem = _SURNAME_ENDING.sub("", name) if len(name) > 4 else name
        if len(stem) < 4:
            continue
        for full in keys:
            if full == short or full not in groups or short not in groups:
                continue
            other_kind, _, other = full.partition(":")
            if (other_kind == kind and len(other) > len(name) and other.startswith(stem)
                    and (other[len(name):len(name) + 1] in ("-", " ")
                         or other[len(stem):].split("-")[0].split()[0] in ("", *_ENDINGS)
                         and ("-" in other or " " in other))):
                groups[full].extend(groups.pop(short))
                break


_ENDINGS = ("а", "у", "е", "ом", "ы", "и", "ой", "ей", "ого", "ому")


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t«\"(—–-")
    return not before or before[-1] in ".!?…\n"


def _common_word_at_sentence_start(group: list[Entity], text: str, morph: Any) -> bool:
    """A one-word «name» pymorphy knows as an ordinary word (a participle, an adjective, a noun
    that is no first name, surname or place), written capitalised only where a sentence begins:
    «Заключённый одной из тюрем Огайо…»."""
    if morph is None or any(" " in e.normal or not e.normal.isalpha() for e in group):
        return False
    if not all(_sentence_start(text, e.start) for e in group):
        return False
    parses = morph.parse(group[0].text)
    if not parses or not parses[0].is_known:
        return False
    tags = " ".join(str(p.tag) for p in parses)
    return not any(tag in tags for tag in (*_NAME_TAGS, "Geox", "Orgn", "Trad"))


_LOCATIVE_BEFORE = re.compile(r"(?:^|\s)(?:в|во|на|при)\s+$", re.IGNORECASE)


def _place_in_locative(group: list[Entity], text: str, morph: Any) -> str | None:
    """A one-word place pymorphy does not know, written only after «в»/«на» and ending in «-е»
    (natasha leaves «в Лукасвилле» as it is): its nominative where the stem ends in a
    consonant that cannot end in «-ь» («Лукасвилл», «Кливленд»), else None (leave it out: a
    nominative not to be guessed). "" when this does not apply."""
    words = {e.text for e in group}
    if morph is None or len(words) != 1:
        return ""
    word = next(iter(words))
    if not word.isalpha() or not word.endswith("е") or len(word) < 5:
        return ""
    if not all(_LOCATIVE_BEFORE.search(text[max(0, e.start - 6):e.start]) for e in group):
        return ""
    parses = morph.parse(word)
    if parses and parses[0].is_known:
        return ""
    stem = word[:-1]
    vowels = "аеёиоуыэюя"
    if stem[-1] in vowels or stem[-1] in "йжшщчц":
        return None
    if stem[-1] in "лнрст" and stem[-2] in vowels:
        return None  # «в Сиэтле»? «в Бристоле» is «Бристоль»: not to be guessed
    return stem


def _shown_mention(group: list[Entity]) -> Entity:
    """The fullest mention, or for a place with several names its usual one («Россия» for
    «РФ», «США» for «Соединённые Штаты»)."""
    usual = [e for e in group if e.type in _PLACE_TYPES
             and _INITIALS.sub("", e.normal).strip().casefold().replace("ё", "е")
             == _entity_key(e).removeprefix("PLACE:")]
    return usual[0] if usual and _entity_key(group[0]).startswith("PLACE:") else max(
        group, key=lambda e: (len(_INITIALS.sub("", e.normal)), -e.start))


def _is_a_name(word: str, morph: Any) -> bool:
    """Whether pymorphy reads a word as a first name or surname, or does not know it (a
    foreign surname): «Муквеге», «Путина»; not «Биткоином», which its guess reads as a thing
    in the instrumental case."""
    if morph is None:
        return True
    parses = morph.parse(word)
    if not parses or any(tag in str(p.tag) for p in parses for tag in _NAME_TAGS):
        return True
    top = str(parses[0].tag)
    return not parses[0].is_known and not ("inan" in top and "nomn" not in top)


def _nominative_word(name: str, morph: Any) -> str:
    """A one-word place or organisation natasha left in its case («в Нидерландах») put in the
    nominative («Нидерланды»); a word that has a nominative reading stays as written."""
    if morph is None or " " in name:
        return name
    parts = name.split("-")
    if len(parts) == 2 and all(part.isalpha() for part in parts):
        return _nominative_hyphenated(name, morph)
    if not name.isalpha():
        return name
    parses = [p for p in morph.parse(name) if p.pos in ("NOUN", "PROPN")]
    if not parses or any(p.feats.get("Case") == "Nom" for p in parses):
        return name
    nominative = parses[0].inflect({"Nom"})
    if nominative is None:
        return name
    word = nominative.word if "ё" in name.lower() else nominative.word.replace("ё", "е")
    return word[:1].upper() + word[1:] if name[:1].isupper() else word


def _nominative_hyphenated(name: str, morph: Any) -> str:
    """«Геликон-оперы» -> «Геликон-опера»: a hyphenated name pymorphy knows, read as its most
    likely parse (the genitive singular here, not the nominative plural it also could be)."""
    parses = morph.parse(name)
    top = parses[0] if parses else None
    if top is None or not top.is_known or top.pos not in ("NOUN", "PROPN"):
        return name
    if top.feats.get("Case") in (None, "Nom"):
        return name
    nominative = top.inflect({"Nom", top.feats.get("Number", "Sing")})
    if nominative is None or nominative.word.count("-") != 1:
        return name
    shown = [new[:1].upper() + new[1:] if old[:1].isupper() else new
             for old, new in zip(name.split("-"), nominative.word.split("-"))]
    return "-".join(shown)


def _people_in(normal: str, toolkit: Any) -> list[str]:
    """The person (or people) a PER mention's normal form names, without the words that are
    not names.

    slovnet sometimes takes a neighbouring word into a name («Арканзас Уинтроп Рокфеллер»,
    «Израильтянка Наама…») or two adjacent people as one («Сергей Анатольевич Лебедев Путин»).
    A leading word pymorphy knows and never reads as a first name or surname is dropped, and so
    is a patronymic (the key facts say «Сергей Лебедев»); natasha's NamesExtractor then finds
    where one person ends and the next begins."""
    morph = toolkit.morph_vocab
    words = normal.split()
    while len(words) > 1 and _not_a_name(words[0], morph):
        words = words[1:]
    if len(words) > 1:
        words = [w for w in words if not _is_patronymic(w, morph)] or words[:1]
    normal = " ".join(words)
    if len(words) > 1:
        matches = list(toolkit.extractors.names(normal))
        if (len(matches) > 1 and all(m.fact.last for m in matches)
                and _is_surname(matches[0].fact.last, morph)):
            return [normal[m.start:m.stop].strip(" ,") for m in matches]
    return [normal]


def _is_surname(word: str, morph: Any) -> bool:
    """A surname pymorphy knows («Лебедев»): the extractor's split of «Сергей Лебедев Путин» is
    two people, but of «Реджеп Тайип Эрдоган» or «Тоомас Хендрик Ильвес», where it reads the
    second given name as a surname, one."""
    return any("Surn" in str(p.tag) for p in morph.parse(word))


_NAME_TAGS = ("Name", "Surn", "Patr", "Init", "Abbr")


def _not_a_name(word: str, morph: Any) -> bool:
    """A place («Арканзас»), an adjective, or a word for a kind of person («израильтянка»,
    «генерал»); not a common noun that is also a first name (Алмаз, Роза)."""
    if "." in word or not word.isalpha():
        return False
    parses = morph.parse(word)
    if not parses or not parses[0].is_known:
        return False  # a foreign surname pymorphy has not seen: keep it
    tags = " ".join(str(p.tag) for p in parses)
    if any(tag in tags for tag in _NAME_TAGS):
        return False
    top = str(parses[0].tag)
    return "Geox" in top or top.startswith(("ADJF", "PRTF")) or (
        top.startswith("NOUN") and "anim" in top.split()[0].split(","))


def _is_patronymic(word: str, morph: Any) -> bool:
    parses = morph.parse(word)
    return bool(parses) and parses[0].is_known and all("Patr" in str(p.tag) for p in parses)


def _merge_first_names(groups: dict[str, list[Entity]]) -> None:
    """A person called by first name alone («Денис») after the full name («Денис Тен») is the
    same person: that group joins the full name's, so the key facts show him once."""
    full_names: dict[str, str] = {}  # first name -> the key of the one person who has it
    for key, group in groups.items():
        if not key.startswith("PER:"):
            continue
        for entity in group:
            words = _INITIALS.sub("", entity.normal).split()
            if len(words) >= 2:
                first = words[0].casefold()
                full_names[first] = key if full_names.get(first, key) == key else ""
    for key in [k for k in groups if k.startswith("PER:")]:
        group = groups[key]
        if any(len(_INITIALS.sub("", e.normal).split()) > 1 for e in group):
            continue
        target = full_names.get(group[0].normal.strip().casefold())
        if target and target != key and target in groups:
            groups[target].extend(group)
            del groups[key]


def _person_name(best: Entity, group: list[Entity]) -> str:
    """The fullest mention of a person with the surname in its shortest written form.

    Russian case endings only lengthen a surname (Бектенов, Бектенова, Бектеновым; Петрова,
    Петровой), so among the mentions the normaliser could not put in the nominative, the shortest
    form of the surname is the nominative one.
    """
    words = best.normal.split()
    first = words[0].casefold() if words else ""
    surnames = [_INITIALS.sub("", e.normal).split()[-1] for e in group
                if _INITIALS.sub("", e.normal).strip()
                and _INITIALS.sub("", e.normal).split()[-1].casefold() != first]
    if len(words) < 2 or not surnames:
        return best.normal
    shortest = min(surnames, key=len)
    return " ".join(words[:-1] + [shortest])


def _with_unit(sentence: Sentence, match: re.Match[str], morph: Any) -> str | None:
    """The number and, when a noun follows it at once, that noun («165 документов»), the noun
    in the form a number takes in the nominative («17 патентов», not «17 патентами»). None for
    an ordinal reading («на 59 месте»)."""
    stop = sentence.start + match.end()
    following = [t for t in sentence.tokens if t.start >= stop][:2]
    number = match.group(0).strip()
    if not (following and following[0].pos in _UNIT_POS and following[0].start - stop <= 1):
        # a bare number says nothing in a list of facts («73 · 68»): only a share or a time
        return number if _COUNTS_ITSELF.search(number) else None
    unit = following[0].text
    if unit.casefold() in {"млн", "млрд", "тыс", "трлн"} and len(following) > 1:
        unit = sentence.text[following[0].start - sentence.start:following[1].stop
                             - sentence.start]  # «500 млн долларов»
    elif morph is not None:
        agreed = _agree(unit, number, morph)
        if agreed is None:
            return None
        unit = agreed
    return f"{number} {unit}"


def _agree(noun: str, number: str, morph: Any) -> str | None:
    """`noun` as it follows `number` in the nominative; None for an ordinal reading."""
    parses = [p for p in morph.parse(noun) if p.pos == "NOUN"]
    if not parses:
        return noun
    case = parses[0].feats.get("Case")
    if case == "Loc" and parses[0].feats.get("Number") == "Sing":
        return None  # «на 59 месте»: a place in a list, not 59 places
    if _SCALE.search(number):
        return _form_after(parses[0], 5) or noun  # «500 тыс. юаней», «1 млн рублей»
    digits = re.sub(r"\D", "", number.split("–")[-1].split("-")[-1])
    whole = digits and "," not in number and "." not in number
    # even a form a number can take may be another number's: «из 101 депутата» is «101
    # депутат», «до 2 лет» is «2 года»
    return _form_after(parses[0], int(digits) if whole else 0.5) or noun


def _form_after(parse: Any, count: float) -> str | None:
    """The word of `parse` in the form a number puts it in, in the nominative: 1 год, 3 года,
    5 лет, 7,5 года (natasha's MorphForm takes Universal Dependencies features, so pymorphy's
    own `make_agree_with_number` cannot be used on it)."""
    if count != int(count):
        grams = {"Gen", "Sing"}
    else:
        n = int(count)
        grams = ({"Nom", "Sing"} if n % 10 == 1 and n % 100 != 11 else
                 {"Gen", "Sing"} if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else
                 {"Gen", "Plur"})
    if grams == {"Gen", "Plur"} and parse.normal == "год":
        return "лет"  # «5 лет», not pymorphy's «5 годов»
    if grams == {"Gen", "Plur"} and parse.normal == "человек":
        return "человек"  # «5 человек», not the plural «людей» pymorphy's paradigm holds
    inflected = parse.inflect(grams)
    return inflected.word if inflected is not None else None


def _noun_after(lemma: str, count: float, morph: Any) -> str:
    parses = [p for p in morph.parse(lemma) if p.pos == "NOUN"]
    return (_form_after(parses[0], count) if parses else None) or lemma


def _date_figure(match: Any, text: str, morph: Any) -> str:
    """A date whole: «12 марта 2014», «11 сентября», «март 2014», «2009 год»."""
    fact = match.fact
    written = _YEAR_WORD.sub("", text[match.start:match.stop].strip())
    if fact.day:
        return written
    if fact.month:
        words = written.split()
        parses = morph.parse(words[0])
        month = parses[0].inflect({"Nom"}) if parses else None
        return " ".join([month.word if month is not None else words[0], *words[1:]])
    return f"{fact.year} год"


def _money_figure(match: Any, morph: Any) -> str | None:
    """A sum of money as a reader writes it: «125 млн евро», «50 тыс. рублей», «21 рубль»."""
    fact = match.fact
    currency = _CURRENCIES.get(fact.currency or "")
    if currency is None or not fact.amount:
        return None
    amount = float(fact.amount)
    for size, word in _SCALES:
        if amount >= size:
            value = f"{amount / size:.2f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{value} {word} {_noun_after(currency, 5, morph)}"
    count = int(amount) if amount == int(amount) else amount
    return f"{str(count).replace('.', ',')} {_noun_after(currency, count, morph)}"


def _law_reference(text: str, match: re.Match[str]) -> bool:
    return bool(_LAW_BEFORE.search(text[:match.start()]) or _LAW_AFTER.match(text[match.end():]))


def _names_something(text: str, match: re.Match[str]) -> bool:
    """A number that is a reference, an id or a phone rather than a figure: a law's article
    («ст. 15.4»), «№ 5», «номер 260602», six or more bare digits, a dotted section («15.4.1»)."""
    number = match.group(0).strip()
    return (_law_reference(text, match) or bool(_NAMING_BEFORE.search(text[:match.start()]))
            or bool(_ID_LIKE.match(number)) or number.count(".") > 1)


def _figures_in(sentence: Sentence, toolkit: Any) -> list[str]:
    """The sentence's figures in reading order: dates and money whole, then other numbers."""
    text = sentence.text
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    morph = toolkit.morph_vocab if toolkit is not None else None
    if not any(c.isdigit() for c in text):
        return []  # a figure has digits
    # natasha's extractors cost 2-3 ms a sentence: each runs only where its words are
    lemmas = sentence.lemmas
    dates = toolkit is not None and bool(lemmas & _DATE_WORDS)
    money = toolkit is not None and bool(lemmas & _MONEY_WORDS or _MONEY_SIGNS.search(text))
    if dates:
        for match in toolkit.extractors.dates(text):
            found.append((match.start, _date_figure(match, text, morph)))
            taken.append((match.start, match.stop))
    if money:
        for match in toolkit.extractors.money(text):
            if any(a < match.stop and match.start < b for a, b in taken):
                continue
            figure = _money_figure(match, morph)
            if figure is not None:
                found.append((match.start, figure))
                taken.append((match.start, match.stop))
    for match in _NUMBER.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        if _names_something(text, match):
            continue
        figure = _with_unit(sentence, match, morph)
        if figure:
            found.append((match.start(), figure))
    return [figure for _, figure in sorted(found)]


def key_numbers(
    doc: AnalyzedArticle, order: list[int], limit: int = MAX_NUMBERS
) -> tuple[str, ...]:
    """Figures from the sentences in `order` (most important first), without repeats."""
    found: list[str] = []
    for index in order:
        if index not in doc.figures:  # every length of the summary asks again
            doc.figures[index] = _figures_in(doc.sentences[index], doc.toolkit)
        for figure in doc.figures[index]:
            if figure not in found:
                found.append(figure)
            if len(found) >= limit:
                return tuple(found)
    return tuple(found)
