"""Load and fault test: the real bot (`python -m bot run`, SQLite, embedded engine) against the
test Bot API server on 127.0.0.1, printing the figures the reliability issue asks for.

    .venv/bin/python scripts/loadtest.py                  # every scenario (about 6 minutes)
    .venv/bin/python scripts/loadtest.py burst long       # some of them
    .venv/bin/python scripts/loadtest.py burst --chats 20 --seconds 3 --settle 5   # a quick look

Scenarios, each on a fresh bot and database:
  burst   CHATS chats send PER_CHAT updates each (a /start, two forwarded posts, questions) within
          SECONDS; every update must get one reply: counts by kind, silent updates, apologies,
          question latency, summaries per minute, RSS before / after / SETTLE s later.
  kill    the same burst, kill -9 five seconds in, restart on the same database: every update
          Telegram handed over is answered exactly once.
  faults  10 s of 429s, 10 s of 500s, 10 s of 5-second delays on every method while updates
          arrive: every update answered once when the faults end.
  long    a 199,000-character .txt while 20 other chats ask questions: summary time and the
          others' question latency meanwhile, and in the BEFORE s before it came (the same
          askers without it: what their own load costs). Each of them asks, waits for the
          answer, reads it for THINK s and asks again (--asking closed); --asking open keeps
          the earlier load of 40 questions a second whatever the answers, ten times what two
          cores answer (a question costs ~0.25 s of both cores), which measures the backlog,
          not the long article.
It exits non-zero when an update went unanswered or was answered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import updates as U  # noqa: E402
from tests.support.bot_process import BotProcess, rss_mb  # noqa: E402
from tests.support.fake_bot_api import ApiCall, FakeBotAPI  # noqa: E402

QUESTIONS = ("О чём статья?", "Кто это сказал?", "Когда это произошло?", "Где это случилось?",
             "Сколько человек пострадало?", "Что решили?", "Почему так произошло?")
SEED = ROOT / "seeds" / "000_3e03566f6385fd19.txt"


def article_pool() -> list[str]:
    sample = ROOT / "tests" / "models" / "articles" / "wikinews_sample.jsonl"
    texts = [json.loads(line)["text"] for line in sample.read_text("utf-8").splitlines()]
    texts.append((ROOT / "tests" / "support" / "articles" / "wikinews_100084.txt")
                 .read_text("utf-8"))
    texts.append(SEED.read_text("utf-8"))
    return texts


def variant(text: str, n: int) -> str:
    """A distinct article for every chat: the text without one of its paragraphs."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) > 3:
        del paragraphs[1 + n % (len(paragraphs) - 2)]
    return "\n".join(paragraphs)


def kind_of(text: str) -> str:
    if "Ключевое:" in text or text.lstrip().startswith("•"):
        return "summary"
    if "<b>Ответ:</b>" in text or "этого нет" in text:
        return "answer"
    if "не успеваю" in text:
        return "busy question"
    if "занят" in text:
        return "busy article"
    if "что-то пошло не так" in text:
        return "apology"
    if "сначала пришлите статью" in text:
        return "no article"
    if "Здравствуйте" in text:
        return "greeting"
    if "Слишком много сообщений" in text:
        return "rate limited"
    if "Последние статьи" in text or "Статей пока нет" in text or "Как спросить" in text:
        return "command"
    return "other"


@dataclass
class Sent:
    """What one chat sent, when (monotonic, as the test server stamps its calls)."""

    chat: int
    updates: list[tuple[float, str]] = field(default_factory=list)  # (time, kind)


