"""`python -m bot ask PATH "вопрос"` and `python -m bot ask --jsonl`: the bot's answer path.

Prints the answer, then the sentence it came from. When the article does not answer the
question it prints "В статье этого нет." (exit 0: that is an answer, not an error).
With `--jsonl`, lines `{"id", "context", "question"}` become `{"id", "answer", "evidence",
"score"}`, in order. A question without an article, an empty question or an unusable text gets
a clear message and exit 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.commands.summarize import (
    EXIT_OK,
    BadInput,
    fail,
    load_configured_engine,
    read_article,
    run_jsonl,
)
from bot.settings import Settings

NOT_IN_ARTICLE = "В статье этого нет."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="article file, or - for stdin")
    parser.add_argument("question", nargs="?", help="the question, in quotes")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"id","context","question"} lines on stdin, '
                             'write {"id","answer","evidence","score"} lines')


def _text_field(row: dict[str, Any], name: str, missing: str) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(missing)
    return value


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.core.errors import EngineError
    from models.core.types import Article

    if not args.jsonl:
        if not args.path:
            return fail('give an article file (or -) and a question: ask PATH "вопрос"')
        if args.question is None:
            return fail('a question needs an article: ask PATH "вопрос" '
                        '(got only one argument)')
        if not args.question.strip():
            return fail("the question is empty")
    try:
        text = read_article(args.path) if not args.jsonl else ""
        engine = load_configured_engine(settings)
        if args.jsonl:
            def handle(row: dict[str, Any]) -> dict[str, Any]:
                context = _text_field(row, "context", "a question with no article (no context)")
                question = _text_field(row, "question", "the question is empty")
                answer = engine.answer(Article(context), question)
                return {"answer": answer.text, "evidence": answer.sentence,
                        "score": round(float(answer.score), 4)}

            return run_jsonl(handle, {"answer": "", "evidence": "", "score": 0.0})
        answer = engine.answer(Article(text), args.question)
    except (BadInput, EngineError) as error:
        return fail(str(error))
    print(answer.shown if answer.found else NOT_IN_ARTICLE)
    if answer.sentence:
        print(answer.sentence)
    return EXIT_OK
