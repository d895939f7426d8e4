"""Answer feedback: the answers shown with 👍/👎, the votes, the corrections, and each chat's
consent to learn from them («Учиться на исправлениях»). Tables in `bot.storage.tables`.

Every write that must happen once whatever the number of bot instances is one conditional
statement: a vote is one row per (answer, user), the correction prompt is claimed by an UPDATE
that only one press can win, a correction is one row per answer.

Consent: the handlers write an answer, a vote or a correction only in a chat that learns
(`learning`); a chat that does not has no rows here but those kept from while it did, which
stay until /forget. What the reports and the export read is only what was stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.tables import AnswerVoteRow, ChatRow, CorrectionRow, ShownAnswerRow, utcnow

_ID_FLOOR = 2**40


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    id: int  # what the buttons carry
    chat_id: int
    message_id: int | None
    article_id: int
    article_hash: str
    question: str
    answer: str  # "" for «в статье этого нет»
    evidence: str
    evidence_at: int
    kind: str
    score: float
    reason: str
    asked: bool  # the correction prompt was sent
    created_at: datetime

    @property
    def found(self) -> bool:
        return bool(self.answer)


@dataclass(frozen=True, slots=True)
class Vote:
    """A vote with the answer it is about (for `eval feedback` and calibration)."""

    answer: ShownAnswer
    user_id: int
    up: bool
    at: datetime
    correction: str | None  # the corrected answer's text ("" for «нет в статье»), None: none


@dataclass(frozen=True, slots=True)
class Correction:
    id: int
    answer_id: int
    chat_id: int
    article_hash: str
    context: str
    question: str
    text: str  # context[answer_start:answer_start + len(text)]; "" when not in the article
    answer_start: int  # -1 when not in the article
    created_at: datetime


def _shown(row: ShownAnswerRow) -> ShownAnswer:
    return ShownAnswer(row.id, row.chat_id, row.message_id, row.article_id, row.article_hash,
                       row.question, row.answer, row.evidence, row.evidence_at, row.kind,
                       row.score, row.reason, row.asked_at is not None, row.created_at)


def _correction(row: CorrectionRow) -> Correction:
    return Correction(row.id, row.answer_id, row.chat_id, row.article_hash, row.context,
                      row.question, row.text, row.answer_start, row.created_at)


def learning_default(kind: str) -> bool:
    """On in a private chat; off in a group or channel until an administrator turns it on."""
    return kind == "private"


def _allowed():  # noqa: ANN202  (an SQL condition on ChatRow)
    return or_(ChatRow.learn_from_corrections.is_(True),
               and_(ChatRow.learn_from_corrections.is_(None), ChatRow.kind == "private"))


class FeedbackRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # consent

    async def learning(self, chat_id: int) -> bool:
        row = await self.session.get(ChatRow, chat_id)
        if row is None:
            return False
        if row.learn_from_corrections is None:
            return learning_default(row.kind)
        return bool(row.learn_from_corrections)

    async def set_learning(self, chat_id: int, on: bool) -> None:
        await self.session.execute(
            update(ChatRow).where(ChatRow.id == chat_id).values(learn_from_corrections=on))

    # answers shown

    async def record_answer(self, chat_id: int, *, article_id: int, article_hash: str,
                            question: str, answer: str, evidence: str, evidence_at: int,
                            kind: str, score: float, reason: str = "") -> ShownAnswer:
        row = ShownAnswerRow(id=_ID_FLOOR + secrets.randbelow(2**62 - _ID_FLOOR),
                             chat_id=chat_id, article_id=article_id, article_hash=article_hash,
                             question=question, answer=answer, evidence=evidence,
                             evidence_at=evidence_at, kind=kind[:16], score=float(score),
                             reason=reason[:200])
        self.session.add(row)
        await self.session.flush()
        return _shown(row)

    async def set_message(self, answer_id: int, message_id: int) -> None:
        await self.session.execute(update(ShownAnswerRow).where(ShownAnswerRow.id == answer_id)
                                   .values(message_id=message_id))

    async def answer(self, chat_id: int, answer_id: int) -> ShownAnswer | None:
        """The shown answer a button names, if it is this chat's (button data is user input)."""
        row = await self.session.get(ShownAnswerRow, answer_id)
        return _shown(row) if row is not None and row.chat_id == chat_id else None

    async def by_prompt(self, chat_id: int, prompt_message_id: int) -> ShownAnswer | None:
        """The answer whose correction prompt is this message."""
        row = await self.session.scalar(select(ShownAnswerRow).where(
            ShownAnswerRow.chat_id == chat_id,
            ShownAnswerRow.prompt_message_id == prompt_message_id))
        return _shown(row) if row is not None else None

    async def claim_prompt(self, answer_id: int) -> bool:
        """True for the one press that may ask for a correction to this answer (ever)."""
        result = await self.session.execute(
            update(ShownAnswerRow)
            .where(ShownAnswerRow.id == answer_id, ShownAnswerRow.asked_at.is_(None))
            .values(asked_at=utcnow()))
        return bool(result.rowcount)

    async def set_prompt(self, answer_id: int, prompt_message_id: int) -> None:
        await self.session.execute(update(ShownAnswerRow).where(ShownAnswerRow.id == answer_id)
                                   .values(prompt_message_id=prompt_message_id))

    # votes

    async def vote(self, answer: ShownAnswer, user_id: int, up: bool) -> str:
        """Record `user_id`'s vote: "new", "changed" (the other button before) or "same"."""
        key = (answer.id, user_id)
        row = await self.session.get(AnswerVoteRow, key)
        if row is None:
            try:
                async with self.session.begin_nested():
                    self.session.add(AnswerVoteRow(answer_id=answer.id, user_id=user_id,
                                                   chat_id=answer.chat_id, up=up))
                return "new"
            except IntegrityError:  # the same user's other press, a moment before
                row = await self.session.get(AnswerVoteRow, key, populate_existing=True)
                assert row is not None
        if row.up == up:
            return "same"
        result = await self.session.execute(
            update(AnswerVoteRow)
            .where(AnswerVoteRow.answer_id == answer.id, AnswerVoteRow.user_id == user_id,
                   AnswerVoteRow.up == (not up))
            .values(up=up, updated_at=utcnow()))
        return "changed" if result.rowcount else "same"

    async def votes(self, *, since: datetime | None = None,
                    consenting_only: bool = False) -> list[Vote]:
        """Every vote (updated since `since`), with its answer and the answer's correction;
        `consenting_only`: only chats that allow learning from them."""
        query = (select(AnswerVoteRow, ShownAnswerRow, CorrectionRow.text)
                 .join(ShownAnswerRow, ShownAnswerRow.id == AnswerVoteRow.answer_id)
                 .outerjoin(CorrectionRow, CorrectionRow.answer_id == ShownAnswerRow.id)
                 .order_by(AnswerVoteRow.updated_at))
        if since is not None:
            query = query.where(AnswerVoteRow.updated_at >= since)
        if consenting_only:
            query = query.join(ChatRow, ChatRow.id == AnswerVoteRow.chat_id).where(_allowed())
        rows = await self.session.execute(query)
        return [Vote(_shown(shown), vote.user_id, vote.up, vote.updated_at, text)
                for vote, shown, text in rows]

    async def count_votes(self, chat_id: int, answer_id: int | None = None) -> int:
        query = select(func.count()).select_from(AnswerVoteRow).where(
            AnswerVoteRow.chat_id == chat_id)
        if answer_id is not None:
            query = query.where(AnswerVoteRow.answer_id == answer_id)
        return int(await self.session.scalar(query) or 0)

    # corrections

    async def correct(self, answer: ShownAnswer, *, user_id: int | None, context: str,
                      text: str, answer_start: int) -> Correction | None:
        """Store the answer's correction; None when it already has one."""
        row = CorrectionRow(answer_id=answer.id, chat_id=answer.chat_id, user_id=user_id,
                            article_hash=answer.article_hash, context=context,
                            question=answer.question, text=text, answer_start=answer_start)
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        return _correction(row)

    async def correction(self, answer_id: int) -> Correction | None:
        row = await self.session.scalar(
            select(CorrectionRow).where(CorrectionRow.answer_id == answer_id))
        return _correction(row) if row is not None else None

    async def corrections(self, *, since: datetime | None = None,
                          consenting_only: bool = False) -> list[Correction]:
        query = select(CorrectionRow).order_by(CorrectionRow.id)
        if since is not None:
            query = query.where(CorrectionRow.created_at >= since)
        if consenting_only:
            query = query.join(ChatRow, ChatRow.id == CorrectionRow.chat_id).where(_allowed())
        return [_correction(row) for row in await self.session.scalars(query)]

    async def count_corrections(self, chat_id: int) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(CorrectionRow)
            .where(CorrectionRow.chat_id == chat_id)) or 0)

    async def shown(self, *, since: datetime | None = None) -> list[ShownAnswer]:
        query = select(ShownAnswerRow).order_by(ShownAnswerRow.created_at)
        if since is not None:
            query = query.where(ShownAnswerRow.created_at >= since)
        return [_shown(row) for row in await self.session.scalars(query)]

    # /forget

    async def count_chat(self, chat_id: int) -> int:
        """Votes and corrections this chat holds."""
        return await self.count_votes(chat_id) + await self.count_corrections(chat_id)

    async def delete_chat(self, chat_id: int) -> int:
        """Delete the chat's votes, corrections and shown answers; returns votes+corrections."""
        votes = await self.session.execute(
            delete(AnswerVoteRow).where(AnswerVoteRow.chat_id == chat_id))
        corrections = await self.session.execute(
            delete(CorrectionRow).where(CorrectionRow.chat_id == chat_id))
        await self.session.execute(delete(ShownAnswerRow).where(ShownAnswerRow.chat_id == chat_id))
        return int(votes.rowcount or 0) + int(corrections.rowcount or 0)
