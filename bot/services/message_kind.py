"""What a short typed message is: a question, a news item, small talk, or text in English.

Length alone decides badly: «Банк России сохранил ключевую ставку на уровне 21% годовых» is
news, «Что подписали?» a question, «спасибо!» neither. The form decides: a question mark, an
interrogative word or a request («расскажи…») make a question; a sentence of six words or
more without them is a news item the user wants read.
"""

from __future__ import annotations

import enum
import re

MIN_NEWS_CHARS = 40  # a typed news item shorter than this says too little to be read as one
MIN_NEWS_WORDS = 6

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9-]+")
QUESTION_WORDS = frozenset({
    "кто", "кого", "кому", "кем", "ком", "что", "чего", "чему", "чем", "где", "куда", "откуда",
    "когда", "почему", "зачем", "отчего", "как", "каков", "какова", "каковы", "сколько",
    "какой", "какая", "какое", "какие", "какого", "какую", "каким", "каких", "какому", "чей",
    "чья", "чьё", "чье", "чьи", "ли", "разве", "неужели", "который", "которая", "которые",
})
REQUESTS = frozenset({
    "расскажи", "расскажите", "объясни", "объясните", "скажи", "скажите", "назови",
    "назовите", "перечисли", "перечислите", "опиши", "опишите", "покажи", "покажите",
    "напомни", "напомните", "уточни", "уточните",
})


class SmallTalk(enum.Enum):
    THANKS = "thanks"
    GREETING = "greeting"
    OK = "ok"
    BYE = "bye"


_SMALL_TALK = {
    SmallTalk.THANKS: {"спасибо", "спс", "благодарю", "благодарим", "пасиб", "спасибки",
                       "thanks", "thank", "thx", "мерси", "большое", "огромное", "вам", "тебе"},
    SmallTalk.GREETING: {"привет", "здравствуй", "здравствуйте", "добрый", "доброе", "день",
                         "вечер", "утро", "хай", "hello", "hi", "салют", "приветствую"},
    SmallTalk.OK: {"ок", "окей", "ok", "okay", "понятно", "ясно", "хорошо", "ладно", "угу",
                   "ага", "супер", "класс", "отлично", "круто", "да", "понял", "поняла",
                   "принято", "ясненько", "good", "cool", "норм"},
    SmallTalk.BYE: {"пока", "до", "свидания", "bye", "увидимся"},
}


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def small_talk(text: str) -> SmallTalk | None:
    """Thanks, a greeting, an acknowledgement or a goodbye, and nothing else (emoji and
    punctuation aside), else None."""
    found = words(text)
    if not found or len(found) > 4 or "?" in text:
        return None
    for kind, vocabulary in _SMALL_TALK.items():
        if found[0] in vocabulary and all(w in vocabulary or w in _FILLER for w in found):
            return kind
    return None


_FILLER = {"и", "вам", "тебе", "бот", "большое", "всё", "все"}


def looks_like_question(text: str) -> bool:
    """A question mark, an interrogative word or a request to tell something."""
    if "?" in text:
        return True
    found = words(text)
    return bool(found) and (found[0] in REQUESTS or any(w in QUESTION_WORDS for w in found[:3]))


def _news_sized(text: str, found: list[str]) -> bool:
    return len(text.strip()) >= MIN_NEWS_CHARS and len(found) >= MIN_NEWS_WORDS


def reads_as_news(text: str) -> bool:
    """A short typed text that is a piece of news to read, not a question or a remark."""
    return (_news_sized(text, words(text)) and not looks_like_question(text)
            and small_talk(text) is None)


MIN_STATEMENT_WORDS = 3


def could_be_either(text: str) -> bool:
    """A short statement («Путин подписал закон о Росгвардии»): no question mark, question word
    or request, yet too short to read as a news item. It may be news to read or a question
    about the article put in a few words: the bot asks which (two buttons) instead of guessing."""
    found = words(text)
    return (len(found) >= MIN_STATEMENT_WORDS and not _news_sized(text, found)
            and not looks_like_question(text) and small_talk(text) is None
            and not mostly_latin(text))


def mostly_latin(text: str) -> bool:
    """More Latin letters than Cyrillic ones: an English (or other Latin-script) text."""
    latin = sum(1 for c in text if "a" <= c.lower() <= "z")
    cyrillic = sum(1 for c in text if "а" <= c.lower() <= "я" or c in "ёЁ")
    return latin > 2 * cyrillic and latin >= 50
