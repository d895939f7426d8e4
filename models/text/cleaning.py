"""Find the prose in a pasted article: keep the headline and the paragraphs, drop page furniture.

News pages copied into Telegram carry lines that are not prose: a rubric name ("Политика"), a date
or a time alone on a line, a view counter ("131"), the headline repeated, and tails such as
"Читайте также", "Подписывайтесь на канал", "Новости". Summaries and answers must not quote them.

Nothing is moved: the result is a list of spans with offsets into the ORIGINAL text, so every
later step (sentences, entities, answers) still points into `Article.text`. Wiki markup that
Wikinews texts carry (two or three apostrophes for italics and bold, [[link|text]],
{{templates}}, [https://… text]) is blanked in a span's text, character for character
(`blank_markup`): the words are read without it at the same offsets, and what is shown of a
sentence goes through `without_markup`. Headings («== Источники ==»), what wiki image and
category markup leaves on a line, and photo captions (a short line that does not end as a
sentence, in a text whose paragraphs do) are page furniture too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.core.types import Span
from models.text.lexicon import MONTH_PATTERN

_WEEKDAYS = r"(?:понедельник|вторник|сред[аы]|четверг|пятниц[аы]|суббот[аы]|воскресень[ея])"
_DATE_TIME_ONLY = re.compile(
    rf"""^[\s,.\-–—|/•·]*(?:
        (?:сегодня|вчера|{_WEEKDAYS})
        |\d{{1,2}}[./-]\d{{1,2}}(?:[./-]\d{{2,4}})?
        |\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?)?
        |\d{{1,2}}\s+{MONTH_PATTERN}(?:\s+\d{{4}})?(?:\s*г(?:ода|\.)?)?
        |{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}
        |\d{{1,2}}:\d{{2}}(?::\d{{2}})?
        |[\s,.\-–—|/•·]|в
    )+$""",
    re.IGNORECASE | re.VERBOSE,
)
# A counter: "131", "1,2 тыс.", "👁 131", "131 просмотр".
_COUNTER = re.compile(
    r"^\W*\d[\d\s.,]*(?:тыс\.?|млн\.?|[kкKК])?\s*(?:просмотр\w*|views?|комментари\w*|👁)?\W*$",
    re.IGNORECASE,
)
# Tails after which only links to other stories follow.
_TAIL = re.compile(
    r"^\W*(?:читайте\s+(?:также|еще|ещё)|смотрите\s+также|подписывайтесь|подпишитесь|"
    r"новости\s+партн[её]ров|присоединяйтесь|наш\s+(?:telegram|телеграм))",
    re.IGNORECASE,
)
# Credits and buttons: dropped, but prose may follow them.
_CREDIT = re.compile(
    r"^\W*(?:источник|фото|видео|теги|автор фото)\s*:|^\W*(?:поделиться|реклама)\W*$",
    re.IGNORECASE,
)
# A photo caption or byline: a short line that credits a photo or an agency («Денис Муквеге.
# Фото: Reuters», «Надия Мурад в Осло © AP», «Иван Петров / ТАСС»): neither a summary sentence,
# nor an answer sentence, nor a source of key facts.
_CAPTION = re.compile(
    r"©|\b(?:фото|photo|кадр\s+из\s+видео)\s*:|/\s*(?:ТАСС|РИА|Reuters|AP|AFP|EPA|Getty"
    r"|Интерфакс|Коммерсантъ|Shutterstock|Unsplash)\b",
    re.IGNORECASE,
)
MAX_CAPTION_WORDS = 25
# Wiki markup, blanked where it stands (`blank_markup`): brackets and quote marks, a link's
# target, a template whole.
_WIKI_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_WIKI_LINK = re.compile(r"\[\[(?:([^\]|]*)\|)?([^\]]*)\]\]")
_WIKI_FILE = re.compile(r"^\s*(?:файл|file|image|изображение|категория|category)\s*:",
                        re.IGNORECASE)
_WEB_LINK = re.compile(r"\[(https?://[^\s\]]+)(\s*)([^\]]*)\]")
_WIKI_QUOTES = re.compile(r"'{2,}")
_MARKS = ("''", "[[", "{{", "[http")
_HEADING = re.compile(r"^\s*(=+)\s*([^=]*?)\s*\1\s*$")
# A heading after which only sources and links follow.
_SOURCES_HEADING = re.compile(
    r"^(?:источник\w*|ссылк\w*|sources?|references|см\.?\s*также|примечани\w*|"
    r"по\s+теме|литература)(?:\s+информации)?$",
    re.IGNORECASE,
)
# What wiki image or category markup leaves on a line: «мини|слева|Страны-участницы ОЗХО»,
# «Категория:Общество».
_WIKI_LEFTOVER = re.compile(r"^(?:мини|thumb|миниатюра|справа|слева|right|left)\s*\||"
                            r"^(?:категория|category)\s*:", re.IGNORECASE)
MAX_CAPTION_CHARS = 110  # a caption is a noun phrase: «Денис Муквеге в 2013 году»
CAPTION_TEXT_ENDED = 2  # sentence-ending lines outnumber the others this many times
_URL = re.compile(r"(?:https?://|www\.|t\.me/)\S+|\S+\.(?:ru|com|org|net|рф|su|io|me)(?:/\S*)?")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-'][^\W\d_]+)*")
_LIST_ITEM = re.compile(r"^\s*(?:[•·▪●◦*–—-]|\d+[.)])\s")
_TERMINAL = re.compile(r"[.!?…:;»\"”)]\s*$")

MAX_HEADLINE_CHARS = 160  # longer first lines are lead paragraphs that lost their final period
MAX_LABEL_WORDS = 3


@dataclass(frozen=True, slots=True)
class CleanText:
    """The prose of an article: its headline (if it has one) and its kept lines."""

    title: Span | None
    lines: tuple[Span, ...]

    @property
    def prose_chars(self) -> int:
        return sum(len(line.text) for line in self.lines)


def _blank(match: re.Match[str], keep: int | None = None) -> str:
    """The match as spaces, but for group `keep` (the words a reader sees)."""
    whole = match.group(0)
    if keep is None or match.group(keep) is None:
        return " " * len(whole)
    start, stop = match.start(keep) - match.start(), match.end(keep) - match.start()
    return " " * start + whole[start:stop] + " " * (len(whole) - stop)


def _blank_link(match: re.Match[str]) -> str:
    """[[target|text]] and [[target]] keep the words a reader sees; [[Файл:…]] keeps none."""
    if _WIKI_FILE.match(match.group(1) or match.group(2)):
        return _blank(match)
    return _blank(match, 2)


def blank_markup(text: str) -> str:
    """`text` with wiki markup replaced by spaces, character for character, so offsets hold:
    «[[Осло|столице]]» reads «        столице  », a template nothing."""
    if not any(mark in text for mark in _MARKS):
        return text
    previous = None
    while previous != text:  # templates nest: {{a|{{b}}}}
        previous, text = text, _WIKI_TEMPLATE.sub(_blank, text)
    text = _WIKI_LINK.sub(_blank_link, text)
    text = _WEB_LINK.sub(lambda m: _blank(m, 3), text)
    return _WIKI_QUOTES.sub(_blank, text)


def without_markup(text: str) -> str:
    """`text` as a reader should see it: wiki markup gone, the spaces it leaves collapsed."""
    blanked = blank_markup(text)
    if blanked == text:
        return text
    shown = re.sub(r"\s+([.,;:!?»)])", r"\1", re.sub(r"\s{2,}", " ", blanked))
    return re.sub(r"([(«])\s+", r"\1", shown).strip()


def _lines(text: str) -> list[Span]:
    """Non-blank lines with offsets, surrounding whitespace trimmed, wiki markup blanked."""
    spans = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            start = pos + raw.index(stripped[0])
            spans.append(Span(start, start + len(stripped), blank_markup(stripped)))
        pos += len(raw)
    return spans


def _key(text: str) -> str:
    return " ".join(w.casefold() for w in _WORD.findall(text))


def has_prose(text: str) -> bool:
    """True when `text` holds at least one word once links are removed (not only emoji/links)."""
    return bool(_LETTER.search(_URL.sub(" ", text)))


def is_furniture(line: str) -> bool:
    """A line that is page furniture rather than prose: date, time, counter, tail, link, label,
    a photo caption or byline."""
    if not has_prose(line):
        return True
    if any(p.match(line) for p in (_DATE_TIME_ONLY, _COUNTER, _TAIL, _CREDIT, _HEADING,
                                    _WIKI_LEFTOVER)):
        return True
    words = _WORD.findall(_URL.sub(" ", line))
    if _CAPTION.search(line) and len(words) <= MAX_CAPTION_WORDS:
        return True
    # A rubric name or a one-word tail ("Политика", "Новости", "Главное"): a short label
    # with no sentence punctuation. A list item ("• Москва — 5 человек") is not one.
    return (
        len(words) <= MAX_LABEL_WORDS
        and not _TERMINAL.search(line)
        and not _LIST_ITEM.match(line)
        and not any(c.isdigit() for c in line)
    )


def _looks_like_headline(line: Span, rest: list[Span]) -> bool:
    """The first line is a headline when it is short, has no final period and prose follows."""
    return (
        bool(rest)
        and len(line.text) <= MAX_HEADLINE_CHARS
        and not line.text.rstrip().endswith((".", ":", ";"))
        and len(_WORD.findall(line.text)) >= 2
    )


def _starts_tail(line: str) -> bool:
    """«Читайте также», or a heading such as «== Источники ==» that only links follow."""
    heading = _HEADING.match(line)
    return bool(_TAIL.match(line) or heading and _SOURCES_HEADING.match(heading.group(2)))


def _ends_as_sentence(line: str) -> bool:
    return bool(_TERMINAL.search(line))


def _is_caption(line: str) -> bool:
    """A photo caption: a short line that does not end as a sentence and is no list item
    («Дилма Руссефф и Патриарх Кирилл 16 февраля 2016 года», «Абий Ахмед Али»)."""
    return (len(line.strip()) <= MAX_CAPTION_CHARS and not _ends_as_sentence(line)
            and not _LIST_ITEM.match(line))


def _drop_captions(lines: list[Span]) -> list[Span]:
    """The lines without photo captions, in a text whose paragraphs end as sentences end.

    A Telegram post often leaves its paragraphs without a final period: there no short line is
    taken for a caption, since nothing tells one from a paragraph."""
    ended = sum(_ends_as_sentence(line.text) for line in lines)
    if ended < 2 or ended < CAPTION_TEXT_ENDED * (len(lines) - ended):
        return lines
    return [line for line in lines if not _is_caption(line.text)]


def _resumes_prose(line: str) -> bool:
    """A paragraph after a "read also" line is the article going on, not a linked story's
    headline: longer than a headline and ending as a sentence ends."""
    return len(line) > MAX_HEADLINE_CHARS and bool(_TERMINAL.search(line))


def clean_text(text: str, title: str = "") -> CleanText:
    """Split `text` into its headline and its prose lines; offsets point into `text`.

    `title` is a headline known from elsewhere (a page's <title>): a line repeating it is
    dropped. The first prose line is taken as the headline when it looks like one; every later
    line repeating the headline is dropped, as are a "Читайте также" tail and the linked
    headlines after it (prose that resumes after them is kept).
    """
    lines = [line for line in _lines(text) if not is_furniture(line.text)]
    headline: Span | None = None
    seen = {_key(title)} if title.strip() else set()
    if lines and _key(lines[0].text) not in seen and _looks_like_headline(lines[0], lines[1:]):
        headline = lines[0]
        seen.add(_key(headline.text))
        lines = lines[1:]
    kept: list[Span] = []
    in_tail = False
    for line in _lines(text):
        if headline is not None and line.start <= headline.start:
            continue
        if _starts_tail(line.text) and kept:
            in_tail = True  # what follows a "read also" line is links to other stories...
            continue
        if in_tail and not _resumes_prose(line.text):
            continue
        in_tail = False  # ... until a paragraph of prose: the tail sat mid-text (a paste)
        if is_furniture(line.text) or _key(line.text) in seen:
            continue
        kept.append(line)
    return CleanText(title=headline, lines=tuple(_drop_captions(kept)))
