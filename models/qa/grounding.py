"""Whether an answer's sentence speaks of the places, people and organisations the question
names: «когда последний раз казнили женщину в техасе» answered from «…была проведена в штате
Вирджиния в сентябре 2010 года» answers a question the article does not. The reader reads the
question's sense, not its names, so a confident span from a sentence about another place is the
commonest answer to a question the text does not answer (natural questions, dev part).
"""

from __future__ import annotations

from collections.abc import Callable

from models.qa.question import Question
from models.text.analysis import AnalyzedArticle

# pymorphy's grammemes of a place, a surname and an organisation. First names are left out:
# «вирджинии» parses as one, and a person is mostly named by the surname in news.
NAMED = frozenset({"Geox", "Surn", "Orgn"})
LIKELY = 0.5  # pymorphy's score of the parse below which a word is not taken for a name
# What users call a place the article names in full: «в питере» of «в Санкт-Петербурге».
ALIASES = {
    "питер": ("петербург",), "спб": ("петербург",), "мск": ("москв",),
    "рф": ("росси",), "россия": ("росси", "рф"), "штаты": ("сша", "америк", "соединён"),
    "сша": ("сша", "америк", "соединён"), "америка": ("сша", "америк"),
    "британия": ("британ", "англи"), "англия": ("британ", "англи"),
}
# A person or organisation is often named in the sentence before and referred to after («Суд
# отложил казнь Маккарти. Она узнала об этом…»): that sentence counts for them. A place the
# question names must be in the answer's own sentence: the sentence before naming Texas does not
# make «…проведена в штате Вирджиния» an answer about Texas.
BEFORE = {"Geox": 0, "Surn": 1, "Orgn": 1}


def question_names(parsed: Question, parse: Callable[[str], list],
                   is_known: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(lemma, grammeme) of the question's words that are likely a place, surname or
    organisation. Only dictionary words: pymorphy guesses a typo («решаюшую») to be a place."""
    names = []
    for n, word in enumerate(parsed.words):
        if n == parsed.wh_index or len(word.text) < 3 or not is_known(word.text.lower()):
            continue
        forms = parse(word.text.lower())
        kinds = NAMED & set(forms[0].tag.grammemes) if forms else set()
        if kinds and forms[0].score >= LIKELY:
            names.append((forms[0].normal_form, min(kinds)))
    return names


def stems(name: str) -> tuple[str, ...]:
    """How a name may show in the text: its stem (case endings off) and its aliases."""
    stem = name if len(name) <= 4 else name[: max(4, len(name) - 2)]
    return (stem, *ALIASES.get(name, ()))


def speaks_of(doc: AnalyzedArticle, sentence_index: int, names: list[tuple[str, str]]) -> bool:
    """Whether the sentence (for a person or organisation, it or the one before) mentions every
    name of the question."""
    return all(_mentions(doc, sentence_index - BEFORE[kind], sentence_index, name)
               for name, kind in names)


def _mentions(doc: AnalyzedArticle, first: int, last: int, name: str) -> bool:
    around = doc.sentences[max(0, first): last + 1]
    words = {token.text.lower().replace("ё", "е") for s in around for token in s.tokens}
    words |= {token.lemma for s in around for token in s.tokens}
    return any(w.startswith(stem.replace("ё", "е")) for stem in stems(name) for w in words)


def sentence_at(doc: AnalyzedArticle, offset: int) -> int | None:
    for sentence in doc.sentences:
        if sentence.start <= offset < sentence.stop:
            return sentence.index
    return None
