"""One pass over an article: prose lines, sentences, tokens with lemmas, named entities, vectors.

The summariser and the question answerer both start from an `AnalyzedArticle`, so the costly part
(morphology, NER, one e5 vector per sentence) is done once per article and cached by the engine;
the vectors, the costliest, only when a question first needs them.
Every offset is into `Article.text`, the text exactly as the user sent it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.core.errors import EmptyText, TextTooShort
from models.core.types import Article
from models.text.cleaning import CleanText, clean_text, has_prose
from models.text.lexicon import PROPER_NAME_GRAMMEMES
from models.text.sentences import sentence_spans
from models.text.toolkit import NlpToolkit

logger = logging.getLogger(__name__)

MIN_PROSE_WORDS = 3
NER_CHARS = 50_000  # names are tagged in this much of a text (see `_tag_names`)
MORPH_CHARS = 60_000  # slovnet morph-tags this much of a text (see `_tag_morph`)
# pymorphy's (OpenCorpora) parts of speech as the Universal Dependencies ones slovnet gives
_UD_POS = {"NOUN": "NOUN", "ADJF": "ADJ", "ADJS": "ADJ", "COMP": "ADJ", "VERB": "VERB",
           "INFN": "VERB", "PRTF": "VERB", "PRTS": "VERB", "GRND": "VERB", "NUMR": "NUM",
           "ADVB": "ADV", "NPRO": "PRON", "PRED": "ADV", "PREP": "ADP", "CONJ": "CCONJ",
           "PRCL": "PART", "INTJ": "INTJ"}


@dataclass(frozen=True, slots=True)
class Token:
    """A word or punctuation mark; `lemma` is lower-case, `pos` a Universal Dependencies tag."""

    text: str
    start: int
    stop: int
    lemma: str
    pos: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article's prose; `index` is its place in `AnalyzedArticle.sentences`."""

    index: int
    start: int
    stop: int
    text: str
    tokens: tuple[Token, ...]

    @property
    def lemmas(self) -> frozenset[str]:
        return frozenset(t.lemma for t in self.tokens if t.pos != "PUNCT")


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity from slovnet: `type` is PER, LOC or ORG; `normal` its nominative form."""

    start: int
    stop: int
    type: str
    text: str
    normal: str


class AnalyzedArticle:
    """An article after analysis.

    `title` is the headline ("" when the text has none); it is not one of `sentences`, which are
    the body's sentences in reading order. `vectors[i]` is the e5 "passage:" vector of
    `sentences[i]` (L2-normalised, float32); `title_vector` that of the headline, or None.

    The vectors are computed on first use and then kept: the summary does not need them, so a
    forwarded article costs no e5 time until someone asks a question about it; every later
    question reuses them.
    """

    def __init__(
        self,
        article: Article,
        title: str,
        sentences: list[Sentence],
        entities: list[Entity],
        encoder: Any = None,
        *,
        title_sentence: Sentence | None = None,
        vectors: np.ndarray | None = None,
        title_vector: np.ndarray | None = None,
        timings: dict[str, float] | None = None,
        toolkit: Any = None,
    ) -> None:
        self.article = article
        self.toolkit = toolkit  # morphology and natasha's extractors, for the key facts
        # a sentence's key figures (models.summary.keyfacts)
        self.figures: dict[int, list[str]] = {}
        self.title = title
        self.sentences = sentences
        self.entities = entities
        self.title_sentence = title_sentence
        self.timings = timings if timings is not None else {}
        self._encoder = encoder
        self._vectors = vectors
        self._title_vector = title_vector
        self._some_vectors: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def vectors(self) -> np.ndarray:
        """One e5 "passage:" vector per sentence (n_sentences x 384), computed once."""
        self._embed()
        return self._vectors  # type: ignore[return-value]

    @property
    def title_vector(self) -> np.ndarray | None:
        """The headline's e5 "passage:" vector, or None when there is no headline."""
        self._embed()
        return self._title_vector

    @property
    def has_vectors(self) -> bool:
        return self._vectors is not None

    def set_vectors(self, vectors: np.ndarray, title_vector: np.ndarray | None) -> None:
        """Vectors computed elsewhere (another worker of the pool, for the same article)."""
        if vectors.shape[0] != len(self.sentences):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(self.sentences)} sentences")
        with self._lock:
            if self._vectors is None:
                self._vectors = np.asarray(vectors, dtype=np.float32)
                self._title_vector = (None if title_vector is None
                                      else np.asarray(title_vector, dtype=np.float32))

    def vectors_of(self, indices: Sequence[int]) -> np.ndarray:
        """Vectors of some sentences only (len(indices) x 384), each computed once.

        For a very long article (a book chapter, a 200,000-character paste) embedding every
        sentence takes seconds; retrieval then embeds only the sentences the words point at."""
        with self._lock:
            if self._vectors is not None:
                return self._vectors[list(indices)]
            missing = [i for i in dict.fromkeys(indices) if i not in self._some_vectors]
            if missing:
                if self._encoder is None:
                    raise RuntimeError("this analysis was built without an encoder for vectors")
                matrix = np.asarray(self._encoder.passage([self.sentences[i].text
                                                           for i in missing]), dtype=np.float32)
                for i, row in zip(missing, matrix.reshape(len(missing), -1), strict=True):
                    self._some_vectors[i] = row
            return np.stack([self._some_vectors[i] for i in indices]) if len(indices) else (
                np.zeros((0, 384), dtype=np.float32))

    def _embed(self) -> None:
        with self._lock:
            if self._vectors is not None:
                return
            if self._encoder is None:
                raise RuntimeError("this analysis was built without an encoder for vectors")
            started = time.perf_counter()
            texts = [s.text for s in self.sentences]
            if self.title_sentence is not None:
                texts.append(self.title_sentence.text)
            matrix = np.asarray(self._encoder.passage(texts), dtype=np.float32)
            matrix = matrix.reshape(len(texts), -1)
            n = len(self.sentences)
            self._title_vector = matrix[n] if self.title_sentence is not None else None
            self._vectors = matrix[:n]
            self.timings["vector_seconds"] = time.perf_counter() - started

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence (the headline included) holding the character at `offset`."""
        candidates = [*self.sentences, *filter(None, [self.title_sentence])]
        return next((s for s in candidates if s.start <= offset < s.stop), None)

    def entities_in(self, sentence: Sentence) -> list[Entity]:
        """The entities inside `sentence`, in order."""
        return [e for e in self.entities if sentence.start <= e.start and e.stop <= sentence.stop]


def _masked(text: str, clean: CleanText) -> str:
    """`text` with everything but the kept lines blanked, so offsets stay those of `text`."""
    chars = [c if c == "\n" else " " for c in text]
    for span in ((clean.title,) if clean.title else ()) + clean.lines:
        chars[span.start:span.stop] = span.text
    return "".join(chars)


def _segment(masked: str, clean: CleanText, toolkit: NlpToolkit) -> list:
    """natasha DocSents for the headline and each kept line; a sentence never spans two lines
    (nor ends inside brackets: see `models.text.sentences`)."""
    # natasha internals (DocSent/DocToken built by hand): natasha is pinned exactly in pyproject
    from natasha.doc import DocSent, DocToken

    sents = []
    for line in ((clean.title,) if clean.title else ()) + clean.lines:
        pieces = [(line.start, line.stop, line.text)] if line is clean.title else [
            (line.start + start, line.start + stop, line.text[start:stop])
            for start, stop in sentence_spans(line.text, toolkit.segmenter)
        ]
        for start, stop, text in pieces:
            sent = DocSent(start, stop, text)
            sent.tokens = [
                DocToken(start + t.start, start + t.stop, t.text)
                for t in toolkit.segmenter.tokenize(text)
            ]
            if sent.tokens:
                sents.append(sent)
    return sents


ADJECTIVE_TAGS = frozenset({"ADJF", "PRTF"})
NAME_PART_TAGS = frozenset({"Name", "Surn", "Patr"})


def _drop_leading_adjective(doc, text: str, toolkit: NlpToolkit) -> None:
    """Take a describing adjective off the front of a person's name.

    slovnet's NER takes a capitalised adjective that opens a sentence into the name after it
    («Шестидесятивосьмилетняя Дилма Руссефф»). A first word that pymorphy knows only as an
    adjective or participle, never as a name or surname, is not part of the name (adjectival
    surnames such as Толстой or Достоевский have a Surn reading and stay).
    """
    for span in doc.spans:
        if span.type != "PER" or len(span.tokens) < 2:
            continue
        parses = toolkit.morph_vocab.parse(span.tokens[0].text)
        if parses and all(p.tag.POS in ADJECTIVE_TAGS and not NAME_PART_TAGS & p.tag.grammemes
                          for p in parses):
            span.tokens = span.tokens[1:]
            span.start = span.tokens[0].start
            span.text = text[span.start:span.stop]


def _normalize_entities(doc, toolkit: NlpToolkit) -> None:
    """Nominative forms; ORG names need the syntax tree, so only their sentences are parsed."""
    # natasha internals (inject_syntax, offset_syntax): natasha is pinned exactly in pyproject
    from natasha.doc import inject_syntax, offset_syntax

    org_sents = [s for s in doc.sents if any(sp.type == "ORG" for sp in s.spans or ())]
    if org_sents:
        markups = toolkit.syntax_parser.map([[t.text for t in s.tokens] for s in org_sents])
        for number, (sent, markup) in enumerate(zip(org_sents, markups), 1):
            inject_syntax(sent.tokens, markup.tokens)
            offset_syntax(number, sent.tokens)
    for span in doc.spans:
        try:
            span.normalize(toolkit.morph_vocab)
        except Exception:  # natasha's normaliser trips on odd token shapes; keep the surface
            logger.debug("could not normalise an entity", exc_info=True)
            span.normal = span.text
        if span.type == "PER" and span.normal == span.text:
            span.normal = _nominative_given_names(span.text, toolkit)


GIVEN_NAME_TAGS = frozenset({"Name", "Patr"})


def _nominative_given_names(name: str, toolkit: NlpToolkit) -> str:
    """First names and patronymics of a person left inflected, put in the nominative.

    natasha's normaliser gives up on a name with an unknown part ("Олжасом Бектеновым"); pymorphy
    still knows most given names, so those words can be inflected alone. Surnames it does not know
    are left as written (keyfacts picks their nominative among the other mentions).
    """
    words = name.split()
    if len(words) < 2:
        return name
    fixed = []
    for word in words[:-1]:  # the last word is the surname: see keyfacts
        parse = toolkit.morph_vocab.parse(word)[0]
        form = None
        if GIVEN_NAME_TAGS & parse.tag.grammemes and parse.tag.case not in (None, "nomn"):
            form = parse.inflect({"Nom"})  # natasha takes UD features
        fixed.append(form.word.capitalize() if form else word)
    return " ".join(fixed + words[-1:])


def _tag_names(doc: Any, masked: str, toolkit: NlpToolkit) -> None:
    """slovnet's names (PER, LOC, ORG) in the first NER_CHARS characters.

    Names feed the key facts and the fit of an answer's type; the people and places a text is
    about appear early, and tagging a 200,000-character paste whole would cost 1.5 s of the
    3 s it may take."""
    if len(masked) <= NER_CHARS:
        doc.tag_ner(toolkit.ner_tagger)
        return
    cut = masked.rfind("\n", 0, NER_CHARS)
    doc.text = masked[:cut if cut > 0 else NER_CHARS]  # natasha tags `doc.text`; offsets stay
    try:
        doc.tag_ner(toolkit.ner_tagger)
    finally:
        doc.text = masked


def _tag_morph(doc: Any, toolkit: NlpToolkit) -> None:
    """slovnet's parts of speech and features for the sentences in the first MORPH_CHARS
    characters; past them each word takes the reading slovnet gave the same word most often
    earlier, or pymorphy's likeliest one with its lemma. slovnet over a 200,000-character paste
    took 1.9 of its 3.9 s on an AVX2 machine; what the summary and the answers need from the
    rest is lemmas and content words, which these readings give (tested against slovnet's)."""
    sents = doc.sents
    cut = next((i for i, sent in enumerate(sents) if sent.stop > MORPH_CHARS), len(sents))
    head = sents[:max(1, cut)]
    markups = toolkit.morph_tagger.map([[t.text for t in sent.tokens] for sent in head])
    seen: dict[str, Counter] = {}
    for sent, markup in zip(head, markups):
        for token, tagged in zip(sent.tokens, markup.tokens):
            token.pos, token.feats = tagged.pos, tagged.feats
            seen.setdefault(token.text, Counter())[(tagged.pos, _frozen(tagged.feats))] += 1
    guessed: dict[str, tuple[str, dict, str | None]] = {}
    for sent in sents[len(head):]:
        for token in sent.tokens:
            reading = guessed.get(token.text)
            if reading is None:
                reading = guessed[token.text] = _reading(token.text, seen, toolkit)
            token.pos, token.feats, lemma = reading
            if lemma is not None:
                token.lemma = lemma


def _frozen(feats: dict | None) -> tuple:
    """A token's features as a hashable key."""
    return tuple(sorted((feats or {}).items()))


def _reading(word: str, seen: dict[str, Counter], toolkit: NlpToolkit
             ) -> tuple[str, dict, str | None]:
    """(pos, feats, lemma or None to look it up) for a word past MORPH_CHARS."""
    if word in seen:
        (pos, feats), _ = seen[word].most_common(1)[0]
        return pos, dict(feats), None
    if not any(c.isalnum() for c in word):
        return "PUNCT", {}, word
    if word.isdigit():
        return "NUM", {}, word
    parses = toolkit.morph_vocab.parse(word.lower())
    if not parses:
        return "X", {}, word.lower()
    tag = str(parses[0].tag)
    pos = _UD_POS.get(tag.split(",")[0].split(" ")[0], "X")
    if pos == "NOUN" and any(grammeme in tag for grammeme in PROPER_NAME_GRAMMEMES):
        pos = "PROPN"
    return pos, {}, parses[0].normal_form


def _lemmatize(tokens: list, toolkit: NlpToolkit) -> None:
    """natasha's lemmas, each word form looked up once: a long article repeats its words, and
    pymorphy's lookup was half the analysis of a 200,000-character text."""
    known: dict[tuple, str] = {}
    for token in tokens:
        if token.lemma is not None:  # pymorphy's, given with its reading (`_tag_morph`)
            continue
        key = (token.text, token.pos, _frozen(token.feats))
        lemma = known.get(key)
        if lemma is None:
            lemma = known[key] = toolkit.morph_vocab.lemmatize(token.text, token.pos,
                                                               token.feats)
        token.lemma = lemma


def analyze(article: Article, toolkit: NlpToolkit) -> AnalyzedArticle:
    """Clean, split and tag `article`; its e5 vectors follow on first use.

    Raises EmptyText when the text is blank or only emoji and links, and TextTooShort when no
    prose line (or fewer than three words) is left once page furniture is removed.
    """
    from natasha import Doc

    text = article.text
    if not text.strip() or not has_prose(text):
        raise EmptyText("The text has no words: it is empty or only emoji and links.")
    started = time.perf_counter()
    clean = clean_text(text, article.title)
    if not clean.lines and clean.title is None:
        raise TextTooShort("No prose is left once dates, counters and rubric names are removed.")
    if not clean.lines:  # a lone headline-like line is the whole text
        clean = CleanText(title=None, lines=(clean.title,))
    masked = _masked(text, clean)
    doc = Doc(masked)
    doc.sents = _segment(masked, clean, toolkit)
    doc.tokens = [t for s in doc.sents for t in s.tokens]
    _tag_morph(doc, toolkit)
    _lemmatize(doc.tokens, toolkit)
    _tag_names(doc, masked, toolkit)
    _drop_leading_adjective(doc, masked, toolkit)
    _normalize_entities(doc, toolkit)

    def convert(index: int, sent) -> Sentence:
        tokens = tuple(
            Token(t.text, t.start, t.stop, (t.lemma or t.text).lower(), t.pos or "X")
            for t in sent.tokens
        )
        return Sentence(index, sent.start, sent.stop, text[sent.start:sent.stop], tokens)

    body = doc.sents[1:] if clean.title else doc.sents
    sentences = [convert(i, s) for i, s in enumerate(body)]
    words = sum(1 for s in sentences for t in s.tokens if t.pos != "PUNCT")
    if words < MIN_PROSE_WORDS:
        raise TextTooShort("The text is too short to work with: a few words at most.")
    title_sentence = convert(-1, doc.sents[0]) if clean.title else None
    entities = [
        Entity(sp.start, sp.stop, sp.type, text[sp.start:sp.stop], sp.normal or sp.text)
        for sp in doc.spans
    ]
    timings = {"nlp_seconds": time.perf_counter() - started}
    logger.debug("analysed %s: %d sentences, %s", article.hash, len(sentences), timings)
    return AnalyzedArticle(
        article=article,
        title=title_sentence.text if title_sentence else article.title.strip(),
        sentences=sentences,
        entities=entities,
        encoder=toolkit.e5,
        toolkit=toolkit,
        title_sentence=title_sentence,
        timings=timings,
    )
