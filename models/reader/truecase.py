"""Capital letters back on lowercase Russian text, each character in its place.

SberQuAD, the reader's training data, is all lowercase, so the first reader read lowercased
text and lost what e5 learnt from capitals: that «Баку» or «Токаев» is a name. Restoring the
capitals of its rows lets a reader be trained on cased text and read articles as written. The
rules are pymorphy's (natasha's MorphVocab): a word whose likeliest reading is a first name,
surname, patronymic, place, organisation or trade mark is capitalised, an abbreviation among
them («сша», «мвд») is written in capitals, as are Roman numerals («xix»); the first word of a
sentence is capitalised. Only case changes, never length, so answer offsets stay valid. Also
used on a question a user typed all in lowercase («кто такой путин?»).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from models.text.lexicon import PROPER_NAME_GRAMMEMES

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# a sentence starts at the text's start, after a line break, or after . ! ? … (and closing
# quotes or brackets) and a space, opening quotes or brackets allowed before its first word;
# group 1 is the word just before a full stop, group 2 the stop and what follows it
_SENTENCE_START = re.compile(
    r"(?:^|\n|(\w*)([.!?…][»\"')\]]*)\s+|[\])»\"][.!?…]\s+)[\s«\"„(\[—–-]*(?=\w)")


def _styled(word: str, case: str) -> str:
    styled = word.upper() if case == "upper" else word[:1].upper() + word[1:]
    return styled if len(styled) == len(word) else word


@dataclass
class Truecaser:
    """Restores capitals with `morph` (natasha's MorphVocab); remembers each word's case."""

    morph: Any
    _cases: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def word_case(self, word: str) -> str:
        """How `word` (lowercase) is written inside a sentence: "title", "upper", "lower", or
        "abbr" (a shortened word written in lowercase, «г», «млн»: a full stop after it
        does not end the sentence)."""
        case = self._cases.get(word)
        if case is None:
            case = _case_of(word, self.morph)
            with self._lock:
                if len(self._cases) > 200_000:
                    self._cases.clear()
                self._cases[word] = case
        return case

    def __call__(self, text: str) -> str:
        """`text` with the capitals of names, abbreviations and sentence starts restored;
        words already holding a capital are left as written."""
        chars = list(text)
        for match in _WORD.finditer(text):
            word = match.group()
            if word != word.lower():
                continue
            case = self.word_case(word)
            if case in ("title", "upper"):
                chars[match.start():match.end()] = _styled(word, case)
        for match in _SENTENCE_START.finditer(text):
            before, stop = match.group(1), match.group(2) or ""
            if before and stop.startswith(".") and (
                    len(before) == 1 or self.word_case(before.lower()) == "abbr"):
                continue  # «до н. э.», «в 1990 г. он»: an abbreviation, not a sentence's end
            k = match.end()
            if k < len(chars) and chars[k].islower() and len(chars[k].upper()) == 1:
                chars[k] = chars[k].upper()
        return "".join(chars)


def _case_of(word: str, morph: Any) -> str:
    parses = morph.parse(word)
    if not parses:
        return "lower"
    tag = str(parses[0].tag)
    if "ROMN" in tag:
        return "upper" if len(word) > 1 else "lower"
    if "Abbr" in tag:
        # acronyms («ДНК», «СМИ», «МВД», «США»), not shortened words («г», «млн», «вуз»)
        acronym = len(word) > 1 and any(g in tag for g in ("Sgtm", "Pltm", "Orgn", "Geox"))
        return "upper" if acronym else "abbr"
    if any(grammeme in tag for grammeme in PROPER_NAME_GRAMMEMES):
        return "title"
    return "lower"


def needs_truecase(text: str) -> bool:
    """True for text typed without any capital letter (a question «где прошла встреча?»)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(c.isupper() for c in letters)
