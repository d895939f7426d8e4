"""Do these bytes hold a text? Decoding and a reading test shared by files and links.

Bytes come from strangers: a .txt file, a page served as text/plain. Any byte string decodes as
cp1251 into «letters», so decoding is not proof: 20 KB of random high bytes was summarised as
gibberish, and a UTF-8 file with three stray bytes was read whole as cp1251 (mojibake). So a
text is accepted only when it reads as text: no NUL or run of control bytes, mostly letters,
and words shaped as words are written (cased like «лето», «Лето» or «ЛЕТО», with a vowel).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

REPLACEMENT = "\ufffd"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A UTF-8 text with a few bad bytes (a cut download, a bad copy) is still UTF-8: at most one
# bad sequence for this many good non-ASCII characters. cp1251 Russian read as UTF-8 has
# nearly every letter bad.
GOOD_PER_BAD = 20
MIN_LETTER_SHARE = 0.4  # of the characters that are not spaces; a results table has ~50 %
MIN_WORD_SHARE = 0.5  # of the words: prose has over 95 %, a price list ~80 %, random bytes ~20 %
MIN_WORDS_TO_JUDGE = 20  # fewer words say too little; a text that short is refused as short
_WORD = re.compile(r"[^\W\d_]{2,}")
# Vowels of the Latin and Cyrillic alphabets the bot may meet, after accents are taken off
_VOWELS = frozenset("aeiouyæœøаеиоуыэюяєіәөүұ")


def mostly_utf8(data: bytes) -> str | None:
    """The bytes as UTF-8 with the few bad sequences dropped, when they are mostly UTF-8;
    None when they are not (then they are another code page, or not text at all)."""
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count(REPLACEMENT)
    if not bad:
        return text
    good = sum(1 for c in text if c > "\x7f") - bad
    return text.replace(REPLACEMENT, "") if good >= GOOD_PER_BAD * bad else None


def decode_unlabelled(data: bytes) -> str:
    """Bytes whose encoding nobody declared: UTF-8 when they mostly are, else cp1251 (the
    Russian code page of old files and sites)."""
    text = mostly_utf8(data)
    return text if text is not None else data.decode("cp1251", errors="replace")


def looks_binary(text: str) -> bool:
    """A NUL, or more control characters and undecodable bytes than a text has: a binary file
    under a text name (a picture, an archive)."""
    if "\x00" in text:
        return True
    bad = len(_CONTROL.findall(text)) + text.count(REPLACEMENT)
    return bad > max(3, len(text) // 100)


def reads_as_text(text: str) -> bool:
    """Mostly letters, and most words shaped as words of a written language. Only words in
    Latin or Cyrillic letters are judged (other scripts have no case or write no vowels);
    a text with too few of them is let through to the article checks."""
    visible = sum(1 for c in text if not c.isspace())
    letters = sum(1 for c in text if c.isalpha())
    if visible and letters < MIN_LETTER_SHARE * visible:
        return False
    words = [w for w in _WORD.findall(text) if all(_latin_or_cyrillic(c) for c in w)]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return True
    shaped = sum(1 for w in words if _shaped_as_word(w))
    return shaped >= MIN_WORD_SHARE * len(words)


def _shaped_as_word(word: str) -> bool:
    """«лето», «Лето», «ЛЕТО» (and «МВД»: an abbreviation needs no vowel), not «лЕтО» or «ЖЩК»:
    random letters are mixed case and often lack vowels."""
    if word.isupper():
        return True
    return word[1:].islower() and any(_base_letter(c) in _VOWELS for c in word.lower())


def _latin_or_cyrillic(char: str) -> bool:
    return char < "\u0250" or "\u0400" <= char < "\u0530"


@cache
def _base_letter(char: str) -> str:
    """The letter without its accent: «ё» is «е», «é» is «e»."""
    return unicodedata.normalize("NFD", char)[0]
