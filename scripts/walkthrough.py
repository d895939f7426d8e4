"""The chat issue's walk-through: eight real Russian articles sent as a user would (pasted,
forwarded, .txt, .html, a link), three follow-up questions each, through the real bot process
(`python -m bot run`, long polling) and the test Bot API server on 127.0.0.1. Prints, for every
message, how long the reply took and what it says (first line), as a Markdown table.

    .venv/bin/python scripts/walkthrough.py        # about a minute on 2 cores
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.loadtest import warm_bot  # noqa: E402
from tests.support import updates as U  # noqa: E402
from tests.support.bot_process import free_port  # noqa: E402
from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402

SAMPLE = [json.loads(line)["text"] for line in
          (ROOT / "tests" / "models" / "articles" / "wikinews_sample.jsonl").read_text("utf-8")
          .splitlines()]
SEED = (ROOT / "seeds" / "000_3e03566f6385fd19.txt").read_text("utf-8")
DRONES = (ROOT / "tests" / "support" / "articles" / "wikinews_100084.txt").read_text("utf-8")

# (how it is sent, text, questions)
ARTICLES = [
    ("forwarded channel post", SEED,
     ["Что подписали?", "Где прошла встреча?", "Кто президент Казахстана?"]),
    ("pasted text", SAMPLE[0],
     ["Кому грозит импичмент?", "В чём обвиняют Руссефф?", "Когда это было?"]),
    (".txt file", SAMPLE[1],
     ["За что хотят штрафовать?", "Какой штраф предлагают?", "Кто это предложил?"]),
    (".html file", SAMPLE[2],
     ["Где родился сын?", "Кто сообщил о рождении?", "Как зовут сына?"]),
    ("link", SAMPLE[3],
     ["Кто победил на выборах?", "Сколько лет президенту?", "Где прошли выборы?"]),
    ("forwarded from a person", SAMPLE[4],
     ["Почему Мирзаева освободили?", "Какой приговор вынес суд?", "Кто погиб?"]),
    ("pasted text", SAMPLE[5],
     ["Сколько женщин нашли?", "Где их нашли?", "Сколько лет они пропадали?"]),
    ("forwarded channel post", DRONES,
     ["Что планирует разрешить Госдума?", "Когда прошёл круглый стол?", "Кто участвовал?"]),
]


def first_line(text: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>", "<blockquote>", "</blockquote>"):
        text = text.replace(tag, "")
    return " / ".join(line for line in text.splitlines() if line.strip())[:140]


async def reply_to(api: FakeBotAPI, chat: int, since: int, timeout: float = 60) -> tuple[float, str]:
    started = time.monotonic()
    call = await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat, timeout,
                              since=since)
    return time.monotonic() - started, call.params["text"]


async def main() -> None:
    pages = web.Application()
    port = free_port()
    html = "<html><head><title>{t}</title></head><body><article>{b}</article></body></html>"

    def page(text: str) -> str:
        title, _, body = text.partition("\n")
        paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
        return html.format(t=title, b=f"<h1>{title}</h1>{paragraphs}")

    pages.router.add_get("/news", lambda _: web.Response(text=page(SAMPLE[3]),
                                                         content_type="text/html"))
    runner = web.AppRunner(pages)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        async with warm_bot(Path(tmp) / "walk.sqlite3") as (api, _bot):
            for n, (how, text, questions) in enumerate(ARTICLES):
                chat = 9900 + n
                if how == "forwarded channel post":
                    update = U.forwarded_channel_post(text, chat_id=chat, post_id=100 + n)
                elif how == "forwarded from a person":
                    update = U.forwarded_from_user(text, chat_id=chat)
                elif how in (".txt file", ".html file"):
                    name = "article.txt" if how == ".txt file" else "article.html"
                    data = (text if how == ".txt file" else page(text)).encode("utf-8")
                    api.add_file(f"f{n}", data)
                    update = U.document(f"f{n}", name, size=len(data), chat_id=chat,
                                        mime_type="text/plain" if name.endswith("txt")
                                        else "text/html")
                elif how == "link":
                    update = U.private_text(f"Смотри, что пишут: http://127.0.0.1:{port}/news",
                                            chat_id=chat)
                else:
                    update = U.private_text(text, chat_id=chat)
                mark = api.mark()
                api.push_update(update)
                seconds, reply = await reply_to(api, chat, mark)
                rows.append((how, f"{len(text)} chars", seconds, first_line(reply)))
                await asyncio.sleep(0.3)
                for question in questions:
                    mark = api.mark()
                    api.push_update(U.private_text(question, chat_id=chat))
                    seconds, reply = await reply_to(api, chat, mark)
                    rows.append(("", question, seconds, first_line(reply)))
    await runner.cleanup()
    print("| sent as | message | reply after | reply (first lines) |")
    print("|---|---|---|---|")
    for how, what, seconds, reply in rows:
        print(f"| {how} | {what} | {seconds:.2f} s | {reply.replace('|', '/')} |")


if __name__ == "__main__":
    asyncio.run(main())
