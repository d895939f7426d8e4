"""Question answering shared by both readers: parsing the question and ranking the article's
sentences (`retrieval`); `rules` holds the span rules that still answer date and number
questions in the embedded engine (the trained reader answers the rest: models/reader)."""
