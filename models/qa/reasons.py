"""Where an article states the reason a почему / за что / зачем question asks for (#26).

The reason clauses themselves are found in a sentence's parse (`models.qa.span_shape`); this
module says which sentences are searched: the best-ranked ones for any reason, the sentence
right after one of them for a reason it gives for what that one says («… отменил приговор.
Поводом для этого стало решение ЕСПЧ»), and any sentence for a charge («была признана
виновной в убийстве»): news states what someone is tried for once, often far from the
sentence about the trial, the arrest or the sentence the question names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.qa import span_shape
from models.qa.question import Expect, Question
from models.qa.rules.parse import ParsedSentence, parse_sentences
from models.text.analysis import AnalyzedArticle
from models.text.toolkit import NlpToolkit

# a «за что» question, or one about a trial, an arrest or a punishment («за что её казнят»,
# «почему его посадили»): what the person is charged with or found guilty of answers it
PUNISHED = re.compile(
    r"(?:^|\s)за\s+что\b|казн|посад|сажа|сидит|арест|задерж|осуд|суд[ия]т|судил|приговор|"
    r"оштраф|наказ|обвин|срок|тюрьм|колони|преследу|разыскива|депортир|выслал|высыла",
    re.IGNORECASE)


def asks_charge(doc: AnalyzedArticle, question: Question) -> bool:
    """Whether a почему/за что question asks what someone is tried or punished for and the
    article states a charge («обвиняют в …», «признан виновным в …»): that answers it however
    few of the question's words its sentence shares («за что брата осудили»)."""
    return (question.expect == Expect.REASON and bool(PUNISHED.search(question.text))
            and any(span_shape.CHARGE_STEMS.search(s.text) for s in doc.sentences))


@dataclass(slots=True)
class Reasons:
    """Sentence index -> the reasons it states (character offsets); `certain`: the sentences
    whose reason answers even when the reader doubts it (a reason stated for what the sentence
    before says, a cause said in so many words: «вызвана …», «причиной стало …», a charge for
    a question about a punishment)."""

    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    certain: set[int] = field(default_factory=set)


def _restates(tree: ParsedSentence, span: tuple[int, int], asked: frozenset[str]) -> bool:
    """Whether a reason names the action the question asks about («зачем они это устроили»:
    «в результате беспорядков, устроенных болельщиками» is the riot itself, not its cause)."""
    start, stop = span
    return any(w.lemma in asked for w in tree.words if start <= w.start and w.stop <= stop)


def stated_reasons(doc: AnalyzedArticle, question: Question, ranked: list[tuple[int, float]],
                   toolkit: NlpToolkit, best: int) -> Reasons:
    """The reasons stated in the sentences of `ranked` searched (see the module's note);
    `best` is how many best-ranked sentences may give a reason of any kind."""
    asked = frozenset(w.lemma for w in question.words if w.pos == "VERB")
    top = {i for i, _ in ranked[:best]}
    following = {i + 1 for i in top} - top
    punished = bool(PUNISHED.search(question.text))
    charged = {i for i, _ in ranked
               if span_shape.CHARGE_STEMS.search(doc.sentences[i].text)} - top - following
    near = [i for i, _ in ranked if i in top or i in following or i in charged]
    # the best sentence's own reason stands where the reader doubts it: asked in other words
    # («почему болдырева убрали» of «покидает пост в связи с достижением …») it often does
    first = ranked[0][0] if ranked and ranked[0][0] in top else -1
    trees = parse_sentences(doc, near, toolkit)
    found, weak = Reasons(), {}
    for i in near:
        tree = trees[i]
        charges = span_shape.cause_spans(tree, charges_only=True)
        stated = span_shape.stated_reason(tree)
        causes = span_shape.cause_spans(tree) + ([stated] if stated else [])
        if i in top:
            spans = span_shape.reason_spans(tree)
            weak[i] = [span for span in span_shape.reason_spans(tree, weak=True)
                       if not _restates(tree, span, asked)]
        elif i in following:
            spans = sorted(set(causes))
        else:
            spans = charges
        spans = [span for span in spans if not _restates(tree, span, asked)]
        if not spans:
            continue
        found.spans[i] = spans
        said = (set(causes) - set(charges)) | ({stated} if stated else set())
        if (i in following and i not in top) or (punished and set(charges) & set(spans)) or (
                i in top and said & set(spans)) or i == first:
            found.certain.add(i)
    if not found.spans:  # «после того как …» is the reason only where nothing else is
        found.spans = {i: spans for i, spans in weak.items() if spans}
    return found
