"""Follow-up questions read with the one before: «а когда это было?», «а в питере?», «почему?».

In a chat a question leans on the last one: after «кто получил премию?» the user types «а
когда это было» and means «когда получил премию». Read alone, such a question has no content
word and retrieval drifts to any sentence with a date. So a question that leans on the previous
one is read with the words it leaves out, taken from the previous question (its own question
word and its own place, time or person replace the previous one's: «а в питере когда?» after
«когда концерт в москве» reads «когда концерт в питере»), and the previous answer's sentence
is a strong prior for the evidence (the engine's job). A question with its own content words
and no opener stands alone: «кто его убил» after «когда это случилось» is a new question.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.core.types import Turn
from models.qa.question import Question
from models.text.analysis import AnalyzedArticle

OPENERS = frozenset({"а", "и", "ну", "так", "ещё", "еще"})
# words a follow-up uses to point back at the previous answer or event
POINTERS = frozenset({"это", "этот", "тот", "такой", "там", "тогда", "туда", "оттуда", "он",
                      "она", "оно", "они", "его", "её", "ее", "их", "ему", "ей", "им", "него",
                      "неё", "нее", "них", "нему", "ней", "ним", "нём", "нем", "этого", "этом"})
PRIOR_BONUS = 0.05  # retrieval score added to the sentence a follow-up's previous answer came from
MAX_FOLLOW_UP_WORDS = 6  # «а в питере когда?»; a longer question says what it means
MAX_ANSWER_WORDS = 6  # the previous answer stands for «это»/«он» when it is a name or a phrase
MAX_OWN_CONTENT = 1  # with an opener: «а винтовка чья» brings one word of its own


@dataclass(frozen=True, slots=True)
class FollowUp:
    """How a question is to be read: `text` for retrieval and the reader, and whether it leans
    on the previous turn (then `prior` is the previous answer's sentence)."""

    text: str
    leans: bool
    prior: str = ""


def _words(question: Question) -> list[str]:
    return [w.text.lower() for w in question.words if w.pos != "PUNCT"]


def leans_on_previous(question: Question) -> bool:
    """Whether `question` cannot stand alone: no content word of its own («почему?», «а когда
    это было»), or a short question opening with «а»/«и» with no verb of its own («а в питере
    когда?») or one that points back («а кто это объявил?»)."""
    words = _words(question)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    if not question.content:
        return True
    if words[0] not in OPENERS or len(question.content) > MAX_OWN_CONTENT:
        return False
    # «а кто встретился?» brings a predicate of its own: a new question, unless it points back
    # («а кто это объявил?»)
    own_verb = any(w.pos == "VERB" and w.lemma != "быть" for w in question.words)
    return not own_verb or any(w in POINTERS for w in words)


def _replaced_lemmas(question: Question, previous: Question) -> set[int]:
    """Indices of the previous question's words that the follow-up replaces: its question word
    when the follow-up has one, and the noun of a phrase the follow-up restates with the same
    preposition or the same question role («в москве» by «в питере»)."""
    dropped: set[int] = set()
    if question.wh and previous.wh_index >= 0:
        dropped.add(previous.wh_index)
    own_prepositions = {w.lemma for w in question.words if w.pos == "ADP"}
    for i, word in enumerate(previous.words):
        if word.pos != "ADP" or word.lemma not in own_prepositions:
            continue
        dropped.add(i)
        head = word.head
        if head >= 0:
            dropped.add(head)
            dropped.update(k for k, w in enumerate(previous.words)
                           if w.head == head and w.pos in {"ADJ", "PROPN", "NOUN"})
    return dropped


def read_follow_up(question: Question, previous: Question | None, turn: Turn | None
                   ) -> FollowUp:
    """The question as it is meant: with the previous question's missing words when it leans
    on it, else as typed."""
    if previous is None or turn is None or not leans_on_previous(question):
        return FollowUp(question.text, False)
    dropped = _replaced_lemmas(question, previous)
    own = [w.text for w in question.words
           if w.pos != "PUNCT" and w.text.lower() not in OPENERS | POINTERS
           and w.lemma not in {"быть"}]
    borrowed = [w.text for i, w in enumerate(previous.words)
                if i not in dropped and w.pos != "PUNCT" and w.text.lower() not in OPENERS]
    if question.wh:
        borrowed = [w for w in borrowed if w.lower() != question.wh]
    if any(w.pos == "VERB" and w.lemma != "быть" for w in question.words):
        borrowed = []  # «а кто его снял?»: its own predicate; «его» is the previous answer
    points_back = any(w.text.lower() in POINTERS for w in question.words)
    answer = turn.answer.split() if points_back and turn.answer else []
    if len(answer) > MAX_ANSWER_WORDS:
        answer = []
    text = " ".join(own + borrowed + answer).strip()
    if not text:
        return FollowUp(question.text, False)
    return FollowUp(text + "?", True, turn.sentence)


def with_prior(doc: AnalyzedArticle, ranked: list[tuple[int, float]], prior: str
               ) -> list[tuple[int, float]]:
    """`ranked` with PRIOR_BONUS added to the sentence whose text is `prior`, re-sorted."""
    boosted = [(i, score + PRIOR_BONUS if doc.sentences[i].text == prior else score)
               for i, score in ranked]
    return sorted(boosted, key=lambda pair: -pair[1])