def burst_plan(chats: int, per_chat: int, seconds: float, first_chat: int = 50_000,
               seed: int = 7) -> list[tuple[float, int, dict]]:
    """(offset in s, chat, update) per chat: /start, two forwarded posts, then half questions,
    half /help and /articles (about the mix of the burst the issue describes: a quarter
    articles, half questions, the rest commands)."""
    rng = random.Random(seed)
    pool = article_pool()
    plan: list[tuple[float, int, dict]] = []
    for c in range(chats):
        chat = first_chat + c
        start = rng.uniform(0, seconds * 0.3)
        plan.append((start, chat, U.command("/start", chat_id=chat)))
        for k in range(2):
            text = variant(pool[(c + k) % len(pool)], c)
            plan.append((start + 0.1 + k * 0.05, chat,
                         U.forwarded_channel_post(text, chat_id=chat,
                                                  post_id=1000 + 10 * c + 5 * k)))
        rest = max(0, per_chat - 3)
        for n in range(rest):
            update = (U.private_text(rng.choice(QUESTIONS), chat_id=chat) if n < rest * 5 // 7
                      else U.command(rng.choice(("/help", "/articles")), chat_id=chat))
            plan.append((rng.uniform(start + 0.5, seconds), chat, update))
    return sorted(plan, key=lambda item: item[0])


def update_kind(update: dict) -> str:
    message = update.get("message") or {}
    if "forward_origin" in message:
        return "article"
    return "command" if message.get("text", "").startswith("/") else "question"


async def push_plan(api: FakeBotAPI, plan: list[tuple[float, int, dict]],
                    sent: dict[int, Sent], stop_after: float | None = None) -> int:
    """Push updates on schedule; returns how many were pushed (all, or those before
    `stop_after` seconds)."""
    started = time.monotonic()
    pushed = 0
    for offset, chat, update in plan:
        if stop_after is not None and offset > stop_after:
            break
        delay = started + offset - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        api.push_update(update)
        sent.setdefault(chat, Sent(chat)).updates.append((time.monotonic(), update_kind(update)))
        pushed += 1
    return pushed


def replies(api: FakeBotAPI, chat: int, since: int = 0) -> list[ApiCall]:
    return [c for c in api.calls_for("sendMessage", since=since)
            if c.params.get("chat_id") == chat]


