"""Questions as users type them, read as they meant them: slang, chat spellings and typos.

«скока ему лет», «кагда была коронация», «кто ево убил», «где прошол матч»: the question word
decides what kind of answer is wanted and the content words find the sentence, so one letter
wrong cost the whole answer (a place for «кагда», a club for «скока»). Three repairs, cheapest
first: a small table of chat spellings that no edit distance would find («скока» is three edits
from «сколько»); a question word one edit away («скоьлко», «пачему»); and any other word the
dictionary does not know, replaced by the nearest word of the article itself («акцыю» ->
«акцию», «нескольих» -> «нескольких»), so a name the dictionary lacks but the article has is left
as typed. Only the article's own words and the question words are ever substituted.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable

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


def respell(question: str, is_known: Callable[[str], bool],
            vocabulary: Iterable[str] = ()) -> str:
    """`question` with chat spellings and typos replaced; unchanged words keep their case.

    `is_known(word)` tells a dictionary word; `vocabulary` holds the article's own words (lower
    case), the only other words a typo may become."""
    words = None

    def repair(match: re.Match[str]) -> str:
        nonlocal words
        original = match.group(0)
        word = original.lower().replace("ё", "е")
        if word in SLANG:
            return _same_case(original, SLANG[word])
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
    """The article's words, lower case: the only words a typo in a question may become."""
    words = _words.get(doc)
    if words is None:
        words = frozenset(t.text.lower() for s in doc.sentences for t in s.tokens
                          if t.text.isalpha())
        _words[doc] = words
    return words
