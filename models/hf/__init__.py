"""`transformers` models: loading (hub id or folder, device, clock), token windows over a long
article and the span reader that scores answers in them (used by the transformers engine and by
the project's own reader)."""
