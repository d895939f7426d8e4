"""Closed sets of Russian words that several modules recognise by lemma.

Kept in one place so that the QA retrieval cues and the summary faithfulness guard agree on
what a month is.
"""

from __future__ import annotations

MONTH_LEMMAS = frozenset({
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
})
