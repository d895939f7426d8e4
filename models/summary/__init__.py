"""Summaries: the extractive summariser, the seq2seq one with its faithfulness guard, what makes
a sentence quotable alone, and the key facts (names, dates, figures) shown under a summary."""
