"""Errors raised by the engines; the bot maps each class to a message for the user."""


class EngineError(Exception):
    """Root of every error an engine raises on purpose."""


class EmptyText(EngineError):
    """The text holds no prose to work on (empty, only emoji, only links)."""


class TextTooShort(EngineError):
    """Too little text to summarise or to answer from."""


class EmptyQuestion(EngineError):
    """The question is empty once punctuation and emoji are removed."""


class ModelUnavailable(EngineError):
    """A model could not be loaded: the message says which id and what to do instead."""


class UnknownEngine(EngineError):
    """`NLP_ENGINE` names an engine that does not exist."""
