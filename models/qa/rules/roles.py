"""The asked-for phrase's place in the question's tree, mirrored in an evidence sentence.

"Что подписали?": что is the object of подписать, so the answer is the object of «подписали» in
the sentence; "Какая партия пользуется поддержкой?": партия is the subject of пользоваться, so
the answer is the subject of «пользуются»; "С кем встретился X?" is answered by the «с»-phrase
of «встретился». A question in the passive asks for what the active sentence has as its object
("Какой спутник использовался?" ~ «сервис использовал спутник Astra 2A»), so the subject of a
passive and a direct object count as the same role. Both trees come from the same slovnet
parser, so their relation labels are comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from models.qa.retrieval import PREFIX

# UD relations grouped by the role they play for their governor; a passive subject is the
# same participant as an active object ("спутник использовался" ~ "использовал спутник").
ROLE_OF_REL = {
    "nsubj": "subj",
    "obj": "patient",
    "nsubj:pass": "patient",
    "iobj": "iobj",
    "obl": "obl",
    "nmod": "nmod",
}
# The question word leans on the noun it modifies: "какой театр", "сколько раз", "чей дом".
WH_MODIFIER_RELS = {"det", "amod", "nummod", "nummod:gov"}
PRED = "pred"  # "Кем был граф Мелфи?": the wh-word is the predicate of a copular question
HAPPENING = "happening"  # "Что происходит с X?": the answer is what X does (снижается)
HAPPEN_LEMMAS = {"происходить", "произойти", "случиться", "случаться", "статься"}
COMPLEMENT = "complement"  # "Чем являются цидиппиды?": what a link verb says its subject is
# Link verbs whose instrumental complement is what the subject is said to be or become.
LINK_VERB_LEMMAS = {"являться", "считаться", "стать", "становиться", "служить", "оказаться",
                    "оказываться", "представляться"}
NAMING = "naming"  # "Как называются наставники?": the answer is the name a naming word gives
# Words that give a name to what they are said of: "называются гуру", "называемые «ктены»",
# "под названием Новый Южный Уэльс", "известные как Амазония", "звали Дрого".
NAMING_LEMMAS = {"называть", "называться", "именовать", "именоваться", "звать", "название",
                 "известный", "прозвать", "прозвище", "имя", "называемый"}


class TreeWord(Protocol):
    """A parsed word of a question or a sentence (both `QWord` and `qa_parse.Word` fit)."""

    lemma: str
    pos: str
    feats: dict[str, str]
    head: int
    rel: str


@dataclass(frozen=True, slots=True)
class Role:
    """How the asked-for phrase attaches: its role, the governor's lemma and its preposition.

    For `PRED` questions ("Кем был граф Мелфи?") `governor` is the lemma of the subject the
    predicate is about (граф), since the answer is what the sentence says that subject is.
    """

    kind: str
    governor: str
    preposition: str = ""
    case: str = ""


def same_lemma(a: str, b: str) -> bool:
    """Equal lemmas, or ones sharing PREFIX first letters (подписать ~ подписывать)."""
    return a == b or (len(a) >= PREFIX and len(b) >= PREFIX and a[:PREFIX] == b[:PREFIX])


def preposition_of(words: Sequence[TreeWord], i: int) -> str:
    """The lemma of the preposition word i governs as its `case` dependent, "" if none."""
    return next((w.lemma for w in words if w.head == i and w.rel == "case"), "")


def question_role(words: Sequence[TreeWord], wh_index: int) -> Role | None:
    """The role of the question word's phrase in the question's own tree, if it is clear."""
    if wh_index < 0:
        return None
    phrase = wh_index
    governor = words[phrase].head
    if words[phrase].lemma == "как" and governor >= 0 and words[governor].lemma in NAMING_LEMMAS:
        return Role(NAMING, words[governor].lemma)
    if (words[phrase].lemma in {"что", "кто"} and words[phrase].feats.get("Case") == "Ins"
            and governor >= 0 and words[governor].lemma in LINK_VERB_LEMMAS):
        return Role(COMPLEMENT, words[governor].lemma)
    if words[phrase].lemma == "что" and governor >= 0 and words[governor].lemma in HAPPEN_LEMMAS:
        subject = next((w for w in words if w.head == governor and w.rel == "obl"
                        and preposition_of(words, words.index(w)) == "с"), None)
        if subject is not None:
            return Role(HAPPENING, subject.lemma)
    if words[phrase].rel in WH_MODIFIER_RELS and words[phrase].head >= 0:
        phrase = words[phrase].head
    word = words[phrase]
    preposition = preposition_of(words, phrase)
    case = word.feats.get("Case", "")
    if word.head < 0 or word.rel == "root":
        subject = next((w for w in words if w.head == phrase and w.rel.startswith("nsubj")),
                       None)
        return None if subject is None else Role(PRED, subject.lemma, preposition, case)
    kind = ROLE_OF_REL.get(word.rel)
    if kind is None:
        return None
    return Role(kind, words[word.head].lemma, preposition, case)


def mirrors_role(words: Sequence[TreeWord], head: int, role: Role | None) -> bool:
    """Whether the phrase headed by sentence word `head` plays the question word's role.

    The phrase must hang off a word with the question's governor lemma by a relation of the
    same role (and, for a prepositional role, the same preposition); for a copular question it
    must be the predicate of the asked-about subject or an apposition to it.
    """
    if role is None:
        return False
    word = words[head]
    governor = word.head
    if role.kind == HAPPENING:  # the verb whose subject is the X of "что происходит с X"
        return word.pos == "VERB" and any(
            w.head == head and w.rel.startswith("nsubj") and same_lemma(w.lemma, role.governor)
            for w in words)
    if role.kind == NAMING:  # what the naming word says, not what is named (its subject)
        return (governor >= 0 and words[governor].lemma in NAMING_LEMMAS
                and not word.rel.startswith("nsubj") and word.pos in {"NOUN", "PROPN", "X"})
    if role.kind == COMPLEMENT:  # the link verb's instrumental complement, bare (no preposition)
        return (governor >= 0 and words[governor].lemma == role.governor
                and word.rel in {"xcomp", "obl"} and word.feats.get("Case") == "Ins"
                and not preposition_of(words, head))
    if role.kind == PRED:
        if word.pos in {"VERB", "AUX"}:  # "объём составил 500 млн": the answer is the object
            return False
        if any(w.head == head and w.rel.startswith("nsubj") and same_lemma(w.lemma, role.governor)
               for w in words):
            return True
        return (word.rel == "appos" and governor >= 0
                and same_lemma(words[governor].lemma, role.governor))
    if governor < 0 or ROLE_OF_REL.get(word.rel) != role.kind:
        return False
    if not same_lemma(words[governor].lemma, role.governor):
        return False
    if role.kind in {"obl", "nmod"}:
        return preposition_of(words, head) == role.preposition and (
            bool(role.preposition) or word.feats.get("Case", "") == role.case)
    return True


def same_role(words: Sequence[TreeWord], head: int, role: Role | None) -> bool:
    """A weaker mirror: the phrase plays the question word's role for some verb, though not
    for the question's own (a paraphrase: "что ограничивает" ~ «зависит от»)."""
    if role is None or role.kind in {PRED, NAMING, HAPPENING, COMPLEMENT, "nmod"}:
        return False
    word = words[head]
    if word.head < 0 or ROLE_OF_REL.get(word.rel) != role.kind:
        return False
    if words[word.head].pos not in {"VERB", "AUX"}:
        return False
    return role.kind != "obl" or preposition_of(words, head) == role.preposition
