"""A что-answer made the whole thing the question asks for, not the word of it the reader read.

The reader often stops inside the phrase a что/о чём/в чём question asks for: «о чём Байден
просил» got «убежища» of «Байден просил отказать Сноудену в предоставлении убежища», «что их
возмущает» got half of the «что …» clause, «что фанаты творили» got «пиротехнику» of «фанаты
начали жечь пиротехнику и пытались выбежать на поле», «что со вторым пострадавшим» got his name.
These rules read the sentence's parse (`models.qa.rules.parse`):

- the question's verb found (by lemma) in the sentence, a span inside its complement (an
  infinitive, a «что …» clause, the object clause) answers with the whole complement;
- a question about what someone did («что делали/сделали/творили …») answers with the predicate
  of the clause (its subject's, when the sentence names it) and the verbs joined to it;
- «что с X» / «что случилось с X» answers with what the sentence says about X (the predicate of
  which X is the subject, or the «который …» clause on X);
- «в чём X» (no verb) answers with the whole noun phrase the sentence equates with X.

Offsets are the article's; nothing leaves the clause; None when no rule applies.
"""

from __future__ import annotations

from models.qa.question import Question
from models.qa.rules.parse import ParsedSentence

# a clause's complement: an infinitive, an object clause, a clausal subject
CLAUSE_COMPLEMENTS = frozenset({"xcomp", "ccomp", "csubj"})
# verbs that only stand for «doing something»: the answer is what was done
DOING_VERBS = frozenset({"делать", "сделать", "творить", "натворить", "вытворять",
                         "предпринять", "предпринимать", "поделать", "проделать"})
# «что (случилось|произошло|стало) с X»: X's fate
HAPPEN_VERBS = frozenset({"случиться", "произойти", "стать", "быть", "происходить",
                          "случаться"})
ABOUT = frozenset({"о", "об", "обо", "про"})
SUBJECTS = frozenset({"nsubj", "nsubj:pass"})
# dependents that leave the phrase: a clause on a noun, a remark, a second predicate
OFF_PHRASE = frozenset({"acl:relcl", "parataxis", "punct"})
LEADING_WORDS = frozenset({"что", "чтобы", "как", "будто", "ли"})
MAX_WORDS = 30


def _block(tree: ParsedSentence, words: set[int], anchor: int) -> tuple[int, int] | None:
    """The run of consecutive `words` around `anchor`, without the punctuation, subordinator or
    conjunction at its edges (first, last word index)."""
    first = last = anchor
    while first - 1 in words:
        first -= 1
    while last + 1 in words:
        last += 1

    def loose(k: int) -> bool:
        word = tree.words[k]
        return (word.pos == "PUNCT" or not any(c.isalnum() for c in word.text)
                or word.pos == "CCONJ")

    while first < last and (loose(first) or tree.words[first].lemma in LEADING_WORDS
                            and tree.words[first].pos in {"SCONJ", "PRON"}):
        first += 1
    while last > first and loose(last):
        last -= 1
    if last - first + 1 > MAX_WORDS:
        return None
    return first, last


def _inside(tree: ParsedSentence, start: int, stop: int) -> list[int]:
    return [i for i, w in enumerate(tree.words)
            if w.start < stop and start < w.stop and any(c.isalnum() for c in w.text)]


def _offsets(tree: ParsedSentence, block: tuple[int, int] | None) -> tuple[int, int] | None:
    if block is None:
        return None
    return tree.words[block[0]].start, tree.words[block[1]].stop


def _question_verbs(parsed: Question) -> set[str]:
    """The lemmas of the question's verbs; a participle is a noun here («со вторым
    пострадавшим»)."""
    return {w.lemma for i, w in enumerate(parsed.words)
            if w.pos in {"VERB", "AUX"} and i != parsed.wh_index
            and w.feats.get("VerbForm") != "Part"}


