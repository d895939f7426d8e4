"""The rule-based span scorer of the embedded engine (dependency parse + hand-set weights),
kept for the question kinds it still answers better than the reader (dates, numbers)."""