async def drain(api: FakeBotAPI, sent: dict[int, Sent], timeout: float, since: int = 0) -> float:
    """Wait until every chat has as many replies as it sent updates; returns when that was."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(replies(api, s.chat, since)) >= len(s.updates) for s in sent.values()):
            return time.monotonic()
        await asyncio.sleep(0.2)
    return time.monotonic()


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# The replies that answer each kind of update. A chat's updates of a kind are answered about
# in the order sent: the n-th such reply goes with the n-th update. Commands need no model: their
# time is the event loop's and the database's share of a reply's.
REPLY_KINDS = {"question": ("answer", "no article", "busy question"),
               "command": ("greeting", "command"),
               "article": ("summary", "busy article")}


def tally(api: FakeBotAPI, sent: dict[int, Sent], since: int = 0,
          origin: float | None = None) -> dict:
    """Replies by kind, silent and doubly answered updates, latency by kind of update.

    A chat whose replies do not match its updates is shown with its replies' times, seconds
    from `origin` (the kill, in the kill scenario: a reply twice near 0 is one the killed run
    sent but had not noted yet)."""
    kinds: Counter[str] = Counter()
    silent = extra = 0
    examples: list[dict] = []
    latency: dict[str, list[float]] = {kind: [] for kind in REPLY_KINDS}
    by_reply: dict[str, list[float]] = defaultdict(list)  # the same latencies by reply kind
    summary_times: list[float] = []
    for s in sent.values():
        got = [(c.at, kind_of(c.params.get("text", ""))) for c in replies(api, s.chat, since)]
        silent += max(0, len(s.updates) - len(got))
        if len(got) != len(s.updates) and len(examples) < 3:
            examples.append({"chat": s.chat, "sent": [k for _, k in s.updates],
                             "got": [kind for _, kind in got],
                             **({"got_at_s": [round(at - origin, 2) for at, _ in got]}
                                if origin is not None else {})})
        extra += max(0, len(got) - len(s.updates))
        kinds.update(kind for _, kind in got)
        for kind, reply_kinds in REPLY_KINDS.items():
            sent_at = sorted(t for t, k in s.updates if k == kind)
            replied = sorted((at, k) for at, k in got if k in reply_kinds)
            for a, (b, reply_kind) in zip(sent_at, replied):
                latency[kind].append(b - a)
                by_reply[reply_kind].append(b - a)
        summary_times += [at for at, k in got if k == "summary"]
    # how long updates waited in the test server for the bot's getUpdates (the bot's intake)
    fetch_lag = [api.handed_at[u] - at for u, at in api.pushed_at.items() if u in api.handed_at]
    return {"updates": sum(len(s.updates) for s in sent.values()), "replies": dict(kinds),
            "fetch_lag_p50_s": round(p(fetch_lag, 0.5), 2),
            "fetch_lag_p95_s": round(p(fetch_lag, 0.95), 2),
            "silent": silent, "answered_twice": extra,
            **{f"{kind}_p{q}_s": round(p(values, q / 100), 2)
               for kind, values in latency.items() for q in (50, 95)},
            "question_replies_p50_p95_s": {
                kind: [round(p(by_reply[kind], 0.5), 2), round(p(by_reply[kind], 0.95), 2)]
                for kind in REPLY_KINDS["question"] if by_reply[kind]},
            "summaries": len(summary_times), "_summary_times": summary_times,
            **({"unlike_examples": examples} if examples else {})}


LOGS: list[tuple[str, BotProcess]] = []


async def start_bot(api: FakeBotAPI, db: Path, **env: str) -> BotProcess:
    bot = BotProcess(api, db, USER_RATE_LIMIT="20", LOG_LEVEL="INFO", **env)
    LOGS.append((db.stem, bot))
    await bot.start()
    return bot


async def warm_up(api: FakeBotAPI, chat: int = 49_999) -> None:
    """One article and one question, so the figures do not include first-use loading."""
    mark = api.mark()
    api.push_update(U.forwarded_channel_post(SEED.read_text("utf-8"), chat_id=chat))
    await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat, 60, since=mark)
    mark = api.mark()
    api.push_update(U.private_text("Что подписали?", chat_id=chat))
    await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat, 60, since=mark)


@contextlib.asynccontextmanager
async def warm_bot(db: Path) -> AsyncIterator[tuple[FakeBotAPI, BotProcess]]:
    """A test Bot API server and a bot process on `db`, warmed up; both stopped after."""
    api = FakeBotAPI()
    await api.start()
    try:
        bot = await start_bot(api, db)
        try:
            await warm_up(api)
            yield api, bot
        finally:
            await bot.stop()
    finally:
        await api.stop()


async def scenario_burst(args: argparse.Namespace, tmp: Path) -> dict:
    async with warm_bot(tmp / "burst.sqlite3") as (api, bot):
        assert bot.proc is not None
        rss_before = rss_mb(bot.proc.pid)
        sent: dict[int, Sent] = {}
        mark = api.mark()
        started = time.monotonic()
        await push_plan(api, burst_plan(args.chats, args.per_chat, args.seconds), sent)
        done = await drain(api, sent, args.timeout, mark)
        rss_after = rss_mb(bot.proc.pid)
        report = tally(api, sent, mark)
        times = report.pop("_summary_times")
        span = (max(times) - started) if times else 0.0
        report["drained_in_s"] = round(done - started, 1)
        report["summaries_per_minute"] = round(len(times) * 60 / span, 1) if span else 0.0
        await asyncio.sleep(args.settle)
        report["rss_mb"] = {"before": round(rss_before), "after_burst": round(rss_after),
                            f"{args.settle:.0f}s_later": round(rss_mb(bot.proc.pid))}
        return report


async def scenario_kill(args: argparse.Namespace, tmp: Path) -> dict:
    api = FakeBotAPI()
    await api.start()
    db = tmp / "kill.sqlite3"
    first = await start_bot(api, db)
    second = BotProcess(api, db, USER_RATE_LIMIT="20", LOG_LEVEL="INFO")
    LOGS.append(("kill-restarted", second))
    try:
        await warm_up(api)
        sent: dict[int, Sent] = {}
        mark = api.mark()
        plan = burst_plan(args.chats, args.per_chat, args.seconds, first_chat=60_000)
        pushed = await push_plan(api, plan, sent, stop_after=5.0)
        killed_at = time.monotonic()
        await first.kill()
        answered_before = sum(len(replies(api, s.chat, mark)) for s in sent.values())
        restarted = time.monotonic()
        await second.start()
        done = await drain(api, sent, args.timeout, mark)
        await asyncio.sleep(3)  # duplicates, if any, show up now
        report = tally(api, sent, mark, origin=killed_at)
        report.pop("_summary_times")
        report.update(pushed_before_kill=pushed, answered_before_kill=answered_before,
                      all_answered_after_restart_s=round(done - restarted, 1),
                      rerun_after_restart=second.output.count("stored updates again"))
        return report
    finally:
        await first.stop()
        await second.stop()
        await api.stop()


async def scenario_faults(args: argparse.Namespace, tmp: Path) -> dict:
    async with warm_bot(tmp / "faults.sqlite3") as (api, _):
        sent: dict[int, Sent] = {}
        mark = api.mark()
        plan = burst_plan(max(1, args.chats // 5), args.per_chat, 30.0, first_chat=70_000)
        pushing = asyncio.create_task(push_plan(api, plan, sent))
        for fault in ({"status": 429, "retry_after": 2}, {"status": 500}, {"delay": 5.0}):
            api.outage(10.0, **fault)
            await asyncio.sleep(10.0)
        await pushing
        faults_ended = time.monotonic()
        done = await drain(api, sent, args.timeout, mark)
        await asyncio.sleep(3)
        report = tally(api, sent, mark)
        report.pop("_summary_times")
        report["all_answered_after_faults_s"] = round(done - faults_ended, 1)
        report["failed_calls"] = sum(1 for c in api.calls[mark:] if c.failed)
        return report


def long_article() -> str:
    pool = article_pool()
    text = ""
    while len(text) < 199_000:
        text += "\n\n".join(pool) + "\n\n"
    text = text[:199_000]
    return text[:text.rfind("\n")].rstrip()


async def keep_asking(api: FakeBotAPI, chat: int, done: asyncio.Event, mark: int,
                      latency: list[tuple[float, float]], think: float, timeout: float) -> None:
    """One person in a chat: asks, waits for the answer, reads it for `think` seconds, asks
    again, until `done`. Each answer adds (when asked, how long it took) to `latency`."""
    while not done.is_set():
        before = len(replies(api, chat, mark))
        asked = time.monotonic()
        api.push_update(U.private_text(random.choice(QUESTIONS), chat_id=chat))
        while len(got := replies(api, chat, mark)) <= before:
            if time.monotonic() - asked > timeout:
                return
            await asyncio.sleep(0.02)
        latency.append((asked, got[before].at - asked))
        await asyncio.sleep(think)


async def scenario_long(args: argparse.Namespace, tmp: Path) -> dict:
    async with warm_bot(tmp / "long.sqlite3") as (api, _):
        others = list(range(80_000, 80_020))
        for chat in others:  # each of them has an article already
            api.push_update(U.forwarded_channel_post(variant(SEED.read_text("utf-8"), chat),
                                                     chat_id=chat))
        sent = {chat: Sent(chat, [(0.0, "article")]) for chat in others}
        await drain(api, sent, args.timeout)
        text = long_article()
        api.add_file("long", text.encode("utf-8"), "documents/long.txt")
        chat = 80_100
        mark = api.mark()
        latency: list[tuple[float, float]] = []
        done = asyncio.Event()
        if args.asking == "closed":
            askers = [asyncio.create_task(keep_asking(api, other, done, mark, latency,
                                                      args.think, args.timeout))
                      for other in others]
            # the others ask this long before the article comes: the same questions without
            # it, to tell what the long article costs them from what their own load does
            await asyncio.sleep(args.before)
        started = time.monotonic()
        api.push_update(U.document("long", "long.txt", size=len(text.encode()), chat_id=chat))
        asked: list[tuple[float, int]] = []
        summary: ApiCall | None = None
        while summary is None and time.monotonic() - started < args.timeout:
            if args.asking == "open":
                for other in others:
                    asked.append((time.monotonic(), other))
                    api.push_update(U.private_text(random.choice(QUESTIONS), chat_id=other))
                    await asyncio.sleep(0.5 / len(others))
            else:
                await asyncio.sleep(0.05)
            got = replies(api, chat, mark)
            summary = got[0] if got else None
        done.set()
        if args.asking == "closed":
            await asyncio.gather(*askers)
        else:
            await asyncio.sleep(5)
            for other in others:
                times = [t for t, c in asked if c == other]
                answers = [c.at for c in replies(api, other, mark)]
                latency += [(a, b - a) for a, b in zip(times, answers)]
        ended = summary.at if summary else time.monotonic()
        during = [took for at, took in latency if started <= at <= ended]
        before = [took for at, took in latency if at < started - 1.0]  # past the first asks
        return {"chars": len(text), "asking": args.asking,
                "summary_s": round(summary.at - started, 2) if summary else None,
                "summary_kind": kind_of(summary.params["text"]) if summary else None,
                "questions_answered": len(latency),
                "question_p50_s": round(p([t for _, t in latency], 0.5), 2),
                "question_p95_s": round(p([t for _, t in latency], 0.95), 2),
                # asked while the article was being read, and before it came
                "asked_during_p50_p95_s": [round(p(during, 0.5), 2), round(p(during, 0.95), 2),
                                           len(during)],
                "asked_before_p50_p95_s": [round(p(before, 0.5), 2), round(p(before, 0.95), 2),
                                           len(before)]}


SCENARIOS = {"burst": scenario_burst, "kill": scenario_kill, "faults": scenario_faults,
             "long": scenario_long}


async def main(args: argparse.Namespace) -> int:
    failed = False
    with tempfile.TemporaryDirectory(prefix="loadtest-") as folder:
        for name in args.scenarios or list(SCENARIOS):
            started = time.monotonic()
            report = await SCENARIOS[name](args, Path(folder))
            report["took_s"] = round(time.monotonic() - started, 1)
            print(json.dumps({name: report}, ensure_ascii=False), flush=True)
            args.logs.mkdir(parents=True, exist_ok=True)
            for n, (label, bot) in enumerate(LOGS):
                (args.logs / f"{name}-{n}-{label}.log").write_text(bot.output, encoding="utf-8")
            LOGS.clear()
            if report.get("silent") or report.get("answered_twice") or (
                    name == "burst" and report["replies"].get("apology")):
                failed = True
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        help=f"some of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--per-chat", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the burst")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds after the burst before RSS is read again")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="longest wait for all replies")
    parser.add_argument("--asking", choices=("closed", "open"), default="closed",
                        help="long: each other chat asks, waits for its answer and --think "
                             "seconds, then asks again (closed, default); or all of them ask "
                             "40 questions a second between them whatever the answers (open)")
    parser.add_argument("--before", type=float, default=8.0,
                        help="long, closed asking: seconds the others ask before the article")
    parser.add_argument("--think", type=float, default=1.0,
                        help="long, closed asking: seconds a person reads an answer")
    parser.add_argument("--logs", type=Path, default=ROOT / "data" / "loadtest",
                        help="folder for the bots' logs (default: data/loadtest)")
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
