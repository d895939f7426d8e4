"""Long replies cut into Telegram messages of at most 4096 characters of HTML.

Tags we emit never span a line, and the splitter cuts at line ends, then sentence ends, then
spaces, never inside a tag or an entity; a tag left open at a cut is closed and reopened.
"""

from __future__ import annotations

import re

MESSAGE_LIMIT = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?…»])\s+")
_TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")


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
