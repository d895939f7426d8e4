"""Readers' feedback as figures and as training data, from the bot's database.

`report`: the share of 👍 among the votes, by question kind and by ISO week, the share of
voted answers that were «в статье этого нет», and the corrections. `export_rows`: the
corrections of chats that allow learning from them, as SberQuAD rows (`{"id", "context",
"question", "answers": [{"text", "answer_start"}]}`, `answers` empty when the article does not
answer), de-duplicated, ids made from the article's hash (never a chat or an article id).
`natural_articles`: such rows as the articles `eval natural` reads. `vote_outcomes`: what
the votes say about the reader's no-answer floor (models/training/calibration.py).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from typing import Any

from bot.services.feedback import normalized, question_kind
from bot.storage.feedback import Correction, Vote

FEEDBACK_ID_PREFIX = "feedback"


def _share(up: int, total: int) -> str:
    return f"{up / total:.2f} ({up}/{total})" if total else "—"


def _week(when: datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def report(votes: list[Vote], corrections: list[Correction]) -> dict[str, Any]:
    """The figures `python -m bot eval feedback` prints."""
    up = sum(v.up for v in votes)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_week: dict[str, list[bool]] = defaultdict(list)
    for vote in votes:
        by_kind[vote.answer.kind].append(vote.up)
        by_week[_week(vote.at)].append(vote.up)
    answers = {v.answer.id: v.answer for v in votes}
    refused = [a for a in answers.values() if not a.found]
    refused_votes = [v for v in votes if not v.answer.found]
    phrases = sum(c.answer_start >= 0 for c in corrections)
    return {
        "votes": len(votes),
        "voted_answers": len(answers),
        "thumbs_up_share": _share(up, len(votes)),
        "by_kind": {kind: _share(sum(ups), len(ups)) for kind, ups in sorted(
            by_kind.items(), key=lambda item: -len(item[1]))},
        "by_week": {week: _share(sum(ups), len(ups)) for week, ups in sorted(by_week.items())},
        "no_answer_share": _share(len(refused), len(answers)),
        "no_answer_thumbs_up_share": _share(sum(v.up for v in refused_votes),
                                            len(refused_votes)),
        "corrections": len(corrections),
        "corrections_phrase": phrases,
        "corrections_not_in_article": len(corrections) - phrases,
    }


def _row_id(correction: Correction, number: int) -> str:
    digest = hashlib.sha256(f"{correction.article_hash}\n{correction.question}".encode())
    return f"{FEEDBACK_ID_PREFIX}-{correction.article_hash[:12]}-{digest.hexdigest()[:8]}-{number}"


def export_rows(corrections: list[Correction]) -> list[dict[str, Any]]:
    """SberQuAD rows from corrections: one per (article, question as normalised, answer);
    a row whose answer is not `context[answer_start:...]` (never written so) is left out."""
    seen: set[tuple[str, str, str, int]] = set()
    rows = []
    for c in corrections:
        key = (c.article_hash, normalized(c.question)[0], c.text, c.answer_start)
        if key in seen:
            continue
        answerable = c.answer_start >= 0 and bool(c.text)
        if answerable and c.context[c.answer_start:c.answer_start + len(c.text)] != c.text:
            continue
        seen.add(key)
        answers = [{"text": c.text, "answer_start": c.answer_start}] if answerable else []
        rows.append({"id": _row_id(c, len(rows) + 1), "context": c.context,
                     "question": c.question, "answers": answers,
                     "is_impossible": not answerable, "kind": question_kind(c.question)})
    return rows


def is_squad_row(row: dict[str, Any]) -> bool:
    return "context" in row and "question" in row and "questions" not in row


def natural_articles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """SberQuAD rows grouped by context into `eval natural`'s articles (all in the "dev"
    part), each question with its accepted answers ([] when the text does not answer)."""
    articles: dict[str, dict[str, Any]] = {}
    for row in rows:
        context = str(row["context"])
        article = articles.setdefault(context, {
            "id": str(row.get("id") or f"row-{len(articles) + 1}").rsplit("-", 1)[0],
            "part": "dev", "text": context, "questions": []})
        accepted = [str(a["text"]) for a in row.get("answers") or [] if a.get("text")]
        article["questions"].append({
            "question": str(row["question"]), "answers": accepted,
            "kind": str(row.get("kind") or question_kind(str(row["question"]))),
            "follows": None})
    return list(articles.values())


def vote_outcomes(votes: list[Vote]) -> dict[str, list[float]]:
    """The reader's score of the voted answers the reader decided, by what the votes say:
    `right_answer` (answered, 👍), `false_answer` (answered, 👎, corrected «нет в статье»),
    `right_refusal` («этого нет», 👍), `false_refusal` («этого нет», 👎 with a phrase as the
    correction). Refusals count only where the reader's margin said no (a floor of retrieval
    refused before the reader read: its score says nothing about the reader's floor)."""
    outcomes: dict[str, list[float]] = {"right_answer": [], "false_answer": [],
                                        "right_refusal": [], "false_refusal": []}
    for vote in votes:
        answer = vote.answer
        if answer.found:
            if vote.up:
                outcomes["right_answer"].append(answer.score)
            elif vote.correction == "":
                outcomes["false_answer"].append(answer.score)
        elif answer.reason.startswith("no span beats"):
            if vote.up:
                outcomes["right_refusal"].append(answer.score)
            elif vote.correction:
                outcomes["false_refusal"].append(answer.score)
    return outcomes
