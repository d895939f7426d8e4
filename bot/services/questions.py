"""Questions: find the article a question is about, answer it off the loop, record Q&A."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.errors import ArticleNotFound, NoArticleYet
from bot.services.articles import ArticlesInProgress, as_article
from bot.services.chat_order import ChatOrder
from bot.services.nlp import NlpService
from bot.storage.repo import Repo, StoredArticle
from models.engines.base import Answer
from models.engines.errors import EmptyQuestion

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
_MENTION = re.compile(r"@\w+")


@dataclass(frozen=True, slots=True)
class QuestionResult:
    article: StoredArticle  # the article the answer comes from (or that had none)
    question: str
    answer: Answer
    searched: StoredArticle | None = None  # the current article, when another one answered


OTHER_ARTICLES = 3  # recent articles also asked when the current one has no answer


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
    def __init__(self, nlp: NlpService, in_progress: ArticlesInProgress | None = None, *,
                 wait_for_article: float = 60.0, order: ChatOrder | None = None) -> None:
        self.nlp = nlp
        self.in_progress = in_progress or ArticlesInProgress()
        self.order = order or ChatOrder()  # the chat's questions answered in the order asked
        self.wait_for_article = wait_for_article

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

    async def ask(self, repo: Repo, chat_id: int, question: str, *, user_id: int | None = None,
                  replied_message_id: int | None = None,
                  article_id: int | None = None) -> QuestionResult:
        question = clean_question(question)
        if replied_message_id is None and article_id is None:
            # "Что подписали?" sent right after a forward is about that forward
            await self.in_progress.settled(chat_id, self.wait_for_article)
        article = await self.find_article(repo, chat_id, replied_message_id=replied_message_id,
                                          article_id=article_id)
        answer = await self.nlp.answer(as_article(article), question)
        searched = None
        if not answer.found and replied_message_id is None and article_id is None:
            # «Когда умер Лимонов?» after a newer article: the chat's other articles may know
            for other in await repo.articles.recent(chat_id, OTHER_ARTICLES + 1):
                if other.id == article.id:
                    continue
                other_answer = await self.nlp.answer(as_article(other), question)
                if other_answer.found:
                    searched, article, answer = article, other, other_answer
                    break
        await repo.questions.add(chat_id, article.id, question=question, answer=answer.text,
                                 evidence=answer.sentence, score=answer.score, user_id=user_id)
        logger.info("question chat=%s article=%s found=%s", chat_id, article.id, answer.found)
        return QuestionResult(article, question, answer, searched)