def _asked_verb(parsed: Question) -> str:
    """The verb whose content the question word asks for: its head, when the question word
    is bare or follows «о/об/про» («что их возмущает», «о чём Байден просил»); «от чего может
    зависеть», «во что могут переходить» ask for something else."""
    if parsed.wh_index < 0:
        return ""
    wh = parsed.words[parsed.wh_index]
    if wh.head < 0:
        return ""
    head = parsed.words[wh.head]
    if head.pos != "VERB" or head.feats.get("VerbForm") == "Part":
        return ""
    cases = [w.lemma for w in parsed.words if w.head == parsed.wh_index and w.rel == "case"]
    if any(case not in ABOUT for case in cases):
        return ""
    return head.lemma


def _predicate(tree: ParsedSentence, verb: int, inside: set[int]) -> tuple[int, int] | None:
    """The predicate headed by `verb` without its subject and subordinator, with the verbs
    joined to it by «и» (natasha may hang a second one on the main clause: «после того как
    фанаты начали жечь пиротехнику и пытались выбежать на поле»)."""
    subject = {k for k in tree.children[verb] if tree.words[k].rel in SUBJECTS}
    # a conjunct with a subject of its own is another clause («…, но они не имеют права …»)
    clauses = {k for k in tree.children[verb] if tree.words[k].rel == "conj" and any(
        tree.words[j].rel in SUBJECTS for j in tree.children[k])}
    dropped = set()
    for k in subject | clauses:
        dropped |= tree.descendants(k)
    words = tree.descendants(verb, OFF_PHRASE | {"mark", "advcl"}, frozenset(dropped))
    words |= {k for k in range(min(words), max(words) + 1) if tree.words[k].pos == "PUNCT"}
    block = _block(tree, words - dropped, verb)
    if block is None:
        return None
    first, last = block
    # a verb joined right after: «… и пытались выбежать на поле», the same subject's
    while last + 2 < len(tree.words) and tree.words[last + 1].pos == "CCONJ":
        nxt = last + 2
        word = tree.words[nxt]
        if not (word.pos == "VERB" and word.rel == "conj"
                and word.feats.get("Number") == tree.words[verb].feats.get("Number")
                and not any(tree.words[k].rel in SUBJECTS for k in tree.children[nxt])):
            break
        more = tree.descendants(nxt, OFF_PHRASE | {"advcl"})
        end = _block(tree, more, nxt)
        if end is None or end[0] != nxt:
            break
        last = end[1]
    if not inside & set(range(first, last + 1)):
        return None
    return first, last


def _by_lemma(tree: ParsedSentence, lemmas: set[str], pos: frozenset[str]) -> list[int]:
    return [i for i, w in enumerate(tree.words) if w.lemma in lemmas and w.pos in pos]


def _doing(parsed: Question, tree: ParsedSentence, inside: list[int]) -> tuple[int, int] | None:
    """«что фанаты творили»: the predicate of the clause the span is in (its subject named in
    the question, when the sentence has it)."""
    subjects = {w.lemma for w in parsed.words if w.rel in SUBJECTS and w.pos in {"NOUN", "PROPN"}
                and w.lemma != "что"}
    verbs = [tree.words[i].head for i in _by_lemma(tree, subjects, frozenset({"NOUN", "PROPN"}))
             if tree.words[i].rel in SUBJECTS and tree.words[i].head >= 0]
    if not verbs:  # a pronoun subject: the clause the reader read in
        verb = inside[0]
        while verb >= 0 and not (tree.words[verb].pos == "VERB" and any(
                tree.words[k].rel in SUBJECTS for k in tree.children[verb])):
            verb = tree.words[verb].head
        verbs = [verb] if verb >= 0 else []
    for verb in verbs:
        if tree.words[verb].pos != "VERB":
            continue
        block = _predicate(tree, verb, set(inside))
        if block is not None and set(inside) & set(range(block[0], block[1] + 1)):
            return block
    return None


