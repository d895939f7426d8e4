"""/start and /help: what the bot does, in Russian, with an example."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import BotCommand, Message

from bot.rendering.html import esc

HELP = (
    "Я пересказываю статьи и отвечаю на вопросы по ним. Ваши статьи и вопросы никуда не "
    "уходят: читаю их сам, ничего не передаю посторонним сервисам.\n\n"
    "<b>Как прислать статью</b>: перешлите пост из канала, вставьте текст (можно длинный), "
    "пришлите файл .txt, .md или .html или просто ссылку.\n"
    "<b>Как спросить</b>: напишите вопрос текстом, ответьте на статью или пересказ, "
    "или /ask вопрос.\n\n"
    "<b>Пример</b>: перешлите новость о переговорах и спросите «Что подписали?».\n\n"
    "/articles — последние статьи\n"
    "/settings — длина пересказа и часовой пояс\n"
    "/forget — удалить статьи этого чата\n"
    "/subscribe 09:00 — дайджест за день каждое утро\n"
    "/unsubscribe — отписаться от дайджеста\n"
    "/digest — дайджест сейчас\n"
    "/source @канал — добавить в дайджест канал, где я администратор\n\n"
    "В группе упомяните меня или ответьте на моё сообщение."
)

COMMANDS = [
    BotCommand(command="help", description="Что я умею"),
    BotCommand(command="ask", description="Вопрос о последней статье"),
    BotCommand(command="articles", description="Последние статьи"),
    BotCommand(command="settings", description="Длина пересказа, часовой пояс"),
    BotCommand(command="forget", description="Удалить статьи этого чата"),
    BotCommand(command="subscribe", description="Ежедневный дайджест: /subscribe 09:00"),
    BotCommand(command="digest", description="Дайджест сейчас"),
    BotCommand(command="unsubscribe", description="Отключить дайджест"),
]


async def on_start(message: Message) -> None:
    name = message.from_user.first_name if message.from_user else ""
    greeting = f"Здравствуйте, {name}!" if name else "Здравствуйте!"
    await message.answer(f"{esc(greeting)}\n\n{HELP}")


async def on_help(message: Message) -> None:
    await message.answer(HELP)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    return router
