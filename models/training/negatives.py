"""Questions the same text does not answer, for teaching the reader its no-answer score.

SberQuAD and the NEREL-made questions are all answerable, and their contexts are about one
window long, so the reader saw almost no window that is about the question's subject and still
lacks the answer; its no-answer score was never taught on the case users hit most: a question
about a person or an event the article names, asking what the article does not say. Two kinds
of same-text negatives, both from training rows only:

- the row's own context with the answer's sentence taken out (the other sentences still share
  the question's words), kept only where the answer's words then occur nowhere in it;
- NEREL template questions about an entity the text names, for a relation the text does not
  annotate for it («Где родился X?» where no PLACE_OF_BIRTH of X is annotated)
  (`models/training/nerel_questions.unanswered_rows`).

And questions typed as users type them (`typed_like_users`): no question mark, a word with a
typo, as the natural questions the answer path is measured on are.
"""

from __future__ import annotations

import random
import re

from razdel import sentenize

MIN_CONTEXT_CHARS = 200  # a shorter remainder is no paragraph to read
_WORD = re.compile(r"\w+")
_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _words(text: str) -> set[str]:
    return {w.casefold().replace("ё", "е") for w in _WORD.findall(text)}


def without_answer_sentence(row: dict) -> dict | None:
    """`row` with the sentences holding its answer cut out of the context and no answers, or
    None where that leaves too little or the answer's words still occur in what is left."""
    if not row.get("answers"):
        return None
    context = row["context"]
    answer = row["answers"][0]
    a_start, a_stop = answer["answer_start"], answer["answer_start"] + len(answer["text"])
    kept = [s.text for s in sentenize(context) if s.stop <= a_start or s.start >= a_stop]
    rest = " ".join(kept)
    if len(rest) < MIN_CONTEXT_CHARS:
        return None
    answer_words = _words(answer["text"])
    if not answer_words or answer_words <= _words(rest):
        return None
    if answer["text"].casefold() in rest.casefold():
        return None
    return {"id": f"{row.get('id', '')}-cut", "context": rest, "question": row["question"],
            "answers": []}


def typo(word: str, rng: random.Random) -> str:
    """One slip of the fingers in a Russian word: a letter dropped, doubled, swapped with the
    next, or an unstressed а/о, е/и mixed up."""
    if len(word) < 5:
        return word
    k = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:k] + word[k + 1:]
    if kind == 1:
        return word[:k] + word[k] + word[k:]
    if kind == 2:
        return word[:k] + word[k + 1] + word[k] + word[k + 2:]
    swaps = {"а": "о", "о": "а", "е": "и", "и": "е"}
    vowels = [i for i, c in enumerate(word) if c in swaps and i > 0]
    if not vowels:
        return word
    i = rng.choice(vowels)
    return word[:i] + swaps[word[i]] + word[i + 1:]


def typed_like_users(question: str, rng: random.Random, typo_share: float = 0.3) -> str:
    """The question as a chat user types it: lowercase (the engine restores the capitals of
    names before reading, as at training), no question mark, sometimes one typo."""
    text = question.strip().rstrip("?").strip().lower()
    if rng.random() < typo_share:
        words = [m for m in _WORD.finditer(text)
                 if len(m.group()) >= 5 and all(c in _LETTERS for c in m.group())]
        if words:
            m = rng.choice(words)
            text = text[:m.start()] + typo(m.group(), rng) + text[m.end():]
    return text


def same_text_negatives(rows: list[dict], share: float, rng: random.Random) -> list[dict]:
    """Answer-sentence-cut negatives for about `share` of `rows`."""
    made = []
    for row in rows:
        if rng.random() < share and (negative := without_answer_sentence(row)) is not None:
            made.append(negative)
    return made