def _fate(parsed: Question, tree: ParsedSentence, inside: list[int]) -> tuple[int, int] | None:
    """«что со вторым пострадавшим»: what the sentence says of him, when the reader read him."""
    k = parsed.wh_index + 1
    if k >= len(parsed.words) - 1 or parsed.words[k].lemma != "с":
        return None
    nouns = {w.lemma for w in parsed.words[k + 1:] if w.pos in {"NOUN", "PROPN", "VERB", "ADJ"}
             and w.feats.get("Case") in {"Ins", None}} - {"что"}
    for x in _by_lemma(tree, nouns, frozenset({"NOUN", "PROPN"})):
        who = {x} | {k for k in tree.children[x] if tree.words[k].rel == "appos"}
        phrase = set()
        for w in who:
            phrase |= tree.descendants(w, OFF_PHRASE)
        if not set(inside) <= phrase:
            continue
        for w in sorted(who):
            for c in tree.children[w]:
                if tree.words[c].rel == "acl:relcl":
                    return _predicate(tree, c, {c})
        head = tree.words[x].head
        if tree.words[x].rel in SUBJECTS and head >= 0:
            return _predicate(tree, head, {head})
    return None


def _equated(parsed: Question, tree: ParsedSentence, inside: list[int]) -> tuple[int, int] | None:
    """«в чём главное нарушение»: the whole noun phrase that the sentence's verb equates with
    the question's noun («Главным нарушением … стало раздельное рассмотрение дела … с делом
    …»)."""
    tops = [i for i in inside if tree.words[i].head not in inside]
    if len(tops) != 1:
        return None
    top = tops[0]
    while tree.words[top].rel in {"conj", "nmod", "amod", "flat:name", "appos"} and \
            tree.words[top].head >= 0 and tree.words[tree.words[top].head].pos in {
                "NOUN", "PROPN"}:
        top = tree.words[top].head
    verb = tree.words[top].head
    if (verb < 0 or tree.words[top].rel not in SUBJECTS | {"obj", "xcomp"}
            or tree.words[top].pos not in {"NOUN", "PROPN"}):
        return None
    asked = {w.lemma for w in parsed.words if w.pos == "NOUN"}
    if not any(tree.words[c].lemma in asked and tree.words[c].rel != tree.words[top].rel
               for c in tree.children[verb] if c != top):
        return None
    words = tree.descendants(top, OFF_PHRASE | {"acl", "advcl"})
    words |= {k for k in range(min(words), max(words) + 1)
              if tree.words[k].pos == "PUNCT" and tree.words[k].text in "«»\"()"}
    return _block(tree, words, top)


def whole_answer(parsed: Question, tree: ParsedSentence,
                 start: int, stop: int) -> tuple[int, int] | None:
    """The whole thing a что-question asks for around the reader's span (see the module's
    docstring), as article offsets; None when no rule applies."""
    inside = _inside(tree, start, stop)
    if not inside:
        return None
    verbs = _question_verbs(parsed)
    if verbs & DOING_VERBS:
        return _offsets(tree, _doing(parsed, tree, inside))
    if not verbs - HAPPEN_VERBS:
        found = _fate(parsed, tree, inside)
        if found is None and not verbs:
            found = _equated(parsed, tree, inside)
        return _offsets(tree, found)
    asked = _asked_verb(parsed)
    for verb in _by_lemma(tree, {asked}, frozenset({"VERB"})):
        for c in tree.children[verb]:
            if tree.words[c].rel not in CLAUSE_COMPLEMENTS or tree.words[c].pos != "VERB":
                continue
            words = tree.descendants(c, frozenset({"parataxis", "acl:relcl"}))
            # the words between a clause's first and last are its own, whatever head natasha
            # gave them («возмущает, что, несмотря на решение …, ФГУ … продолжает …»)
            words = set(range(min(words), max(words) + 1))
            if not set(inside) <= words:
                continue
            return _offsets(tree, _block(tree, words, c))
    return None
