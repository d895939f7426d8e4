"""Text out of an uploaded file: `.txt`, `.md`, `.html`; anything else is refused politely.

Files come from strangers, so the bytes are checked before they are believed: a NUL byte or a
run of control characters means "binary file with a .txt name", not an article, and the text
must read as text (`readable.reads_as_text`) whatever its extension.
"""

from __future__ import annotations

import io
import re

from bot.errors import ArticleTooLong, UnsupportedFile
from bot.services.readable import decode_unlabelled, looks_binary, reads_as_text

TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+)|(\*\*|__|`{1,3}|~~)", re.MULTILINE)


def extension(file_name: str) -> str:
    name = file_name.lower()
    return next((ext for ext in TEXT_EXTENSIONS if name.endswith(ext)), "")


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM; UTF-8 (with or without BOM) when it mostly is, a few bad bytes
    dropped; else cp1251. `UnsupportedFile("binary")` for NUL and control bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise UnsupportedFile("binary")
    else:
        text = decode_unlabelled(data)
    if not text.strip():
        return ""
    if looks_binary(text):
        raise UnsupportedFile("binary")
    return text


def markdown_to_text(text: str) -> str:
    """Markdown marks off, link texts kept; good enough for sentence splitting."""
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text))


def html_to_text(html: str) -> tuple[str, str]:
    """(title, main text) of an HTML page with trafilatura; ("", "") when nothing is found."""
    import trafilatura  # imported here: ~0.3 s, and only links and .html files need it

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      favor_precision=True, with_metadata=True)
    title = (getattr(doc, "title", None) or "") if doc is not None else ""
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip() and nesting_depth(html) > MAX_PARSED_DEPTH:
        raise UnsupportedFile("unreadable")
    return title.strip(), text.strip()


# libxml2 (under lxml and trafilatura) stops at 256 nested elements and the text below is lost:
# a page nested deeper was refused as «Слишком короткий текст», which it was not.
MAX_PARSED_DEPTH = 255
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
# void elements, and ones whose end tag is left out in old pages (they do not nest deeper)
_NOT_NESTING = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "p", "li", "option"})


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, by a scan of its tags (elements that need no end tag
    are not counted): asked only when extraction found nothing, to tell why."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def document_to_text(data: bytes, file_name: str) -> tuple[str, str]:
    """(title, text) of a file; `UnsupportedFile` for other extensions, binary content or a
    text that does not read as text (judged after the markup is gone: tags are not words)."""
    ext = extension(file_name)
    if not ext:
        raise UnsupportedFile("extension")
    text = decode_text(data)
    if ext in (".html", ".htm"):
        title, text = html_to_text(text)
    else:
        title, text = "", markdown_to_text(text) if ext in (".md", ".markdown") else text
    if not reads_as_text(text):
        raise UnsupportedFile("not_text")
    return title, text


class CappedBuffer(io.BytesIO):
    """A download destination that refuses to grow past `limit` bytes, so a file whose size
    Telegram did not tell (or told wrong) is not read whole before it is refused."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, chunk) -> int:  # type: ignore[override]
        if self.tell() + len(chunk) > self.limit:
            raise ArticleTooLong(self.tell() + len(chunk), self.limit, unit="bytes", exact=False)
        return super().write(chunk)


async def download_capped(bot, file_id: str, limit: int) -> bytes:
    """The file's bytes through aiogram's own download, streamed into a CappedBuffer; raises
    ArticleTooLong as soon as `limit` is passed (or at once when getFile says it is larger)."""
    file = await bot.get_file(file_id)
    if file.file_size and file.file_size > limit:
        raise ArticleTooLong(file.file_size, limit, unit="bytes")
    if not file.file_path:
        raise UnsupportedFile("download")
    buffer = CappedBuffer(limit)
    await bot.download_file(file.file_path, destination=buffer)
    return buffer.getvalue()
