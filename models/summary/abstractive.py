"""Abstractive summaries with a seq2seq model (T5, mT5, ruT5, mBART), checked for faithfulness.

preprocess: fit a long article to the model's input without cutting it blindly, either by
keeping the sentences the embedded ranking rates highest (in reading order) until the token
budget is full ("select"), or by summarising consecutive parts and then their summaries
("map_reduce"); infer: beam search with the generation settings from config; postprocess: split
into sentences, drop those the faithfulness guard rejects, and fall back to the extractive
summary when too little is left.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from models.core.config import SummaryOptions
from models.core.types import Length, Summary
from models.hf.loading import LoadedModel, ModelClock
from models.summary.extractive import BUDGETS, rank_sentences
from models.summary.extractive import summarize as extractive_summarize
from models.summary.faithfulness import FaithfulnessGuard
from models.text.analysis import AnalyzedArticle
from models.text.toolkit import NlpToolkit

logger = logging.getLogger(__name__)

class AbstractiveSummarizer:
    """A loaded seq2seq model, the input fitting around it, and the guard after it."""

    def __init__(self, loaded: LoadedModel, options: SummaryOptions, guard: FaithfulnessGuard,
                 toolkit: NlpToolkit, clock: ModelClock) -> None:
        self.loaded = loaded
        self.options = options
        self.guard = guard
        self.toolkit = toolkit
        self.clock = clock
        config_limit = getattr(loaded.model.config, "max_position_embeddings", None)
        self.budget = max(16, min(options.max_input_tokens, config_limit or 10**6) - 2)

    def token_counts(self, texts: list[str]) -> list[int]:
        """Tokens per text, without special tokens (one batched tokenizer call)."""
        if not texts:
            return []
        encoded = self.loaded.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def select(self, doc: AnalyzedArticle) -> list[int]:
        """Indices of the best-ranked sentences that fit the input budget, in reading order."""
        counts = self.token_counts([s.text for s in doc.sentences])
        prefix = self.token_counts([self.options.prefix])[0] if self.options.prefix else 0
        budget = self.budget - prefix
        chosen, used = [], 0
        for index in rank_sentences(doc):
            if used + counts[index] + 1 <= budget:
                chosen.append(index)
                used += counts[index] + 1
        return sorted(chosen) or [min(range(len(doc.sentences)), key=lambda i: counts[i])]

    def parts(self, texts: list[str]) -> list[str]:
        """Consecutive texts joined into parts that each fit the input budget."""
        counts = self.token_counts(texts)
        parts: list[list[str]] = [[]]
        used = 0
        for text, count in zip(texts, counts):
            if parts[-1] and used + count + 1 > self.budget:
                parts.append([])
                used = 0
            parts[-1].append(text)
            used += count + 1
        return [" ".join(p) for p in parts if p]

    def generate(self, text: str, length: Length) -> str:
        """One beam search over `text` (the only lines that touch the model)."""
        import torch

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        inputs = tokenizer([self.options.prefix + text], truncation=True,
                           max_length=self.budget + 2, return_tensors="pt").to(self.loaded.device)
        low, high = self.options.bounds(length)
        with self.clock.measure(), torch.inference_mode():
            beams = self.options.num_beams
            output = model.generate(
                **inputs, num_beams=beams, no_repeat_ngram_size=self.options.no_repeat_ngram_size,
                min_new_tokens=low, max_new_tokens=high,
                **({"length_penalty": self.options.length_penalty, "early_stopping": True}
                   if beams > 1 else {}),
            )
        return tokenizer.decode(output[0], skip_special_tokens=True).strip()

    def preprocess_and_generate(self, doc: AnalyzedArticle, length: Length) -> str:
        """The generated text for the whole article, by the configured strategy."""
        if self.options.strategy == "map_reduce":
            texts = self.parts([s.text for s in doc.sentences])
            for _ in range(3):  # summaries of summaries until one part is left
                if len(texts) == 1:
                    break
                texts = self.parts([self.generate(t, Length.MEDIUM) for t in texts])
            # Each round shrinks the text several-fold, so this is one part; were it not, the
            # last part would be cut at the budget rather than dropped.
            return self.generate(" ".join(texts), length)
        return self.generate(" ".join(doc.sentences[i].text for i in self.select(doc)), length)

    def split(self, text: str) -> list[str]:
        return [s.text.strip() for s in self.toolkit.segmenter.sentenize(text) if s.text.strip()]

    def summarize(self, doc: AnalyzedArticle, length: Length = Length.SHORT) -> Summary:
        """The guarded abstractive summary, or the extractive one when too little survives."""
        extractive = extractive_summarize(doc, length)
        generated = self.split(self.preprocess_and_generate(doc, length))
        kept = self.guard.filter(generated, doc)
        budget = BUDGETS[length]  # the same sentence and character limits as extractive
        max_sentences, max_chars = budget.max_sentences, budget.max_chars
        reply: list[str] = []
        for sentence in kept:
            if len(reply) < max_sentences and len(" ".join(reply + [sentence])) <= max_chars:
                reply.append(sentence)
        if len(" ".join(reply)) < self.options.min_kept_chars:
            self.guard.stats.fallbacks += 1
            logger.info("abstractive summary of %s fell back to extractive (%d of %d generated "
                        "sentences passed the guard)", doc.article.hash, len(kept),
                        len(generated))
            return replace(extractive, engine="transformers", abstractive=False)
        return Summary(text=" ".join(reply), sentences=tuple(reply), sources=(),
                       names=extractive.names, numbers=extractive.numbers, abstractive=True,
                       engine="transformers")
