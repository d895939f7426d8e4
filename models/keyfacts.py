"""The key names and figures of an article, for the "key facts" line under a summary.

Names are slovnet entities merged by surname ("Али Асадов", "А.Асадов" and "Асадова" are one
person), ranked by how often and how early they occur. Figures are numbers with the word that
says what they count ("500 млн долларов", "21 процент"), taken from the most important sentences.
"""

from __future__ import annotations

import re
from collections import defaultdict

from models.analysis import AnalyzedArticle, Entity, Sentence

_INITIALS = re.compile(r"^(?:[А-ЯЁA-Z]\.\s*)+")
_NUMBER = re.compile(
    r"(?<![\w.,:\-–])(?:"
    r"\d{1,2}:\d{2}(?:[–-]\d{1,2}:\d{2})?"  # a time of day stays whole: «15:30», not «15 · 30»
    r"|\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?(?:[–-]\d+(?:[.,]\d+)?)?"
    r"(?:[ \u00a0]*(?:%|‰|млн|млрд|трлн|тыс)\.?)?"
    r")(?![\w\-–:])"
)
_UNIT_POS = {"NOUN", "PROPN"}
# Case endings of Russian surnames, so "Бектеновым" and "Бектенов" group together.
_SURNAME_ENDING = re.compile(r"(?:ыми|ими|ого|его|ому|ему|ой|ей|ым|им|ом|ем|ую|ая|а|у|е|ы|и)$")
MAX_NAMES = 6
MAX_NUMBERS = 5


def _entity_key(entity: Entity) -> str:
    """People by surname (initials and first names dropped), others by normal form."""
    normal = _INITIALS.sub("", entity.normal).strip()
    if entity.type == "PER":
        surname = normal.split()[-1].casefold() if normal else ""
        return "PER:" + (_SURNAME_ENDING.sub("", surname) if len(surname) > 4 else surname)
    return f"{entity.type}:{normal.casefold()}"


def key_names(doc: AnalyzedArticle, limit: int = MAX_NAMES) -> tuple[str, ...]:
    """Named entities, most mentioned (then earliest) first; the longest form of each is shown."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity in doc.entities:
        groups[_entity_key(entity)].append(entity)
    _merge_first_names(groups)
    ranked = sorted(groups.values(), key=lambda g: (-len(g), g[0].start))
    names = []
    for group in ranked[:limit]:
        best = max(group, key=lambda e: (len(_INITIALS.sub("", e.normal)), -e.start))
        names.append(_person_name(best, group) if best.type == "PER" else best.normal)
    return tuple(names)


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
    surnames = [_INITIALS.sub("", e.normal).split()[-1] for e in group
                if _INITIALS.sub("", e.normal).strip()]
    if len(words) < 2 or not surnames:
        return best.normal
    shortest = min(surnames, key=len)
    return " ".join(words[:-1] + [shortest])


def _with_unit(sentence: Sentence, match: re.Match[str]) -> str:
    """The number and, when a noun follows it at once, that noun ("165 документов")."""
    stop = sentence.start + match.end()
    following = [t for t in sentence.tokens if t.start >= stop][:2]
    if following and following[0].pos in _UNIT_POS and following[0].start - stop <= 1:
        stop = following[0].stop
        if following[0].text.casefold() in {"млн", "млрд", "тыс", "трлн"} and len(following) > 1:
            stop = following[1].stop
    return sentence.text[match.start():stop - sentence.start].strip()


def key_numbers(
    doc: AnalyzedArticle, order: list[int], limit: int = MAX_NUMBERS
) -> tuple[str, ...]:
    """Figures from the sentences in `order` (most important first), without repeats."""
    found: list[str] = []
    for index in order:
        sentence = doc.sentences[index]
        for match in _NUMBER.finditer(sentence.text):
            figure = _with_unit(sentence, match)
            if figure and figure not in found:
                found.append(figure)
            if len(found) >= limit:
                return tuple(found)
    return tuple(found)
