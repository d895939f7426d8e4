"""`python -m bot digest`: the digest without Telegram, from a JSONL file or from the database.

    python -m bot digest --jsonl articles.jsonl     # lines {"title", "text", "source_url",
                                                    #        "source_title"}; "-" is stdin
    python -m bot digest --chat 123456              # what /digest would send that chat now

The digest (Telegram HTML) goes to stdout; a line with counts and timings goes to stderr.
Exit codes: 0 ok, 2 bad input, 1 other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.settings import Settings

EXIT_OK, EXIT_BAD_INPUT = 0, 2
# NEREL's training split (../shared/train): calibrating on ../shared/eval would be tuning on it
NEREL = (Path(__file__).resolve().parents[2].parent / "shared" / "train" / "nerel_train"
         / "nerel_v1.1_train.jsonl")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--jsonl", metavar="PATH", help="articles, one JSON object a line")
    source.add_argument("--chat", type=int, help="a chat id in the configured database")
    source.add_argument("--calibrate", metavar="PAIRS",
                        help="score the same-story rule on labelled NEREL pairs "
                             "(tests/digest/calibration_pairs.json)")
    parser.add_argument("--nerel", default=str(NEREL),
                        help="the NEREL Wikinews JSONL the pairs refer to")
    parser.add_argument("--max-items", type=int, default=None,
                        help="stories to show (default: DIGEST_MAX_ITEMS)")


def _read_articles(path: str) -> list[dict[str, Any]]:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not all(isinstance(r, dict) and str(r.get("text", "")).strip() for r in rows):
        raise ValueError("every line must be a JSON object with a non-empty \"text\"")
    return rows


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.digest.compose import DigestArticle, group_stories, render_digest, story_text
    from models import load_engine

    if args.jsonl:
        try:
            rows = _read_articles(args.jsonl)
        except (OSError, ValueError) as error:  # JSONDecodeError is a ValueError
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if not rows:
            print("error: no articles in the input", file=sys.stderr)
            return EXIT_BAD_INPUT
    engine = load_engine(settings.engine_config())
    if args.calibrate:
        return _calibrate(Path(args.calibrate), Path(args.nerel), engine)
    max_items = args.max_items or settings.digest_max_items
    if args.chat is not None:
        return asyncio.run(_from_database(args.chat, settings, engine, max_items))
    articles = [DigestArticle(id=i, title=str(r.get("title", "")), text=str(r["text"]),
                              summary=str(r.get("summary", "")),
                              source_title=str(r.get("source_title", "")),
                              source_url=str(r.get("source_url", "")))
                for i, r in enumerate(rows)]
    started = time.perf_counter()
    vectors = engine.embed([story_text(a) for a in articles])
    embedded = time.perf_counter() - started
    stories = group_stories(articles, vectors)
    print(render_digest(stories, day=datetime.now(UTC), max_items=max_items))
    print(f"{len(articles)} articles -> {len(stories)} stories; embedding {embedded:.2f} s, "
          f"total {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return EXIT_OK


async def _from_database(chat_id: int, settings: Settings, engine: Any, max_items: int) -> int:
    from dataclasses import replace

    from bot.digest.service import DigestOptions, DigestService
    from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
    from bot.storage.repo import Repo

    async def embed(texts: Any) -> Any:
        return await asyncio.to_thread(engine.embed, list(texts))

    options = replace(DigestOptions.from_settings(settings), max_items=max_items)
    service = DigestService(options, embed)
    db = create_db_engine(settings.resolved_database_url)
    try:
        await create_schema(db)
        async with create_sessionmaker(db)() as session:
            digest = await service.digest_now(Repo(session), chat_id)
    finally:
        await db.dispose()
    print(digest.text)
    print(f"chat {chat_id}: {digest.articles} articles -> {digest.stories} stories",
          file=sys.stderr)
    return EXIT_OK


def _title(row: dict[str, Any]) -> str:
    """A NEREL row's title: its own field where the file has one, else the text's first line
    (Wikinews texts open with their headline)."""
    return row.get("title") or row["text"].strip().split("\n", 1)[0]


def _calibrate(pairs_path: Path, nerel_path: Path, engine: Any) -> int:
    """Per label (same, hard, random): pairs merged by `same_story`, and the cosine range."""
    from bot.digest.compose import DigestArticle, key_terms, same_story, story_text

    try:
        pairs = json.loads(pairs_path.read_text(encoding="utf-8"))["pairs"]
        rows = {r["id"]: r for r in map(json.loads, nerel_path.read_text("utf-8").splitlines())}
        ids = sorted({p[side] for p in pairs for side in ("a", "b")})
        articles = {i: DigestArticle(id=n, title=_title(rows[i]), text=rows[i]["text"])
                    for n, i in enumerate(ids)}
    except (OSError, ValueError, KeyError) as error:
        print(f"error: cannot read the pairs or the NEREL file: {error!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    vectors = dict(zip(ids, engine.embed([story_text(articles[i]) for i in ids]), strict=True))
    seconds = time.perf_counter() - started
    by_label: dict[str, list[tuple[float, bool]]] = {}
    for pair in pairs:
        a, b = articles[pair["a"]], articles[pair["b"]]
        cosine = float(vectors[pair["a"]] @ vectors[pair["b"]])
        shared = len(key_terms(story_text(a)) & key_terms(story_text(b)))
        by_label.setdefault(pair["label"], []).append((cosine, same_story(cosine, shared)))
    for label, scored in by_label.items():
        cosines = [c for c, _ in scored]
        print(f"{label:7s} pairs={len(scored):3d} merged={sum(m for _, m in scored):3d} "
              f"cosine {min(cosines):.3f}-{max(cosines):.3f}")
    print(f"{len(ids)} articles embedded in {seconds:.1f} s", file=sys.stderr)
    return EXIT_OK
