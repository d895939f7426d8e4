"""«когда похороны», «кто его адвокат», «кто был пилотом» about a text that never mentions a
funeral, a lawyer or a pilot: the article does not answer; any date, name or person the reader
finds in it answers another question. A question with no verb asks about its noun alone, so
when that noun (by lemma, or its first letters for another form of the word: «голосование»,
«проголосовали» do not count, «голосования» does) is nowhere in the article, the honest answer
is «этого нет». Questions with a verb are left to the sentence finder and the reader: their
noun may be said in other words («скока бабла» — «650 тысяч долларов»)."""

from __future__ import annotations

import weakref

from models.qa.question import (
    KIND_NOUNS,
    NUMBER_NOUNS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    TIME_NOUNS,
    WHICH_WORDS,
    Question,
)
from models.text.analysis import AnalyzedArticle

ABBREVIATION = 3  # a noun this short may be an abbreviation typed in lower case
STEM = 5  # letters two forms of a noun share («похорон», «похороны»)
# nouns that name the kind of answer, not a topic: «какой год», «кто автор», «что за человек»
GENERAL_NOUNS = (TIME_NOUNS | NUMBER_NOUNS | PLACE_NOUNS | PERSON_NOUNS | KIND_NOUNS
                 | {"человек", "люди", "народ", "деньги", "деньга", "раз", "итог", "дело",
                    "вещь", "тип", "штука", "имя", "фамилия", "название", "причина", "повод",
                    "цель", "смысл", "суть", "новость", "статья", "текст", "история"})
_lemmas: weakref.WeakKeyDictionary[AnalyzedArticle, frozenset[str]] = (
    weakref.WeakKeyDictionary())


def article_stems(doc: AnalyzedArticle) -> frozenset[str]:
    """The first letters of every lemma of the article and its headline."""
    stems = _lemmas.get(doc)
    if stems is None:
        sentences = list(doc.sentences)
        if doc.title_sentence is not None:
            sentences.append(doc.title_sentence)
        stems = frozenset(t.lemma.lower().replace("ё", "е")[:STEM] for s in sentences
                          for t in s.tokens)
        _lemmas[doc] = stems
    return stems


def asked_noun(parsed: Question) -> str:
    """The noun a question with no verb asks about («когда похороны» -> похороны, «кто был
    пилотом» -> пилот), "" when the question has a verb or no such noun: the first noun after
    the question word that no preposition governs."""
    if parsed.wh_index < 0 or parsed.wh in WHICH_WORDS or any(
            w.pos == "VERB" for w in parsed.words):
        return ""  # «какие книги у него главные»: the noun is the answer's kind, not a topic
    governed = False
    for word in parsed.words[parsed.wh_index + 1:]:
        if word.pos == "ADP":
            governed = True
            continue
        if word.pos == "NOUN" and not governed:
            return word.lemma
        if word.pos not in {"ADJ", "DET", "AUX", "PART", "ADV", "CCONJ"}:
            governed = False
    return ""


def absent_topic(doc: AnalyzedArticle, parsed: Question) -> str:
    """The noun a verbless question asks about when the article never mentions it, else ""."""
    noun = asked_noun(parsed)
    if len(noun) <= ABBREVIATION or noun in GENERAL_NOUNS:
        return ""  # «зачем ей удо»: an abbreviation the article may spell out
    return "" if noun.replace("ё", "е")[:STEM] in article_stems(doc) else noun
