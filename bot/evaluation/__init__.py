"""Evaluation of the engines on the shared data sets (see `python -m bot eval`)."""
