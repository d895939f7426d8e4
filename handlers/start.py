"""/start and /help: what the bot does, in Russian, with an example."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandStart
from aiogram.types import BotCommand, Message

from bot.rendering.html import esc

INTRO = (
    "Я пересказываю статьи и отвечаю на вопросы по ним. Ваши статьи и вопросы никуда не "
    "уходят: читаю их сам, ничего не передаю посторонним сервисам."
)
COMMAND_LINES = (
    "/articles — последние статьи\n"
    "/settings — длина пересказа и часовой пояс\n"
    "/forget — удалить статьи этого чата\n"
    "/subscribe 09:00 — дайджест за день каждое утро\n"
    "/unsubscribe — отписаться от дайджеста\n"
    "/digest — дайджест сейчас\n"
    "/source @канал — добавить в дайджест канал, где я администратор"
)
HELP = (
    f"{INTRO}\n\n"
    "<b>Как прислать статью</b>: перешлите пост из канала, вставьте текст (можно длинный), "
    "пришлите файл .txt, .md или .html или просто ссылку.\n"
    "<b>Как спросить</b>: напишите вопрос текстом, ответьте на статью или пересказ, "
    "или /ask вопрос.\n\n"
    "<b>Пример</b>: перешлите новость о переговорах и спросите «Что подписали?».\n\n"
    f"{COMMAND_LINES}\n\n"
    "В группе упомяните меня или ответьте на моё сообщение."
)


def group_help(username: str) -> str:
    """/help in a group: the bot reads only what is addressed to it there, so the private
    chat's «напишите вопрос текстом» would go unheard."""
    me = esc(f"@{username}")
    return (
        f"{INTRO}\n\n"
        "В группе я читаю только то, что обращено ко мне.\n"
        f"<b>Как прислать статью</b>: упомяните меня ({me}) вместе с текстом статьи или "
        f"ссылкой, или напишите {me} и сразу перешлите пост из канала.\n"
        f"<b>Как спросить</b>: упомяните меня с вопросом, например «{me} что произошло?», "
        "или ответьте на мой пересказ или ответ.\n\n"
        f"<b>Пример</b>: напишите {me}, перешлите новость о переговорах, затем спросите "
        f"«{me} что подписали?».\n\n"
        f"{COMMAND_LINES}"
    )


async def help_for(message: Message, bot: Bot) -> str:
    """The help that fits the chat: a private chat's or a group's."""
    if message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return group_help((await bot.me()).username or "")
    return HELP


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


async def on_start(message: Message, bot: Bot) -> None:
    name = message.from_user.first_name if message.from_user else ""
    greeting = f"Здравствуйте, {name}!" if name else "Здравствуйте!"
    await message.answer(f"{esc(greeting)}\n\n{await help_for(message, bot)}")


async def on_help(message: Message, bot: Bot) -> None:
    await message.answer(await help_for(message, bot))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    return router
