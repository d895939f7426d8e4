"""The span scorer's features and their hand-set weights.

Each candidate span gets one row of the features below (built by
`models.qa.rules.spans.candidate_features`) and its score is the weighted sum. The weights are set
by hand from how Russian answers sit in their sentence, one reason each; they are NOT fitted. The
XQuAD-ru dev data is for measuring only: it shows whether a rule helps, it does not set numbers.
"""

from __future__ import annotations

import numpy as np

FEATURES = ("bias", "type_fit", "attached_to_match", "repeats_question", "distance",
            "length", "head_is_match", "entity", "exact_entity", "case_match",
            "match_inside", "starts_clause", "ends_clause", "attached_to_matched_verb",
            "one_word", "same_preposition", "other_preposition", "mirrors_role",
            "names_focus", "same_role")

_HAND_SET: dict[str, float] = {
    # the question word says what kind of thing is wanted (date, number, person): the main cue
    "type_fit": 1.5,
    # the answer is usually an argument of a word the question repeats ("подписали -> что")
    "attached_to_match": 0.5,
    # an answer does not restate the question (share of its content words that do)
    "repeats_question": -1.0,
    # nearest edge to a question word, per 10 words: the answer tends to sit near what is asked
    # about, but Russian word order is free ("3 марта ... встретился"), so only a mild cue
    "distance": -0.5,
    # per 10 content words: answers are short phrases (SQuAD answers average ~3 words)
    "length": -0.5,
    # a question word as the span's head means the span is about the question, not the answer
    "head_is_match": -0.2,
    # a whole named entity is a clean unit to answer with
    "exact_entity": 0.3,
    # "кого/кому/чем" ask for that case: a head noun in the same case is the asked-for argument
    "case_match": 0.5,
    # a span that swallows a question word drifts into restating the question
    "match_inside": -0.3,
    # an answer phrase tends to end at a comma or the sentence end, not mid-phrase
    "ends_clause": 0.3,
    # subject/object of the question's own verb ("кто подписал" -> the subject of "подписал")
    "attached_to_matched_verb": 0.3,
    # "с кем" is answered by "с X", "в каком году" by "в X году": the same preposition
    "same_preposition": 0.5,
    # "что подписали" is not answered by "по итогам": кто/что want a bare NP or one with the
    # question's own preposition
    "other_preposition": -0.5,
    # the phrase plays the question word's own role for the verb the question repeats ("что
    # подписали" -> the object of «подписали»): direct syntactic evidence, as strong as type
    "mirrors_role": 1.0,
    # "какой X" is answered by the phrase that says which X: X with its modifier or name
    "names_focus": 0.5,
    # the same role for another verb: a paraphrased question still asks for a subject/object
    "same_role": 0.3,
}
WEIGHTS = np.array([_HAND_SET.get(name, 0.0) for name in FEATURES], dtype=np.float32)
for _name in _HAND_SET:  # a misspelt key would silently weigh nothing
    assert _name in FEATURES, _name

# Across the top sentences: a span gains this much per unit of its sentence's retrieval score
# relative to the best sentence (retrieval is usually right, so a lower sentence must offer a
# clearly better span)...
SENTENCE_LEAD_WEIGHT = 2.0
# ...and loses this much for being in the 2nd or 3rd sentence rather than the 1st.
SENTENCE_RANK_WEIGHTS = (0.0, -1.0, -1.0)
