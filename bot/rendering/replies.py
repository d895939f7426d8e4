"""The texts of the bot's replies: a summary, an answer, and the notices the middlewares send.

Every piece of article or user text goes through `esc`; the result may be longer than one
message and is cut with `bot.rendering.split.split_message`.
"""

from __future__ import annotations

import re

from bot.rendering.html import esc, link
from bot.services.message_kind import mostly_latin
from bot.services.questions import QuestionResult
from bot.storage.repo import StoredArticle
from models.core.types import Summary
from models.text.cleaning import without_markup


def plural(count: int, one: str, few: str, many: str) -> str:
    """The noun form for `count`: 1 сообщение, 2 сообщения, 5 сообщений, 21 сообщение."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def _messages(count: int) -> str:
    return f"{count} {plural(count, 'сообщение', 'сообщения', 'сообщений')}"


def tell_to_wait(seconds: float, held: int | None = None) -> str:
    """The one notice a user over the rate limit gets. It promises only what is kept: the next
    `held` messages are answered when the wait is over; any past them are skipped and the user
    hears so (`tell_skipped`)."""
    wait = f"Слишком много сообщений. Подождите {max(1, round(seconds))} с."
    if held is None:
        return f"{wait} и отправьте сообщение ещё раз."
    return (f"{wait}: следующие {_messages(held)} я прочитаю, когда пройдёт это время, "
            "а остальные пропущу и скажу об этом.")


def tell_skipped(answered: int) -> str:
    """After a flood: what was answered, and that the rest were not."""
    first = "первое сообщение" if answered == 1 else f"первые {_messages(answered)}"
    return f"Я ответил на {first}; остальные пропущены — задайте их ещё раз."


def tell_skipped_now(seconds: float) -> str:
    """A message skipped while the held ones wait elsewhere (another bot instance)."""
    return (f"Слишком много сообщений: то, что придёт в ближайшие {max(1, round(seconds))} с., "
            "я пропущу — отправьте это ещё раз позже.")


def _chars(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def tell_paste_cut(kept: str, total: int, limit: int) -> str:
    """A paste past the limit: exactly what was read (up to which words) and how much was not."""
    last_words = " ".join(kept.split()[-6:])
    return (f"Текст длиннее, чем я читаю за раз ({_chars(limit)} символов): я прочитал первые "
            f"{_chars(len(kept))} из {_chars(total)}, до слов «{esc(last_words)}». Остальные "
            f"{_chars(total - len(kept))} символов не вошли в статью: пришлите их отдельно.")


def source_line(article: StoredArticle) -> str:
    if article.source_kind in ("document",):
        return f"Источник: файл {esc(article.source_title)}" if article.source_title else ""
    if article.source_url:
        return "Источник: " + link(article.source_url, article.source_title or article.source_url)
    if article.source_title:
        return f"Источник: {esc(article.source_title)}"
    return ""


def render_summary(article: StoredArticle, summary: Summary) -> str:
    """Title, the summary as bullets, "Ключевое: names · numbers", the source line."""
    lines: list[str] = []
    if title := shown_title(article):
        lines.append(f"<b>{esc(title)}</b>")
    sentences = [s.strip() for s in summary.sentences if s.strip()] or [summary.text.strip()]
    lines.extend(f"• {esc(s)}" for s in sentences if s)
    facts = [*summary.names[:6], *summary.numbers[:4]]
    if facts:
        lines.append("")
        lines.append("<b>Ключевое:</b> " + " · ".join(esc(f) for f in facts))
    source = source_line(article)
    if source:
        lines.append(source)
    if mostly_latin(article.text):
        lines.append("")
        lines.append(NOT_RUSSIAN)
    return "\n".join(lines)


NOT_RUSSIAN = ("<i>Я читаю статьи на русском, а эта, похоже, на другом языке: пересказ и ответы "
               "могут быть неточными.</i>")


def shown_title(article: StoredArticle) -> str:
    """The headline as a reader should see it: wiki markup ('' quotes, [[links]]) gone."""
    return without_markup(article.title) if article.title else ""


def short_title(article: StoredArticle, size: int = 60) -> str:
    """The headline, or the article's first words when it has none; a long one is cut at a
    word («…сексуальным нас…» read as a typo), unless its first word alone is that long."""
    title = shown_title(article) or without_markup((article.text or article.summary)[:1000])
    title = " ".join(title.split())
    if len(title) <= size:
        return title
    cut = title[: size - 1]
    at_word = cut[: cut.rfind(" ")] if title[size - 1] != " " and " " in cut else cut
    return at_word.rstrip(" ,;:—–-") + "…"


MAX_QUOTE_CHARS = 300
_CLAUSE_END = re.compile(r"[,;:—–]\s")


def quote_around(sentence: str, answer: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """The sentence, or, when it is long (a list of names or documents), the clauses around the
    answer with «…» where cut, at most about `limit` characters."""
    if len(sentence) <= limit:
        return sentence
    at = sentence.find(answer) if answer else -1
    if at < 0:
        at = 0
    stop = at + len(answer)
    start = max(0, at - (limit - len(answer)) // 2)
    end = min(len(sentence), start + max(limit, len(answer)))
    start = max(0, min(start, end - limit))
    if start > 0:  # begin at a clause, else at a word
        clause = [m.end() for m in _CLAUSE_END.finditer(sentence, start, at)]
        space = sentence.find(" ", start, at)
        start = clause[0] if clause else (space + 1 if space >= 0 else start)
    if end < len(sentence):
        clause = [m.start() + 1 for m in _CLAUSE_END.finditer(sentence, stop, end)]
        space = sentence.rfind(" ", stop, end)
        end = clause[-1] if clause else (space if space > stop else end)
    quote = sentence[start:end].strip(" ,;:—–")
    return ("…" if start > 0 else "") + quote + ("…" if end < len(sentence) else "")


def render_answer(result: QuestionResult, *, show_title: bool = False) -> str:
    answer = result.answer
    lines: list[str] = []
    if answer.found:
        lines.append(f"<b>Ответ:</b> {esc(answer.shown)}")
        if answer.sentence:
            quote = quote_around(answer.sentence.strip(), answer.text)
            lines.append(f"<i>Из статьи:</i> «{esc(quote)}»")
        if result.searched is not None:  # the current article did not answer, another did
            lines.append(f"<i>В статье «{esc(short_title(result.searched))}» этого нет; "
                         f"ответ из статьи:</i> {esc(short_title(result.article))}")
        elif show_title:
            lines.append(f"<i>Статья:</i> {esc(short_title(result.article))}")
    else:
        lines.append(f"В статье «{esc(short_title(result.article))}» этого нет.")
        lines.append("Спросите иначе или выберите другую статью: /articles")
    return "\n".join(lines)
