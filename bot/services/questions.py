"""Questions: find the article a question is about, answer it off the loop, record Q&A."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.errors import ArticleNotFound, Busy, NoArticleYet
from bot.services.articles import ArticlesInProgress, as_article
from bot.services.chat_order import ChatOrder
from bot.services.feedback import question_kind
from bot.services.nlp import NlpService
from bot.storage.repo import Repo, StoredArticle
from models.core.errors import EmptyQuestion
from models.core.types import Answer, Turn

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
_MENTION = re.compile(r"@\w+")


@dataclass(frozen=True, slots=True)
class QuestionResult:
    article: StoredArticle  # the article the answer comes from (or that had none)
    question: str
    answer: Answer
    searched: StoredArticle | None = None  # the current article, when another one answered

    @property
    def kind(self) -> str:
        """The question's kind («кто», «сколько»…, `bot.services.feedback.question_kind`)."""
        return question_kind(self.question)


OTHER_ARTICLES = 3  # recent articles also asked when the current one has no answer
# A question asked this soon after the chat's last one, about the same article, is read with it
# (the engine decides whether it leans on it: «а когда это было?»); later it stands alone.
FOLLOW_UP_WINDOW = timedelta(minutes=30)


def clean_question(text: str) -> str:
    """Drop @mentions and a leading /ask; raise `EmptyQuestion` when nothing is left."""
    text = _MENTION.sub(" ", text).strip()
    if text.lower().startswith("/ask"):
        text = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    text = " ".join(text.split())[:MAX_QUESTION_CHARS]
    if not any(ch.isalnum() for ch in text):
        raise EmptyQuestion("empty question")
    return text


class QuestionService:
    """`answer_within`: seconds from a question's turn (its article read) to the start of its
    model work, waiting behind the chat's earlier questions included; past it the asker hears
    "busy, ask again" at once instead of an answer half a minute late (0: no limit)."""

    def __init__(self, nlp: NlpService, in_progress: ArticlesInProgress | None = None, *,
                 wait_for_article: float = 60.0, order: ChatOrder | None = None,
                 answer_within: float = 0.0) -> None:
        self.nlp = nlp
        self.in_progress = in_progress or ArticlesInProgress()
        self.order = order or ChatOrder()  # the chat's questions answered in the order asked
        self.wait_for_article = wait_for_article
        self.answer_within = answer_within

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, message_id: int, *,
                   about_latest: bool = True) -> AsyncIterator[float | None]:
        """The question's turn in its chat; yields its deadline (time.monotonic()) for `ask`.

        A question about the chat's latest article first waits for an article still on its
        way (a forward and its question sent together), outside the turn, so the questions
        after it wait for the article too and not for its turn with a clock running."""
        if about_latest:
            await self.in_progress.settled(chat_id, self.wait_for_article)
        deadline = time.monotonic() + self.answer_within if self.answer_within > 0 else None
        async with self.order.turn(chat_id, message_id, deadline):
            yield deadline

    async def find_article(self, repo: Repo, chat_id: int, *,
                           replied_message_id: int | None = None,
                           article_id: int | None = None) -> StoredArticle:
        """The article a question is about: the one replied to or named, else the current one."""
        if article_id is not None:
            found = await repo.articles.by_id(chat_id, article_id)
            if found is None:
                raise ArticleNotFound()
            return found
        if replied_message_id is not None:
            found = await repo.articles.by_message(chat_id, replied_message_id)
            if found is not None:
                return found
        chat = await repo.chats.get(chat_id)
        if chat is not None and chat.current_article_id is not None:
            found = await repo.articles.by_id(chat_id, chat.current_article_id)
            if found is not None:
                return found
        found = await repo.articles.latest(chat_id)
        if found is None:
            raise NoArticleYet()
        return found

    @staticmethod
    async def previous_turn(repo: Repo, chat_id: int, article: StoredArticle) -> Turn | None:
        """The chat's last question and answer when it was about `article`, recently."""
        last = await repo.questions.last(chat_id)
        if last is None or last.article_id != article.id:
            return None
        asked = last.created_at if last.created_at.tzinfo else last.created_at.replace(tzinfo=UTC)
        if datetime.now(UTC) - asked > FOLLOW_UP_WINDOW:
            return None
        return Turn(last.question, last.answer, last.evidence)

    async def ask(self, repo: Repo, chat_id: int, question: str, *, user_id: int | None = None,
                  replied_message_id: int | None = None, article_id: int | None = None,
                  deadline: float | None = None) -> QuestionResult:
        """Answer inside the question's `turn`, which has already waited for an article on its
        way ("Что подписали?" sent right after a forward is about that forward)."""
        question = clean_question(question)
        article = await self.find_article(repo, chat_id, replied_message_id=replied_message_id,
                                          article_id=article_id)
        previous = await self.previous_turn(repo, chat_id, article)
        answer = await self.nlp.answer(as_article(article), question, start_by=deadline,
                                       previous=previous)
        searched = None
        if not answer.found and replied_message_id is None and article_id is None:
            # «Когда умер Лимонов?» after a newer article: the chat's other articles may know
            for other in await repo.articles.recent(chat_id, OTHER_ARTICLES + 1):
                if other.id == article.id:
                    continue
                try:
                    other_answer = await self.nlp.answer(as_article(other), question,
                                                         start_by=deadline)
                except Busy:  # out of time: the current article's "not there" stands
                    break
                if other_answer.found:
                    searched, article, answer = article, other, other_answer
                    break
        await repo.questions.add(chat_id, article.id, question=question, answer=answer.text,
                                 evidence=answer.sentence, score=answer.score, user_id=user_id)
        logger.info("question chat=%s article=%s found=%s", chat_id, article.id, answer.found)
        return QuestionResult(article, question, answer, searched)
