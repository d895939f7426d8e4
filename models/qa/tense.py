"""Whether a time expression can date what a когда-question asks, by tense.

«когда кук приступит» asks about what has not happened yet: «семь лет назад» in the same text
dates something else, and so does «в ноябре» in «был госпитализирован в ноябре» for «когда его
выпишут». «когда коган ушёл» asks about the past: «в ближайшие недели» cannot answer it. The
reader cannot tell: it matches words, not tenses.
"""

from __future__ import annotations

import re

from models.qa.question import Question
from models.qa.rules.parse import ParsedSentence, parse_sentences
from models.text.analysis import AnalyzedArticle
from models.text.toolkit import NlpToolkit

# time said relative to now, which only a past or only a future event can have
_PAST_RELATIVE = re.compile(r"(?<!\w)(?:назад|прошл\w*|позапрошл\w*|вчера|позавчера)(?!\w)",
                            re.IGNORECASE)
# («на следующий день», «через два дня» date past events as well)
_FUTURE_RELATIVE = re.compile(r"(?<!\w)(?:будущ\w*|ближайш\w*|завтра|послезавтра)(?!\w)",
                              re.IGNORECASE)
FUTURE_AUXILIARIES = frozenset({"буду", "будешь", "будет", "будем", "будете", "будут"})


# «когда следующий суд»: what is to come, said without a verb
NEXT_WORDS = frozenset({"следующий", "будущий", "ближайший", "очередной", "предстоящий"})


def asks_future(question) -> bool:
    """«когда его выпишут», «когда сенат будет голосовать», «когда следующий суд»: a question
    about what is to come."""
    return (any(w.feats.get("Tense") == "Fut" or w.text.lower() in FUTURE_AUXILIARIES
                for w in question.words if w.pos in {"VERB", "AUX"})
            or any(w.lemma in NEXT_WORDS for w in question.words)) and not asks_past(question)


def asks_past(question) -> bool:
    """«когда коган ушёл»: a question about what has happened."""
    return any(w.feats.get("Tense") == "Past" for w in question.words
               if w.pos in {"VERB", "AUX"})


def against_tense(question, text: str) -> bool:
    """Whether a time expression cannot date what the question asks: «семь лет назад» for
    «когда кук приступит» (a future event), «в ближайшие недели» for «когда он ушёл»."""
    future, past = asks_future(question), asks_past(question)
    if future and not past:
        return bool(_PAST_RELATIVE.search(text))
    if past and not future:
        return bool(_FUTURE_RELATIVE.search(text))
    return False


def dates_past_event(parsed: ParsedSentence, start: int, stop: int) -> bool:
    """Whether a time expression dates what a finite past-tense verb says («был
    госпитализирован в ноябре», «объявили 21 сентября»): such a date cannot tell when
    something will happen. A participle («запланирована на август») tells nothing."""
    words = parsed.words
    inside = [i for i, w in enumerate(words) if w.start < stop and start < w.stop]
    tops = [i for i in inside if words[i].head not in inside]
    if not tops:
        return False
    i, seen = words[tops[0]].head, set()
    while 0 <= i < len(words) and i not in seen:
        seen.add(i)
        word = words[i]
        if word.pos in {"VERB", "AUX"} and word.feats.get("VerbForm") == "Fin":
            past = word.feats.get("Tense") == "Past"
            auxiliaries = [words[c] for c in parsed.children[i] if words[c].pos == "AUX"]
            return past or any(a.feats.get("Tense") == "Past" for a in auxiliaries)
        if word.pos in {"VERB", "ADJ"} and word.feats.get("VerbForm") == "Part":
            auxiliaries = [words[c] for c in parsed.children[i] if words[c].pos == "AUX"]
            return any(a.feats.get("Tense") == "Past" for a in auxiliaries)
        i = word.head
    return False


def fits_tense(doc: AnalyzedArticle, question: Question, span: tuple[int, int],
               toolkit: NlpToolkit) -> bool:
    """Whether the time expression text[span] may date what `question` asks: not «семь лет
    назад» nor what a past verb says happened for a question about what is to come."""
    if against_tense(question, doc.article.text[span[0]:span[1]]):
        return False
    sentence = doc.sentence_at(span[0])
    if sentence is None or not asks_future(question):
        return True
    tree = parse_sentences(doc, [sentence.index], toolkit)[sentence.index]
    return not dates_past_event(tree, *span)
