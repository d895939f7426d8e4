"""Who may change a chat: in a private chat its user, in a group only an administrator.

One check shared by everything that changes a group for all its members (/settings and its
buttons, /subscribe, /unsubscribe, /source, /forget), so a member may read a group's settings
and digest but never change them for everyone. Telegram is asked each time (getChatMember):
rights change, and a stale cache would let a demoted admin go on changing the group.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import CallbackQuery, Message

ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.CREATOR)
ADMINS_ONLY = "Извините, менять настройки этой группы могут только её администраторы."


async def is_chat_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    """Telegram says `user_id` is an administrator or the owner of `chat_id`.

    A definite "no" from Telegram (user or chat not found, a channel's member list closed to
    the bot) reads as not an administrator; a transient failure (network, 5xx, 429) is
    raised, so the update is retried later instead of refused.
    """
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except (TelegramBadRequest, TelegramForbiddenError):
        return False
    return member.status in ADMIN_STATUSES


def sent_by_anonymous_admin(message: Message) -> bool:
    """An anonymous group administrator writes as the group itself (`sender_chat` is the
    group, `from_user` Telegram's GroupAnonymousBot): only administrators can, so it counts
    as one, though getChatMember cannot say who it is."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat.id


async def may_change_chat(event: Message | CallbackQuery, bot: Bot) -> bool:
    """May the sender of a command, or the user pressing a button, change this chat?

    A button press always carries the real user, anonymous administrators included, so
    getChatMember answers for it.
    """
    if isinstance(event, CallbackQuery):
        if event.message is None:
            return False
        chat, user = event.message.chat, event.from_user
    elif sent_by_anonymous_admin(event):
        return True
    else:  # a message written as another chat (a linked channel) has no user to check
        chat, user = event.chat, None if event.sender_chat else event.from_user
    if chat.type == ChatType.PRIVATE:
        return True
    return user is not None and await is_chat_admin(bot, chat.id, user.id)
