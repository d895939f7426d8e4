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
    QWord,
)
from models.text.analysis import AnalyzedArticle

MAX_CONTENT_WORDS = 3  # a question about one thing: «когда похороны», «кто его адвокат»
ABBREVIATION = 3  # a noun this short may be an abbreviation typed in lower case
STEM = 5  # letters two forms of a noun share («похорон», «похороны»)
SHORT_STEM = 4  # a noun of four letters («граф») is found as the start of a longer form
# nouns that name the kind of answer, not a topic: «какой год», «кто автор», «что за человек»
GENERAL_NOUNS = (TIME_NOUNS | NUMBER_NOUNS | PLACE_NOUNS | PERSON_NOUNS | KIND_NOUNS
                 | {"народ", "деньги", "деньга", "раз", "итог", "дело",
                    "вещь", "тип", "штука", "имя", "фамилия", "название", "причина", "повод",
                    "цель", "смысл", "суть", "новость", "статья", "текст", "история"})
_stems: weakref.WeakKeyDictionary[AnalyzedArticle, frozenset[str]] = (
    weakref.WeakKeyDictionary())


def article_stems(doc: AnalyzedArticle) -> frozenset[str]:
    """The first letters of every word of the article and its headline, as written and as
    its lemma (a name the tagger lemmatises wrongly is still found)."""
    stems = _stems.get(doc)
    if stems is None:
        sentences = list(doc.sentences)
        if doc.title_sentence is not None:
            sentences.append(doc.title_sentence)
        stems = frozenset(form.lower().replace("ё", "е")[:size] for s in sentences
                          for t in s.tokens for form in (t.lemma, t.text)
                          for size in (SHORT_STEM, STEM))
        _stems[doc] = stems
    return stems


def asked_noun(parsed: Question) -> QWord | None:
    """The noun a question with no verb asks about («когда похороны» -> похороны, «кто был
    пилотом» -> пилот), None when the question has a verb or no such noun: the first noun after
    the question word that no preposition governs."""
    if parsed.wh_index < 0 or parsed.wh in WHICH_WORDS | {"что"} or any(
            w.pos == "VERB" for w in parsed.words):
        # «какие книги у него главные»: the noun is the answer's kind, not a topic; «что такое
        # сепсис», «что предначертано ламе»: a definition's noun is in the text in some form
        return None
    governed = False
    for word in parsed.words[parsed.wh_index + 1:]:
        if word.pos == "ADP":
            governed = True
            continue
        if word.pos == "NOUN" and not governed:
            return word
        if word.pos not in {"ADJ", "DET", "AUX", "PART", "ADV", "CCONJ"}:
            governed = False
    return None


def absent_topic(doc: AnalyzedArticle, parsed: Question) -> str:
    """The noun a verbless question asks about when the article never mentions it, else ""."""
    if len(parsed.content) > MAX_CONTENT_WORDS:
        return ""  # «кто был главным врагом норманнов в Италии…» says more than one thing
    word = asked_noun(parsed)
    if word is None or len(word.lemma) <= ABBREVIATION or word.lemma in GENERAL_NOUNS:
        return ""  # «зачем ей удо»: an abbreviation the article may spell out
    stems = article_stems(doc)
    if any(form.lower().replace("ё", "е")[:STEM] in stems for form in (word.lemma, word.text)):
        return ""
    return word.lemma
