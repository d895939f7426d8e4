"""Two reading rules for what a summary may quote, beyond a sentence being complete.

- a sentence whose « and » do not pair is part of a quotation that goes on (or began) elsewhere;
  quoting it alone would cut that quotation, so it is not quotable;
- a sentence that opens with a pronoun or a connective ("Оба законодателя…", "Однако…") refers
  to something said before it, so it cannot open a summary.

(Sentences that razdel cut inside brackets are already whole: see `models.text.sentences`.)
"""

from __future__ import annotations

from models.text.analysis import Sentence

# First words that point back to an earlier sentence: personal and demonstrative pronouns,
# "оба", and connectives that continue or contrast. General Russian, not drawn from any data set.
ANAPHORIC_OPENERS = frozenset({
    "он", "она", "оно", "они", "оба", "обе", "это", "этот", "эта", "эти", "такой",
    "однако", "но", "поэтому", "также", "впрочем",
})


def cuts_a_quote(sentence: Sentence) -> bool:
    """Whether the sentence's quotation marks do not pair: a piece of a longer quotation."""
    return sentence.text.count("«") != sentence.text.count("»")


def opens_anaphorically(sentence: Sentence) -> bool:
    """Whether the sentence's first word points back to something said before it."""
    first = next((t for t in sentence.tokens if t.pos != "PUNCT"), None)
    return first is not None and first.text.lower() in ANAPHORIC_OPENERS
