"""Replies as Telegram HTML: every piece of article text escaped, long replies split.

Tags we emit never span a line, and the splitter cuts at line ends, then sentence ends, then
spaces, never inside a tag or an entity; a tag left open at a cut is closed and reopened.
"""

from __future__ import annotations

import html
import re

from bot.services.message_kind import mostly_latin
from bot.services.questions import QuestionResult
from bot.storage.repo import StoredArticle
from models.engines.base import Summary

MESSAGE_LIMIT = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?…»])\s+")
_TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


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
    if article.title:
        lines.append(f"<b>{esc(article.title)}</b>")
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


def short_title(article: StoredArticle, size: int = 60) -> str:
    """The headline, or the article's first words when it has none."""
    title = article.title or article.text or article.summary
    title = " ".join(title.split())
    return title if len(title) <= size else title[: size - 1].rstrip() + "…"


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
        lines.append(f"<b>Ответ:</b> {esc(answer.text)}")
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


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut `text` into pieces of at most `limit` characters at the best boundary available."""
    pieces: list[str] = []
    current = ""
    for unit in _units(text, limit):
        candidate = f"{current}{unit}" if current else unit.lstrip("\n ")
        if len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            pieces.append(current.rstrip())
        current = unit.lstrip("\n ")
    if current.strip():
        pieces.append(current.rstrip())
    return _balance_tags(pieces)


def _units(text: str, limit: int) -> list[str]:
    """Lines (with their newline); a line over the limit becomes sentences, then words."""
    units: list[str] = []
    budget = limit - 64  # room for tags reopened at a cut
    for line in text.splitlines(keepends=True):
        if len(line) <= budget:
            units.append(line)
            continue
        for sentence in _split_keep(line, _SENTENCE_END):
            if len(sentence) <= budget:
                units.append(sentence)
            else:
                units.extend(_hard_split(sentence, budget))
    return units


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        parts.append(text[start:match.end()])
        start = match.end()
    parts.append(text[start:])
    return [p for p in parts if p]


def _hard_split(text: str, size: int) -> list[str]:
    """Words up to `size`; a cut never lands inside `<...>` or `&...;`."""
    parts: list[str] = []
    while len(text) > size:
        cut = text.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        for opener, closer in (("<", ">"), ("&", ";")):
            start = text.rfind(opener, 0, cut)
            if start != -1 and text.find(closer, start) >= cut:
                cut = start
        cut = max(cut, 1)
        parts.append(text[:cut] + " ")
        text = text[cut:].lstrip(" ")
    parts.append(text)
    return parts


def _balance_tags(pieces: list[str]) -> list[str]:
    balanced: list[str] = []
    carry: list[tuple[str, str]] = []  # (name, full opening tag) open at the previous cut
    for piece in pieces:
        piece = "".join(tag for _, tag in carry) + piece
        stack: list[tuple[str, str]] = []
        for match in _TAG.finditer(piece):
            closing, name = match.group(1), match.group(2)
            if not closing:
                stack.append((name, match.group(0)))
            elif stack and stack[-1][0] == name:
                stack.pop()
        balanced.append(piece + "".join(f"</{name}>" for name, _ in reversed(stack)))
        carry = stack
    return balanced
