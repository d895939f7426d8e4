"""Digest text: same-story merging with the real embedded engine, lines, links, caps, splits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.digest.compose import (
    DigestArticle,
    group_stories,
    headline,
    key_terms,
    render_digest,
    render_story,
    story_text,
)
from bot.rendering.split import MESSAGE_LIMIT, split_message

STORIES = json.loads((Path(__file__).with_name("stories.json")).read_text(encoding="utf-8"))
T0 = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def wikinews(*stories: str) -> list[DigestArticle]:
    """Real Russian Wikinews articles (see stories.json), each from its own 'channel'."""
    picked = [a for a in STORIES["articles"] if a["story"] in stories]
    return [DigestArticle(
        id=i, title=a["title"], text=a["text"], source_title=f"Канал {i}",
        source_url=f"https://t.me/channel{i}/{100 + i}", created_at=T0 + timedelta(minutes=i),
    ) for i, a in enumerate(picked, start=1)]


@pytest.fixture(scope="module")
def grouped(embedded_engine) -> list:
    articles = wikinews("belgium", "cuba", "drones", "venezuela", "venezuela2")
    vectors = embedded_engine.embed([story_text(a) for a in articles])
    return group_stories(articles, vectors)


def test_two_reports_of_the_same_story_are_merged(grouped) -> None:
    by_title = {s.articles[0].title: s for s in grouped}
    belgium = next(s for s in grouped if "Бельгии" in s.articles[0].title)
    cuba = next(s for s in grouped if "Кубы" in s.articles[0].title)
    assert len(belgium.articles) == 2 and belgium.source_count == 2
    assert len(cuba.articles) == 2 and cuba.source_count == 2
    assert len(by_title) == len(grouped)


def test_different_stories_stay_apart_even_about_the_same_country(grouped) -> None:
    # "Chavez won the election" and "Maduro became president" share Venezuela and its
    # presidency but are different events months apart: they must stay two lines.
    titles = [[a.title for a in s.articles] for s in grouped]
    assert len(grouped) == 5
    assert ["Госдума планирует разрешить беспилотные автомобили"] in titles
    venezuela = [t for t in titles if any("Венесуэл" in x for x in t)]
    assert len(venezuela) == 2 and all(len(t) == 1 for t in venezuela)


def test_merged_stories_come_first_and_show_their_sources(grouped) -> None:
    assert [s.source_count for s in grouped] == [2, 2, 1, 1, 1]
    line = render_story(grouped[0])
    assert "(2 источника: " in line
    assert line.count('<a href="https://t.me/channel') == 2


def test_headline_is_the_summary_sentence_or_the_lead() -> None:
    article = wikinews("drones")[0]
    assert headline(article).startswith("Монитор программиста") or len(headline(article)) >= 40
    summarized = DigestArticle(id=9, title="T", text=article.text,
                               summary="Госдума обсудила беспилотники. Второе предложение.")
    assert headline(summarized) == "Госдума обсудила беспилотники."
    long_text = "Слово " * 200 + "."
    assert len(headline(DigestArticle(id=1, title="", text=long_text))) <= 200


def test_key_terms_catch_names_across_case_forms() -> None:
    a = key_terms("Вчера Путин поздравил Мигеля Диас-Канеля.")
    b = key_terms("Звонок Путина Мигелю Диас-Канелю состоялся в 2018 году.")
    assert {"путин", "мигел", "диас-"} <= a & b


def test_article_text_is_escaped_and_links_kept() -> None:
    article = DigestArticle(id=1, title="", text="<script>x</script> & co. " * 5,
                            source_title="A&B", source_url="https://example.com/a?b=1&c=2")
    story = group_stories([article], np.ones((1, 4), dtype=np.float32) / 2)[0]
    line = render_story(story)
    assert "<script>" not in line and "&lt;script&gt;" in line
    assert 'href="https://example.com/a?b=1&amp;c=2"' in line and ">A&amp;B</a>" in line


def test_long_digest_is_capped_and_split_at_4096() -> None:
    articles = [DigestArticle(id=i, title="", text=f"Новость номер {i}: " + "очень длинная "
                              "фраза про события дня " * 12 + ".",
                              source_url=f"https://news.example/{i}") for i in range(60)]
    vectors = np.eye(60, dtype=np.float32)  # all different stories
    stories = group_stories(articles, vectors)
    capped = render_digest(stories, day=T0, max_items=15)
    assert capped.count("\n• ") == 15 and "…и ещё 45 сюжетов" in capped
    full = render_digest(stories, day=T0, max_items=60)
    parts = split_message(full)
    assert len(parts) >= 2 and all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert sum(p.count("• ") for p in parts) == 60
