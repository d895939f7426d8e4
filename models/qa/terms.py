"""A court's sentence, the answer to «скока ему дали».

People ask what a court gave in the words of the street: «скока ему дали», «скока им дали»,
«а прокурор скока просил», «скока лет ему светило». The reader, asked «сколько», takes any
amount of the sentence it reads: the bribe («700 тысяч рублей»), the damage («несколько сотен
тысяч долларов»), the length of the trial. News say the term one way: a length of time and what
it is spent in («к семи годам лишения свободы», «к 1 году лишения свободы условно», «на 4-5 годах
заключения»), or a term in one word («двухлетний срок», «пожизненное заключение»). So when a
question asks what was given or asked and the article states such a term, only a term answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from models.qa.answer_types import GIVING_WORDS, Span, counted_noun
from models.text.analysis import AnalyzedArticle, Sentence

# «сколько лет ему дали»: the counted noun, when there is one, is the term's unit
TERM_UNITS = frozenset({"", "год", "лет", "месяц", "срок"})

_NUMBER = (r"(?:\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+)?"
           r"|(?:одн|дв|тр[иеё]|четыр|пят|шест|сем|восьм|восем|девят|десят|полутор)\w*"
           r"|\w+надцат\w*|(?:двадцат|тридцат)\w*)")
_UNIT = r"(?:год\w*|лет|месяц\w*|сут\w*|дн\w*|недел\w*)"
_SPENT_IN = (r"(?:лишени\w*\s+свободы|заключени\w*|колони\w*|тюрьм\w*|тюремн\w*\s+\w+"
             r"|ограничени\w*\s+свободы|ареста|исправительн\w*\s+работ|принудительн\w*\s+работ"
             r"|условно)")
_TERM = re.compile(
    rf"(?<!\w)(?:(?:к|на)\s+)?(?:"
    rf"{_NUMBER}(?:\s+с\s+половиной)?\s+{_UNIT}(?:\s+и\s+{_NUMBER}\s+месяц\w*)?"
    rf"(?:\s+\w+){{0,1}}?\s+{_SPENT_IN}(?:\s+(?:строгого|общего|особого)\s+режима)?"
    rf"(?:\s+условно)?"
    rf"|(?:лиш\w*\s+свобод\w*|заключени\w*|тюремн\w*\s+заключени\w*)\s+на\s+срок\s+"
    rf"(?:от\s+{_NUMBER}\s+)?(?:до\s+)?{_NUMBER}\s+{_UNIT}"
    rf"|\w+летн\w*\s+(?:срок\w*|заключени\w*)"
    rf"|пожизненн\w*\s+(?:срок\w*|заключени\w*|лишени\w*\s+свободы))(?!\w)",
    re.IGNORECASE)


def asks_term(question) -> bool:
    """«скока ему дали», «чё ему дали», «а прокурор скока просил», «скока лет ему светило»: a
    сколько- or что-question whose verb gives, asks or threatens, counting nothing but years or
    months («скока голосов получил» and «скока денег дали» are no terms). Only an article that
    states a term answers it so (`states_term`)."""
    if not any(w.lemma in GIVING_WORDS for w in question.words):
        return False
    if question.wh == "что":  # «чё ему дали», not «за что его посадили» (a reason)
        return question.wh_index == 0 or question.words[question.wh_index - 1].pos != "ADP"
    return question.wh == "сколько" and counted_noun(question) in TERM_UNITS


# what the prosecution asks is said with these; what the court gave is any other term
ASKING_WORDS = frozenset({"просить", "запросить", "требовать", "потребовать", "настаивать",
                          "обвинение", "прокурор", "прокуратура", "гособвинитель",
                          "гособвинение"})


def term_sentences(doc: AnalyzedArticle, question) -> Callable[[Sentence], bool]:
    """Which sentences may answer: those whose term is of the asked kind (what the
    prosecution asked for «а прокурор скока просил», what was given otherwise), or every
    sentence with a term when the article states only the other kind."""
    asking = bool({w.lemma for w in question.words} & ASKING_WORDS)

    def of_kind(sentence: Sentence) -> bool:
        return bool(terms_in(sentence)) and bool(sentence.lemmas & ASKING_WORDS) == asking

    if any(of_kind(sentence) for sentence in doc.sentences):
        return of_kind
    return lambda sentence: bool(terms_in(sentence))


def terms_in(sentence: Sentence) -> list[Span]:
    """The terms a sentence states, as article offsets."""
    return [(sentence.start + m.start(), sentence.start + m.end())
            for m in _TERM.finditer(sentence.text)]


def states_term(doc: AnalyzedArticle) -> bool:
    """Whether the article states any term: else a term question is read as any other."""
    return any(terms_in(sentence) for sentence in doc.sentences)


def whole_term(doc: AnalyzedArticle, start: int, stop: int) -> Span | None:
    """The term a span touches, with its preposition («к семи годам лишения свободы»); None
    when it touches none."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return None
    for a, b in terms_in(sentence):
        if a < stop and start < b:
            return a, b
    return None
