"""Per-sentence cues for evidence retrieval that lemma overlap and e5 cannot see on their own.

- paragraph: which paragraph (non-blank line) of the article a sentence sits in; a question is
  usually about one paragraph, so the words it shares with the whole paragraph count a little.
- link: whether the sentence opens by referring back ("Она была восстановлена...", "Этот
  перевод...", "Например, ..."), so that the previous sentence's subject is its subject too.
- dates and numbers: "когда" and "сколько" questions are answered by sentences that hold one.

All of it is computed once per article from the analysis (no model calls).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from models.text.analysis import Sentence, Token
from models.text.lexicon import MONTH_LEMMAS

# Lemmas that, among a sentence's first words, point back to the previous sentence: personal
# and demonstrative pronouns, "there/then", and discourse links that continue a topic.
LINK_LEMMAS = frozenset({
    "он", "она", "оно", "они", "это", "этот", "тот", "такой", "там", "тогда", "здесь",
    "данный", "последний", "поэтому", "например", "также", "однако", "впоследствии", "затем",
    "позднее", "позже", "большинство", "кроме",
})
LINK_SPAN = 3  # a link word counts among the first three words ("В их числе ...")

TIME_UNIT_LEMMAS = MONTH_LEMMAS | {"год", "век", "столетие", "десятилетие", "тысячелетие"}
_YEAR = re.compile(r"(1\d{3}|20\d{2})(-[хе])?|\d{2,4}-[хе]")  # 1944, 2000-е, 1980-х
_ROMAN = re.compile(r"[IVXLC]+")
_DIGIT = re.compile(r"\d")


def paragraph_ids(text: str, sentences: Sequence[Sentence]) -> list[int]:
    """The number of the non-blank line each sentence starts on (sentences never span lines)."""
    starts = [m.start() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    return [max(0, bisect_right(starts, s.start) - 1) for s in sentences]


def opens_with_link(sentence: Sentence) -> bool:
    """Whether one of the sentence's first words refers back to what came before."""
    words = [t for t in sentence.tokens if t.pos != "PUNCT"][:LINK_SPAN]
    return any(t.lemma in LINK_LEMMAS or t.text.lower() in LINK_LEMMAS for t in words)


def number_words(tokens: Sequence[Token]) -> frozenset[str]:
    """Lower-cased numbers of a sentence: digit-bearing tokens and numerals ("девяти")."""
    return frozenset(t.text.lower() for t in tokens
                     if t.pos == "NUM" or _DIGIT.search(t.text))


def date_words(tokens: Sequence[Token]) -> frozenset[str]:
    """Lower-cased tokens that make a date: years and decades, or a number (Arabic or Roman)
    followed within two words by a month, "год" or "век"."""
    found = set()
    lemmas = [t.lemma for t in tokens]
    for k, token in enumerate(tokens):
        if _YEAR.fullmatch(token.text):
            found.add(token.text.lower())
        elif ((token.pos == "NUM" or token.text.isdigit() or _ROMAN.fullmatch(token.text))
              and any(lemma in TIME_UNIT_LEMMAS for lemma in lemmas[k + 1:k + 3])):
            found.add(token.text.lower())
    return frozenset(found)
