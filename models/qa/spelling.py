"""Questions as users type them, read as they meant them: slang, chat spellings and typos.

«скока ему лет», «кагда была коронация», «кто ево убил», «где прошол матч»: the question word
decides what kind of answer is wanted and the content words find the sentence, so one letter
wrong cost the whole answer (a place for «кагда», a club for «скока»). Three repairs, cheapest
first: a small table of chat spellings that no edit distance would find («скока» is three edits
from «сколько»); a question word one edit away («скоьлко», «пачему»); and any other word the
dictionary does not know, replaced by the nearest word of the article itself («акцыю» ->
«акцию», «нескольих» -> «нескольких»), so a name the dictionary lacks but the article has is left
as typed. Only the article's own words and the question words are ever substituted.

Slang the dictionary knows is no typo but the article never uses it: «скока бабла она вбухала»,
«кто щас рулит роскосмосом», «на какой тачке ехал». Such a word is put as a news text would
say it, in the same case, number and tense («бабла» -> «денег», «вбухала» -> «потратила»,
«рулит» -> «руководит»), and a name typed in Cyrillic or lower case («эпл», «телега», «ркн»,
«сбу») as the article writes it, so the sentence finder and the reader, who learnt from
questions in the article's words, meet the words they know.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from models.text.analysis import AnalyzedArticle

# chat spellings of question words and pronouns (lower case; «ё» already folded to «е»)
SLANG = {
    "скока": "сколько", "скоко": "сколько", "скока-то": "сколько", "скольк": "сколько",
    "сколька": "сколько", "скоко-то": "сколько",
    "че": "что", "чо": "что", "шо": "что", "чего-то": "чего",
    "ево": "его", "ейо": "её", "ихний": "их", "ихние": "их",
    "щас": "сейчас", "ща": "сейчас", "седня": "сегодня", "сёдня": "сегодня",
    "гди": "где", "хде": "где", "када": "когда", "кагда": "когда", "кадга": "когда",
    "пачему": "почему", "почему-то": "почему",
    "чел": "человек", "челов": "человек", "тыщ": "тысяч", "тыщи": "тысячи",
}
# chat words (their dictionary lemma) -> the word a news text uses for the same thing; only
# words that mean nothing else in a question about the news («бабки», «копы», «зона» do)
CHAT_LEMMAS = {
    "бабло": "деньги", "лавэ": "деньги", "тачка": "машина", "пацан": "парень",
    "чувак": "человек", "мужик": "мужчина", "тётка": "женщина", "тетка": "женщина",
    "батя": "отец", "мамка": "мать", "малой": "ребёнок", "мент": "полицейский",
    "губер": "губернатор", "препод": "преподаватель", "универ": "университет",
    "комп": "компьютер", "инет": "интернет", "прога": "программа", "тюряга": "тюрьма",
    "хата": "квартира", "нарик": "наркоман", "косарь": "тысяча", "лям": "миллион",
    "рулить": "руководить", "вбухать": "потратить", "вбухивать": "тратить",
    "свалить": "уехать", "слинять": "уехать", "грохнуть": "убить", "замочить": "убить",
    "спереть": "украсть", "стырить": "украсть", "тырить": "красть", "повязать": "задержать",
    "загрести": "задержать", "бахнуть": "взорвать", "рвануть": "взорваться",
    "отжать": "отобрать", "спалиться": "попасться", "замутить": "организовать",
}
# the surface forms of chat words the dictionary does not parse as such
CHAT_FORMS = {"ваще": "вообще", "ляма": "миллиона", "лямов": "миллионов", "лямов.": "миллионов",
              "коп": "полицейский", "копы": "полицейские", "копов": "полицейских",
              "копам": "полицейским", "копами": "полицейскими"}
# names typed as people say them -> the ways an article may write them (used only when the
# article has that form)
NAMES_TYPED = {
    "эпл": ("Apple",), "эппл": ("Apple",), "гугл": ("Google",), "гугла": ("Google",),
    "гуглу": ("Google",), "телега": ("Telegram", "Телеграм"), "телегу": ("Telegram", "Телеграм"),
    "телеги": ("Telegram", "Телеграм"), "телеграм": ("Telegram",),
    "телеграмм": ("Telegram", "Телеграм"), "инста": ("Instagram",), "инсту": ("Instagram",),
    "инсте": ("Instagram",), "инстаграм": ("Instagram",), "инстаграме": ("Instagram",),
    "фейсбук": ("Facebook",), "фейсбуке": ("Facebook",), "фб": ("Facebook",),
    "ютуб": ("YouTube",), "ютубе": ("YouTube",), "твиттер": ("Twitter",),
    "твиттере": ("Twitter",), "майкрософт": ("Microsoft",), "амазон": ("Amazon",),
    "ркн": ("Роскомнадзор", "Роскомнадзора"),
}
INFLECTED_FEATS = ("Case", "Number", "Gender", "Tense", "Person")

QUESTION_WORDS = ("сколько", "когда", "почему", "зачем", "откуда", "куда", "где", "какой",
                  "какая", "какое", "какие", "каких", "каким", "какую", "каком", "кого",
                  "кому", "каков", "который", "которые")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
MIN_TYPO_LENGTH = 4  # shorter words are too often another real word one edit away


def _allowed_edits(word: str) -> int:
    """One edit for a short word, two for a long one («нескольих», «обьявили»)."""
    return 1 if len(word) < 8 else 2


def _inflects(word: str, words: list[str]) -> bool:
    """Whether `word` is another form of one of the article's words («асадовым» beside
    «асадов»): the same first letters, all but a case ending; that is no typo."""
    stem = word[:max(MIN_TYPO_LENGTH, len(word) - 3)]
    return any(w.startswith(stem) for w in words)


def _same_case(original: str, word: str) -> str:
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


def _standard_word(word: str, parse: Callable[[str], list[Any]]) -> str:
    """A chat word («бабла», «вбухала») as a news text says it («денег», «потратила»): the
    standard lemma inflected like the word; "" when the word is no chat word."""
    if word in CHAT_FORMS:
        return CHAT_FORMS[word]
    forms = parse(word)
    if not forms or forms[0].normal not in CHAT_LEMMAS:
        return ""
    form, standard = forms[0], CHAT_LEMMAS[forms[0].normal]
    target = next((f for f in parse(standard) if f.pos == form.pos), None)
    if target is None:
        return standard
    feats = {form.feats[key] for key in INFLECTED_FEATS if key in form.feats}
    gender, number = form.feats.get("Gender", ""), form.feats.get("Number", "")
    if target.normal != standard and number:  # «деньги», a plural-only word: «бабла» -> «денег»
        feats, number = feats - {number} | {"Plur"}, "Plur"
    # «деньги» has no singular, «машина» another gender than «тачка» may be parsed with
    for grams in (feats, feats - {gender}, feats - {gender, number}):
        try:
            inflected = target.inflect(grams)
        except KeyError:  # a feature pymorphy has no name for
            inflected = None
        if inflected is not None:
            return inflected.word
    return standard


def respell(question: str, is_known: Callable[[str], bool],
            vocabulary: Iterable[str] = (),
            parse: Callable[[str], list[Any]] | None = None) -> str:
    """`question` with chat spellings, slang and typos replaced; unchanged words keep their
    case.

    `is_known(word)` tells a dictionary word; `vocabulary` holds the article's own words (as
    written), the only other words a typo may become; `parse` (natasha's MorphVocab.parse) lets
    slang be put in the standard word's same form."""
    words = None
    lowered = {w.lower().replace("ё", "е") for w in vocabulary}

    def repair(match: re.Match[str]) -> str:
        nonlocal words
        original = match.group(0)
        word = original.lower().replace("ё", "е")
        if word in SLANG:
            return _same_case(original, SLANG[word])
        if word in NAMES_TYPED:
            written = next((n for n in NAMES_TYPED[word] if n.lower() in lowered), "")
            if written:
                return written
        if original.islower() and len(word) > 1 and word.upper() in vocabulary:  # «сбу»
            return word.upper()
        if parse is not None and word not in lowered:
            standard = _standard_word(word, parse)
            if standard:
                return _same_case(original, standard)
        if len(word) < MIN_TYPO_LENGTH:
            return original
        near_question = process.extractOne(word, QUESTION_WORDS, scorer=OSA.distance,
                                           score_cutoff=1)
        if near_question is not None and near_question[1] == 1 and not is_known(word):
            return _same_case(original, near_question[0])
        if is_known(word):
            return original
        if words is None:
            words = sorted({w.lower().replace("ё", "е") for w in vocabulary
                            if len(w) >= MIN_TYPO_LENGTH})
        if word in words or _inflects(word, words):
            return original
        near = process.extractOne(word, words, scorer=OSA.distance,
                                  score_cutoff=_allowed_edits(word))
        if near is None or near[0][0] != word[0]:  # typos rarely hit the first letter
            return original
        return _same_case(original, near[0])

    return _WORD.sub(repair, question)


_words: weakref.WeakKeyDictionary[AnalyzedArticle, frozenset[str]] = weakref.WeakKeyDictionary()


def article_words(doc: AnalyzedArticle) -> frozenset[str]:
    """The article's words as written: the only words a typo in a question may become (an
    abbreviation typed in lower case, «сбу», becomes «СБУ» where the article writes it so)."""
    words = _words.get(doc)
    if words is None:
        words = frozenset(t.text for s in doc.sentences for t in s.tokens if t.text.isalpha())
        _words[doc] = words
    return words
