"""Question answering shared by both engines: the question (`question`), sentence retrieval,
the span reader over token windows (`span_reader`, `windows`), the answer's shape and type
checks, follow-ups and spelling; `rules` holds the span rules that still answer date and
number questions. Imports core, text and hf."""
