"""Loading `transformers` models (hub id or folder, device, bf16 where fast, the clock that
times them). Imports `models.core` only."""
