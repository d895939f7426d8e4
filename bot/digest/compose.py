"""What a digest says: one line per story, articles about the same story merged, sources counted.

Pure functions over plain dataclasses; the only model work is the vectors the caller passes in
(`Engine.embed` of `story_text(article)` for each article), so this module never blocks on a model.

Same-story rule, calibrated on Russian Wikinews pairs from NEREL's training split
(`../shared/train/nerel_train`; `python -m bot digest --calibrate
tests/digest/calibration_pairs.json`) with e5 "passage" vectors of `story_text` (title + first
two prose sentences, at most 300 characters): 12 same-event pairs, 18 hard different-event pairs
(same person or place, another event) and 34 random pairs. Random pairs scored 0.73-0.81; hard
different pairs 0.88-0.93 with up to 5 shared names; same-event pairs 0.87-0.97. Merging at
cosine >= 0.935, or >= 0.90 with at least 6 shared name/number stems, merged 5 of 12 same-event
pairs and none of the 52 others: a missed merge costs a duplicate line, a false merge hides a
story, so the rule leans to precision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import numpy as np
import razdel

from bot.rendering.html import esc, link
from models.text.cleaning import without_markup
from models.text.lexicon import MONTHS_GENITIVE
from models.text.sentences import sentence_spans

SAME_STORY_COSINE = 0.935
RELATED_COSINE = 0.90
SHARED_TERMS_FOR_RELATED = 6
HEADLINE_CHARS = 200
STORY_TEXT_CHARS = 300

_WORD = re.compile(r"[\w\-]+")
@dataclass(frozen=True, slots=True)
class DigestArticle:
    """An article as the digest sees it. `summary` is the stored summary text ("" if none)."""

    id: int
    title: str
    text: str
    summary: str = ""
    source_title: str = ""
    source_url: str = ""
    created_at: datetime | None = None
    hash: str = ""  # the article's content hash: the key for cached vectors


@dataclass(frozen=True, slots=True)
class Story:
    """One digest line: its text (plain, not escaped) and the articles it stands for."""

    line: str
    articles: tuple[DigestArticle, ...]

    @property
    def source_count(self) -> int:
        """Distinct sources: by link, else by source name, else each article counts."""
        keys = {a.source_url or a.source_title or f"#{a.id}" for a in self.articles}
        return len(keys)


def _sentences(text: str) -> list[str]:
    """Sentences as the article's readers cut them (razdel, joined back where it cut inside
    brackets), never across a line break: a photo caption line is not part of the lead. Wiki
    markup ('' quotes, [[links]], {{templates}}) is shown as the words it marks, in the
    summary a digest line is taken from (one stored before markup was cleaned) as in the text."""
    lines = [without_markup(line) for line in text.splitlines()]
    return [line[a:b].strip() for line in lines
            for a, b in sentence_spans(line, razdel) if line[a:b].strip()]


def _body(article: DigestArticle) -> str:
    """The text without a leading copy of the title (channel posts and pastes repeat it)."""
    text = article.text.strip()
    if article.title and text.startswith(article.title):
        text = text[len(article.title):].lstrip(" .:\n")
    return text


def _lead(text: str) -> list[str]:
    """Sentences of real paragraphs: at least 40 characters and ending like a sentence, which
    drops photo captions, datelines and rubrics; all sentences if none qualify."""
    sentences = _sentences(text)
    prose = [s for s in sentences if len(s) >= 40 and s.endswith((".", "!", "?", "…", "»", '"'))]
    return prose or sentences


def story_text(article: DigestArticle) -> str:
    """What gets embedded for grouping: title and lead, where a news story says what it is."""
    lead = " ".join(_lead(_body(article)[:1500])[:2])
    joined = f"{article.title}. {lead}" if article.title else lead
    return joined[:STORY_TEXT_CHARS]


def _shorten(text: str, limit: int = HEADLINE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:-") + "…"


def headline(article: DigestArticle) -> str:
    """The most informative sentence: the summary's first (the engine ranked it most central),
    else the lead sentence of a real paragraph, else the title."""
    if article.summary.strip():
        return _shorten(_sentences(article.summary)[0])
    lead = _lead(_body(article)[:2000])
    return _shorten(lead[0] if lead else without_markup(article.title or article.text))


def key_terms(text: str) -> frozenset[str]:
    """Stems of names and numbers: capitalised words not opening a sentence, and figures.

    A five-letter prefix is a crude stem, but it lines up Russian case forms ("Путин",
    "Путина") without loading a morphology model for every digest.
    """
    terms: set[str] = set()
    for sentence in _sentences(text):
        for position, word in enumerate(_WORD.findall(sentence)):
            if position and (word[0].isupper() or word[0].isdigit()):
                terms.add(word.casefold()[:5])
    return frozenset(terms)


def same_story(cosine: float, shared_terms: int) -> bool:
    return cosine >= SAME_STORY_COSINE or (
        cosine >= RELATED_COSINE and shared_terms >= SHARED_TERMS_FOR_RELATED
    )


def group_stories(articles: Sequence[DigestArticle], vectors: np.ndarray) -> list[Story]:
    """Single-link grouping in arrival order: an article joins the first story holding any
    article it matches (`same_story`), else starts its own. Rows of `vectors` are L2-normalised,
    one per article, in the same order."""
    if len(articles) != len(vectors):
        raise ValueError("one vector per article is required")
    ordered = sorted(range(len(articles)),
                     key=lambda i: (articles[i].created_at or datetime.min, articles[i].id))
    terms = [key_terms(story_text(a)) for a in articles]
    sims = vectors @ vectors.T if len(articles) else np.zeros((0, 0))
    groups: list[list[int]] = []
    for i in ordered:
        for group in groups:
            if any(same_story(float(sims[i, j]), len(terms[i] & terms[j])) for j in group):
                group.append(i)
                break
        else:
            groups.append([i])
    stories = [Story(headline(articles[g[0]]), tuple(articles[i] for i in g)) for g in groups]
    # Most-covered stories first; among equals, the story that broke first.
    return sorted(stories, key=lambda s: -s.source_count)


def _plural(count: int, one: str, few: str, many: str) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def _label(article: DigestArticle) -> str:
    if article.source_title:
        return article.source_title
    if article.source_url:
        parts = urlsplit(article.source_url)
        host = parts.netloc.removeprefix("www.")
        if host == "t.me" and parts.path.strip("/"):  # a post link: name the channel
            return "@" + parts.path.strip("/").split("/")[0]
        return host or "ссылка"
    return ""


def _source_refs(story: Story, limit: int = 3) -> str:
    refs: list[str] = []
    seen: set[str] = set()
    for article in story.articles:
        label = _label(article)
        key = article.source_url or label
        if not label or key in seen:
            continue
        seen.add(key)
        if article.source_url:
            refs.append(link(article.source_url, label))
        else:
            refs.append(esc(label))
    return ", ".join(refs[:limit])


def render_story(story: Story) -> str:
    """`• line — source` or `• line (3 источника: a, b, c)`, Telegram HTML."""
    line = "• " + esc(story.line)
    refs = _source_refs(story)
    count = story.source_count
    if count > 1:
        word = _plural(count, "источник", "источника", "источников")
        return f"{line} ({count} {word}{': ' + refs if refs else ''})"
    return f"{line} — {refs}" if refs else line


def render_digest(stories: Sequence[Story], *, day: datetime, max_items: int) -> str:
    """The whole digest as HTML: a header with the local date, up to `max_items` stories."""
    total = sum(len(s.articles) for s in stories)
    header = (f"<b>Дайджест за {day.day} {MONTHS_GENITIVE[day.month - 1]}</b> · {total} "
              f"{_plural(total, 'статья', 'статьи', 'статей')}")
    lines = [header, ""]
    lines.extend(render_story(story) for story in stories[:max_items])
    hidden = len(stories) - max_items
    if hidden > 0:
        lines.append(f"…и ещё {hidden} {_plural(hidden, 'сюжет', 'сюжета', 'сюжетов')}")
    return "\n".join(lines)


EMPTY_DIGEST = "За этот период новых статей не было."
