"""Builders of realistic update JSON, shaped like what Telegram sends (Bot API 7+ fields).

Each builder returns a plain dict for `FakeBotAPI.push_update` or `Update.model_validate`
(`dp.feed_update`). `update_id` is left out (the fake server fills it in); message ids come from
one counter so replies can point at earlier messages. Example:

    upd = forwarded_channel_post(SEED, chat_id=USER, channel_username="azertac", post_id=77)
    upd = private_text("Что подписали?", reply_to=bot_message(USER, 1004))
    upd = group_text(f"@{BOT_USERNAME} что подписали?", chat_id=-100500, mention="@newsbot_test_bot")
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.support.fake_bot_api import BOT_USER_ID, BOT_USERNAME

USER_ID = 5001
USER = {"id": USER_ID, "is_bot": False, "first_name": "Анна", "username": "anna",
        "language_code": "ru"}
# Telegram's sender of messages that anonymous group administrators write as the group.
GROUP_ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                       "username": "GroupAnonymousBot"}
_message_ids = itertools.count(1)
_update_ids = itertools.count(1)


def user(user_id: int = USER_ID, name: str = "Анна") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "ru"}


def private_chat(chat_id: int = USER_ID) -> dict[str, Any]:
    return {"id": chat_id, "type": "private", "first_name": "Анна"}


def group_chat(chat_id: int = -1001500, title: str = "Новости отдела") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def bot_message(chat_id: int, message_id: int, text: str = "") -> dict[str, Any]:
    """A message the bot sent earlier (for `reply_to`)."""
    return {"message_id": message_id, "date": int(time.time()),
            "chat": private_chat(chat_id) if chat_id > 0 else group_chat(chat_id),
            "from": {"id": BOT_USER_ID, "is_bot": True, "first_name": "News",
                     "username": BOT_USERNAME}, "text": text or "…"}


def _message(chat: dict[str, Any], sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
    message = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat,
               "from": sender}
    message.update({k: v for k, v in fields.items() if v is not None})
    return message


def with_id(update: dict[str, Any]) -> dict[str, Any]:
    """Give an update an `update_id` (for `dp.feed_update`, where no server numbers them)."""
    return {"update_id": next(_update_ids), **update}


def private_text(text: str, *, chat_id: int = USER_ID, user_id: int | None = None,
                 reply_to: dict[str, Any] | None = None,
                 entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message = _message(private_chat(chat_id), user(user_id or chat_id), text=text,
                       reply_to_message=reply_to, entities=entities)
    return {"message": message}


def command(text: str, *, chat_id: int = USER_ID, user_id: int | None = None,
            anonymous: bool = False) -> dict[str, Any]:
    """`/cmd args` with the bot_command entity Telegram attaches; `anonymous`: written by an
    anonymous administrator of the group, as the group itself (`sender_chat`)."""
    length = len(text.split()[0])
    chat = private_chat(chat_id) if chat_id > 0 else group_chat(chat_id)
    sender = (GROUP_ANONYMOUS_BOT if anonymous
              else user(user_id or (chat_id if chat_id > 0 else USER_ID)))
    message = _message(chat, sender, text=text, sender_chat=chat if anonymous else None,
                       entities=[{"type": "bot_command", "offset": 0, "length": length}])
    return {"message": message}


def forwarded_channel_post(text: str, *, chat_id: int = USER_ID, channel_id: int = -1001234567,
                           channel_title: str = "АЗЕРТАДЖ", channel_username: str | None = "azertac",
                           post_id: int = 77, as_caption: bool = False) -> dict[str, Any]:
    """A channel post forwarded into a private chat: `forward_origin` of type channel."""
    channel: dict[str, Any] = {"id": channel_id, "type": "channel", "title": channel_title}
    if channel_username:
        channel["username"] = channel_username
    now = int(time.time())
    origin = {"type": "channel", "chat": channel, "message_id": post_id, "date": now - 3600}
    fields: dict[str, Any] = {"forward_origin": origin}
    if as_caption:
        fields["photo"] = [_photo_size("ph1", 90), _photo_size("ph2", 800)]
        fields["caption"] = text
    else:
        fields["text"] = text
    message = _message(private_chat(chat_id), user(chat_id), **fields)
    return {"message": message}


def forwarded_from_user(text: str, *, chat_id: int = USER_ID, hidden: bool = False
                        ) -> dict[str, Any]:
    origin: dict[str, Any]
    if hidden:
        origin = {"type": "hidden_user", "sender_user_name": "Борис", "date": int(time.time())}
    else:
        origin = {"type": "user", "sender_user": user(7007, "Борис"), "date": int(time.time())}
    return {"message": _message(private_chat(chat_id), user(chat_id), text=text,
                                forward_origin=origin)}


def document(file_id: str, file_name: str, *, size: int | None, chat_id: int = USER_ID,
             mime_type: str = "text/plain", caption: str | None = None) -> dict[str, Any]:
    """A document message; `size` None leaves `file_size` out, as Telegram may."""
    doc = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": file_name,
           "mime_type": mime_type}
    if size is not None:
        doc["file_size"] = size
    return {"message": _message(private_chat(chat_id), user(chat_id), document=doc,
                                caption=caption)}


def sticker(*, chat_id: int = USER_ID) -> dict[str, Any]:
    st = {"file_id": "stk1", "file_unique_id": "ustk1", "type": "regular", "width": 512,
          "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
    return {"message": _message(private_chat(chat_id), user(chat_id), sticker=st)}


def _photo_size(file_id: str, side: int) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": side, "height": side,
            "file_size": side * 100}


def photo(*, chat_id: int = USER_ID, caption: str | None = None) -> dict[str, Any]:
    sizes = [_photo_size("p1", 90), _photo_size("p2", 1280)]
    return {"message": _message(private_chat(chat_id), user(chat_id), photo=sizes,
                                caption=caption)}


def voice(*, chat_id: int = USER_ID, duration: int = 7) -> dict[str, Any]:
    note = {"file_id": "vc1", "file_unique_id": "uvc1", "duration": duration,
            "mime_type": "audio/ogg"}
    return {"message": _message(private_chat(chat_id), user(chat_id), voice=note)}


def group_text(text: str, *, chat_id: int = -1001500, user_id: int = USER_ID,
               mention: str | None = None, reply_to: dict[str, Any] | None = None,
               forward_origin: dict[str, Any] | None = None) -> dict[str, Any]:
    """A group message; `mention` ("@bot") adds a mention entity at its first occurrence."""
    entities = None
    if mention and mention in text:
        entities = [{"type": "mention", "offset": _utf16_offset(text, text.index(mention)),
                     "length": _utf16_len(mention)}]
    message = _message(group_chat(chat_id), user(user_id), text=text, entities=entities,
                       reply_to_message=reply_to, forward_origin=forward_origin)
    return {"message": message}


def callback_query(data: str, *, message: dict[str, Any], user_id: int = USER_ID
                   ) -> dict[str, Any]:
    """A button press on `message` (one the bot sent)."""
    return {"callback_query": {"id": f"cb{next(_message_ids)}", "from": user(user_id),
                               "chat_instance": "ci-1", "message": message, "data": data}}


def inline_callback_query(data: str, *, user_id: int = USER_ID) -> dict[str, Any]:
    """A button press on a message sent in inline mode: no message, no chat."""
    return {"callback_query": {"id": f"cb{next(_message_ids)}", "from": user(user_id),
                               "chat_instance": "ci-2", "inline_message_id": "AAQ-inline-1",
                               "data": data}}


def channel_post(text: str, *, channel_id: int = -1001234567, title: str = "АЗЕРТАДЖ",
                 username: str | None = "azertac") -> dict[str, Any]:
    """A post in a channel where the bot is an administrator."""
    chat: dict[str, Any] = {"id": channel_id, "type": "channel", "title": title}
    if username:
        chat["username"] = username
    post = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat,
            "sender_chat": chat, "text": text}
    return {"channel_post": post}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf16_offset(text: str, index: int) -> int:
    return _utf16_len(text[:index])
