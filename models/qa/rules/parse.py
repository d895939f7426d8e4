"""Morphological features and a dependency tree for the few sentences a question needs.

The article's analysis keeps lemmas and parts of speech only; span selection also needs case
and syntax, which cost a few milliseconds per sentence, so they are computed for the top
candidate sentences only and cached beside the analysis for the next question.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

from models.text.analysis import AnalyzedArticle, Sentence
from models.text.toolkit import NlpToolkit


@dataclass(frozen=True, slots=True)
class Word:
    """A token of a parsed sentence; `head` is an index into the sentence's words, -1 = root."""

    text: str
    start: int
    stop: int
    lemma: str
    pos: str
    feats: dict[str, str]
    head: int
    rel: str


@dataclass(frozen=True, slots=True)
class ParsedSentence:
    """A sentence's words with features and tree; `children[i]` are the dependents of word i."""

    sentence: Sentence
    words: tuple[Word, ...]
    children: tuple[tuple[int, ...], ...]

    def subtree(self, i: int) -> tuple[int, int]:
        """(first, last) word index covered by the subtree of word i."""
        members = self.descendants(i)
        return min(members), max(members)

    def descendants(self, i: int, skip: frozenset[str] = frozenset(),
                    drop: frozenset[int] = frozenset()) -> set[int]:
        """Word i and its dependents, leaving out those related by `skip` (with everything
        under them) and the words of `drop`."""
        seen, stack = {i}, [i]
        while stack:
            for k in self.children[stack.pop()]:
                if k not in seen and k not in drop and self.words[k].rel not in skip:
                    seen.add(k)
                    stack.append(k)
        return seen


_parsed: weakref.WeakKeyDictionary[AnalyzedArticle, dict[int, ParsedSentence]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()
# what the parses have cost this process, for the benchmark (`EmbeddedEngine.stats`)
PARSE_COST = {"seconds": 0.0, "sentences": 0.0}


def parse_sentences(doc: AnalyzedArticle, indices: list[int],
                    toolkit: NlpToolkit) -> dict[int, ParsedSentence]:
    """Parsed sentences `indices` of `doc`; each sentence is parsed once per article."""
    with _lock:
        cache = _parsed.setdefault(doc, {})
        missing = [i for i in indices if i not in cache]
    if missing:
        started = time.perf_counter()
        batch = [[t.text for t in doc.sentences[i].tokens] for i in missing]
        morphs = list(toolkit.morph_tagger.map(batch))
        trees = list(toolkit.syntax_parser.map(batch))
        fresh = {i: _build(doc.sentences[i], m, t) for i, m, t in zip(missing, morphs, trees)}
        with _lock:
            cache.update(fresh)
            PARSE_COST["seconds"] += time.perf_counter() - started
            PARSE_COST["sentences"] += len(missing)
    with _lock:
        return {i: cache[i] for i in indices}


def _build(sentence: Sentence, morph, tree) -> ParsedSentence:
    ids = {tok.id: n for n, tok in enumerate(tree.tokens)}
    words = []
    children: list[list[int]] = [[] for _ in sentence.tokens]
    for n, (token, mtok, stok) in enumerate(zip(sentence.tokens, morph.tokens, tree.tokens)):
        head = ids.get(stok.head_id, -1)
        if head == n:
            head = -1
        words.append(Word(token.text, token.start, token.stop, token.lemma, token.pos,
                          dict(mtok.feats or {}), head, stok.rel or ""))
        if head >= 0:
            children[head].append(n)
    return ParsedSentence(sentence, tuple(words), tuple(tuple(c) for c in children))
