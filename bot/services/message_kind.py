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
    """A question mark, an interrogative word (in slang or with a slip too: «скока всего
    иностранцев похитили в ираке» is 40 characters and six words, news-sized, and was stored
    as an article) or a request to tell something."""
    if "?" in text:
        return True
    found = words(text)
    return bool(found) and (found[0] in REQUESTS or any(_asks(w) for w in found[:3]))


def _asks(word: str) -> bool:
    return (word in QUESTION_WORDS or word in _SLANG_QUESTION_WORDS
            or _near_question_word(word))


def _news_sized(text: str, found: list[str]) -> bool:
    return len(text.strip()) >= MIN_NEWS_CHARS and len(found) >= MIN_NEWS_WORDS


def reads_as_news(text: str) -> bool:
    """A short typed text that is a piece of news to read, not a question or a remark."""
    return (_news_sized(text, words(text)) and not looks_like_question(text)
            and small_talk(text) is None)


MIN_STATEMENT_WORDS = 3


def could_be_either(text: str) -> bool:
    """A short statement («Путин подписал закон о Росгвардии»): no question mark, question word
    or request (not even one typed in slang or with a slip: `asks_in_few_words`), yet too short
    to read as a news item. It may be news to read or a question about the article put in a few
    words: the bot asks which (two buttons) instead of guessing."""
    found = words(text)
    return (len(found) >= MIN_STATEMENT_WORDS and not _news_sized(text, found)
            and not asks_in_few_words(text) and small_talk(text) is None
            and not foreign_language(text))


def asks_in_few_words(text: str) -> bool:
    """A short message that asks, as people type in a chat: a question word anywhere («а в
    питере когда»), in slang («скока», «чё») or with a slip of the finger («скоьлко»), or a
    follow-up opened with «а …». The first-three-words rule of `looks_like_question` is for
    telling a question from a news sentence, which may hold «что» or «когда» in mid-sentence;
    a text this short is too short for that."""
    if looks_like_question(text):
        return True
    found = words(text)
    if not found or _news_sized(text, found):
        return False
    if found[0] in _FOLLOW_UP_OPENERS and len(found) <= 5:
        return True
    return any(_asks(w) for w in found)


# «а в питере когда», «ну а сколько»: a reply in a conversation, not a headline
_FOLLOW_UP_OPENERS = frozenset({"а", "ну", "и", "так", "слушай", "подскажи", "подскажите"})
_SLANG_QUESTION_WORDS = frozenset({
    "скока", "скоко", "сколка", "скольк", "скок", "чё", "чо", "шо", "че", "када", "кагда",
    "пачему", "пошто", "нафига", "накой", "хде", "куды",
})
# Ordinary words one slip away from a question word: «тогда» is not «когда».
_NOT_SLIPS = frozenset({"тогда", "всегда", "затем", "оттуда", "потому", "какао", "сколок"})
# Question words long enough that one slip («скоьлко», «пчоему») still names only them.
_FUZZY_QUESTION_WORDS = frozenset(w for w in QUESTION_WORDS if len(w) >= 5)


def _near_question_word(word: str) -> bool:
    """One letter wrong, missing, extra or two swapped, against a question word of 5+ letters."""
    if len(word) < 4 or word in _NOT_SLIPS:
        return False
    return any(_one_edit_apart(word, q) for q in _FUZZY_QUESTION_WORDS
               if abs(len(q) - len(word)) <= 1)


def _one_edit_apart(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def foreign_language(text: str) -> bool:
    """A message in another language (English, Chinese…): most of its letters are not
    Cyrillic. The models read Russian; such a message gets one line saying so, not an
    «этого нет» cut from a Russian article."""
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum(1 for c in letters if "а" <= c.lower() <= "я" or c in "ёЁ")
    return len(letters) >= 8 and cyrillic * 3 < len(letters)


def mostly_latin(text: str) -> bool:
    """More Latin letters than Cyrillic ones: an English (or other Latin-script) text."""
    latin = sum(1 for c in text if "a" <= c.lower() <= "z")
    cyrillic = sum(1 for c in text if "а" <= c.lower() <= "я" or c in "ёЁ")
    return latin > 2 * cyrillic and latin >= 50


# Talk to the bot in a long message: «слушай, я вот читала… а почему…?»
_TALK_WORDS = frozenset({
    "ты", "тебя", "тебе", "тобой", "слушай", "скажи", "скажите", "объясни", "объясните",
    "расскажи", "расскажите", "подскажи", "подскажите", "можешь", "можете", "знаешь",
    "думаешь", "бот", "почему", "зачем", "помоги", "помогите", "я", "мне", "меня",
})
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|„[^“]*“")
MAX_TALK_CHARS = 1_500  # a message longer than this is a text, whatever its tone


def reads_as_talk(text: str) -> bool:
    """A long typed message that is a question or talk to the bot, not an article: one
    paragraph with no headline, that asks (it ends with «?», or asks and addresses the bot:
    «скажи», «объясни», «почему», «ты», «я вот читала»). Quotes are left out, so an article
    that quotes a question is still an article. Only typed text is judged: a forward, a file
    or a link is an article whatever its tone."""
    stripped = text.strip()
    if len(stripped) > MAX_TALK_CHARS or _has_paragraphs(stripped) or _headline_first(stripped):
        return False
    own = _QUOTED.sub(" ", stripped)
    talk = sum(1 for w in words(own) if w in _TALK_WORDS or w in REQUESTS)
    asks = own.rstrip(" )!.…").endswith("?")
    return asks or ("?" in own and talk >= 1) or talk >= 3


def _has_paragraphs(text: str) -> bool:
    return sum(1 for line in text.splitlines() if line.strip()) >= 2


def _headline_first(text: str) -> bool:
    """A first line that reads as a headline: short, no final stop, more text after it."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    return bool(rest.strip()) and 10 <= len(first) <= 160 and not first.endswith((".", "?", "!"))


def typed_article(text: str, min_chars: int) -> bool:
    """Typed text to read as an article: long and not talk to the bot, or a news item."""
    if len(text.strip()) >= min_chars:
        return not reads_as_talk(text)
    return reads_as_news(text)
