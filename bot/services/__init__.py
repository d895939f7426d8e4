"""Services: plain-data operations shared by the handlers, the CLI and the digest scheduler.

They take a `Repo` and return dataclasses; none of them imports aiogram.
"""
