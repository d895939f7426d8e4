"""What an extractive summary may quote: whole sentences as a reader sees them.

The sentence splitter (razdel) sometimes ends a sentence inside brackets or quotation marks, most
often at a ";" in a parenthesis of alternative names: "…епископ Теодориус (Теодорус, Тавадрос;" +
"Theodoros II;" + "в миру — …) из мухафаза Бухейра." Quoting the first piece alone would cut the
sentence in the middle, and the lead of such an article could not open its summary at all. So pieces
of one line are joined while a bracket or quotation mark they opened is still open; the result, a
unit, is what the summary quotes (its text is the article's own, from its first piece's start to
its last piece's stop).

Two more facts about units that the summary needs, both plain reading rules:
- a unit whose « and » do not pair is part of a quotation that goes on (or began) elsewhere;
  quoting it alone would cut that quotation, so it is not quotable;
- a unit that opens with a pronoun or a connective ("Оба законодателя…", "Однако…") refers to
  something said before it, so it cannot open a summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.analysis import AnalyzedArticle, Sentence

BRACKETS = (("(", ")"), ("«", "»"), ("[", "]"))
MAX_PIECES = 4  # a bracket still open after four pieces is a broken text, not one long sentence

# First words that point back to an earlier sentence: personal and demonstrative pronouns,
# "оба", and connectives that continue or contrast. General Russian, not drawn from any data set.
ANAPHORIC_OPENERS = frozenset({
    "он", "она", "оно", "они", "оба", "обе", "это", "этот", "эта", "эти", "такой",
    "однако", "но", "поэтому", "также", "впрочем",
})


@dataclass(frozen=True, slots=True)
class Units:
    """An article's quotable units in reading order.

    Shaped like `AnalyzedArticle` where the summary reads it (`sentences`, `title_sentence`):
    `sentences[k]` is unit k, with `index` k; `pieces[k]` are the indices of the article's
    sentences it joins.
    """

    sentences: list[Sentence]
    pieces: list[tuple[int, ...]]
    title_sentence: Sentence | None

    def sentence_indices(self, units: list[int]) -> list[int]:
        """The article's sentence indices that `units` cover, in the order given."""
        return [piece for unit in units for piece in self.pieces[unit]]


def _unclosed(text: str) -> bool:
    return any(text.count(left) > text.count(right) for left, right in BRACKETS)


def _same_line(text: str, first: Sentence, second: Sentence) -> bool:
    return "\n" not in text[first.stop:second.start]


def units(doc: AnalyzedArticle) -> Units:
    """Join the pieces of a sentence that the splitter cut inside brackets or quotes."""
    text = doc.article.text
    sentences = doc.sentences
    joined: list[Sentence] = []
    pieces: list[tuple[int, ...]] = []
    first = 0
    while first < len(sentences):
        last = first
        while (
            last + 1 < len(sentences)
            and last - first + 1 < MAX_PIECES
            and _same_line(text, sentences[last], sentences[last + 1])
            and _unclosed(text[sentences[first].start:sentences[last].stop])
        ):
            last += 1
        if last > first and _unclosed(text[sentences[first].start:sentences[last].stop]):
            last = first  # never closed: the pieces are not one sentence after all
        start, stop = sentences[first].start, sentences[last].stop
        if last == first:
            unit = Sentence(len(joined), start, stop, sentences[first].text,
                            sentences[first].tokens)
        else:
            tokens = tuple(t for s in sentences[first:last + 1] for t in s.tokens)
            unit = Sentence(len(joined), start, stop, text[start:stop], tokens)
        joined.append(unit)
        pieces.append(tuple(range(first, last + 1)))
        first = last + 1
    return Units(joined, pieces, doc.title_sentence)


def cuts_a_quote(unit: Sentence) -> bool:
    """Whether the unit's quotation marks do not pair: a piece of a longer quotation."""
    return unit.text.count("«") != unit.text.count("»")


def opens_anaphorically(unit: Sentence) -> bool:
    """Whether the unit's first word points back to something said before it."""
    first = next((t for t in unit.tokens if t.pos != "PUNCT"), None)
    return first is not None and first.text.lower() in ANAPHORIC_OPENERS
