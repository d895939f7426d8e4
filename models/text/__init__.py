"""The text layer every engine reads through: cleaning a pasted or fetched article, sentences,
the one-pass analysis (natasha: tokens, lemmas, syntax, entities; e5 vectors) and word lists."""
