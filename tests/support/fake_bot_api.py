"""A small Bot API server on 127.0.0.1 for tests: real HTTP, real long polling, recorded calls.

Point the bot at it with `TELEGRAM_API_URL=server.base_url` (or
`AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))`); the bot cannot tell it from
Telegram for the methods it uses. Nothing is mocked inside the bot: every call crosses a socket.

API (all coroutines must run on the test's event loop):

    server = FakeBotAPI(token="123:ABC")          # bot user: id 4242, username "newsbot_test_bot"
    await server.start()                          # binds a free port; server.base_url
    server.push_update({...})                     # queue an update; update_id is filled in
    server.add_file("file-1", b"...", "documents/a.txt")   # served by getFile + /file/bot<t>/<p>
    mark = server.mark()                          # index of the next recorded call
    call = await server.wait_for("sendMessage", lambda c: c.params["chat_id"] == 1,
                                 timeout=10, since=mark)
    call.method, call.params, call.result         # params: form fields, JSON values decoded
    server.calls / server.calls_for("sendMessage") / server.sent_texts(chat_id)
    server.fail_next("sendMessage", status=429, retry_after=1)  # next call of it fails once
    server.fail_next("sendMessage", status=403)                 # "bot was blocked by the user"
    server.set_chat(chat_id, {...})               # getChat answer (merged over defaults)
    server.set_member(chat_id, user_id, "administrator")  # getChatMember/getChatAdministrators
    await server.stop()

Texts sent with `parse_mode=HTML` are checked as Telegram does (known tags, properly nested,
`<` and `&` escaped); a bad one gets 400 "can't parse entities", so escaping bugs fail tests.
Sent messages get increasing `message_id`s (from 1000) and are returned as full Message objects,
so `reply_to_message` in a later pushed update can point at one. The `pending_updates` count and
`get_updates_calls` let a test see that the bot is polling. Failures injected with `fail_next`
are answered exactly like Telegram does (`ok: false`, `error_code`, `parameters.retry_after`);
the failed call is recorded with `failed=True`, so a test can assert the retry happened.

getChat and getChatMember answer as Telegram does: a chat may be named by @username (a chat
registered with `set_chat`; unknown names get 400 "chat not found"); a member is one of the
shapes aiogram parses (`creator` with `is_anonymous`, `administrator` with its rights, `member`,
`left`, `kicked`); a user nobody set is a `member` of a group but has `left` a channel; and a
channel's members are hidden (400 "member list is inaccessible") unless the bot administers it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

BOT_USER_ID = 4242
BOT_USERNAME = "newsbot_test_bot"
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})

# Form fields that are plain text even when they look like JSON ("123" as a message text).
_TEXT_FIELDS = frozenset(
    {"text", "caption", "callback_query_id", "file_id", "action", "parse_mode", "url",
     "secret_token", "description", "short_description", "inline_message_id", "query"}
)


@dataclass
class ApiCall:
    """One request the bot made: method name, decoded params, what we answered."""

    method: str
    params: dict[str, Any]
    result: Any = None
    failed: bool = False
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    description: str


@dataclass
class _Outage:
    until: float
    status: int
    retry_after: int
    delay: float


class FakeBotAPI:
    """The Bot API subset this bot uses, served over real HTTP on 127.0.0.1."""

    def __init__(self, token: str = "123:ABC", *, bot_username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_user = {"id": BOT_USER_ID, "is_bot": True, "first_name": "News",
                         "username": bot_username, "can_join_groups": True,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.calls: list[ApiCall] = []
        self._unsized: set[str] = set()
        self.file_bytes_sent = 0
        self.get_updates_calls = 0
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._files: dict[str, tuple[bytes, str]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self.callback_answers: dict[str, int] = {}  # callback_query_id -> answers
        self._anonymous: set[tuple[int, int]] = set()
        self._failures: dict[str, list[_Failure]] = {}
        self._outage: _Outage | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        # update_id -> when it was pushed, when a getUpdates first handed it to the bot
        self.pushed_at: dict[int, float] = {}
        self.handed_at: dict[int, float] = {}

    # --- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    async def stop(self) -> None:
        self._new_update.set()  # release long polls
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- what the test controls ------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the next getUpdates; fills in `update_id`; returns the update."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        for key in ("message", "edited_message", "channel_post"):
            chat = (update.get(key) or {}).get("chat")
            if chat:
                self._chats.setdefault(chat["id"], dict(chat))
        self._updates.append(update)
        self.pushed_at[update["update_id"]] = time.monotonic()
        self._new_update.set()
        return update

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None, *,
                 report_size: bool = True) -> None:
        """Serve `content` for `file_id`; without `report_size` getFile leaves out `file_size`
        (Telegram may), and the file is sent in 64 KB pieces, counted in `file_bytes_sent`."""
        self._files[file_id] = (content, file_path or f"documents/{file_id}")
        if not report_size:
            self._unsized.add(file_id)

    def set_chat(self, chat_id: int, info: dict[str, Any]) -> None:
        self._chats[chat_id] = {**self._chats.get(chat_id, {"id": chat_id}), **info}

    def set_member(self, chat_id: int, user_id: int, status: str, *,
                   anonymous: bool = False) -> None:
        """`status`: creator, administrator, member, left or kicked; `anonymous`: an owner or
        administrator who posts as the group."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unsupported member status {status!r}")
        self._members[(chat_id, user_id)] = status
        if anonymous:
            self._anonymous.add((chat_id, user_id))
        else:
            self._anonymous.discard((chat_id, user_id))

    def fail_next(self, method: str, *, status: int = 429, retry_after: int | None = 1,
                  description: str = "") -> None:
        """Answer the next call of `method` with an error (429 carries `retry_after`)."""
        if not description:
            description = {429: f"Too Many Requests: retry after {retry_after}",
                           403: "Forbidden: bot was blocked by the user"}.get(status, "Bad Request")
        self._failures.setdefault(method, []).append(
            _Failure(status, retry_after if status == 429 else None, description)
        )

    def outage(self, seconds: float, *, status: int = 500, retry_after: int = 1,
               delay: float = 0.0) -> None:
        """For `seconds`, every method but getUpdates fails with `status` (429 with
        `retry_after`), or, with `delay`, answers only after `delay` seconds."""
        self._outage = _Outage(time.monotonic() + seconds, status, retry_after, delay)

    # --- what the test reads ---------------------------------------------------------------
    def mark(self) -> int:
        return len(self.calls)

    def calls_for(self, method: str, *, since: int = 0) -> list[ApiCall]:
        return [c for c in self.calls[since:] if c.method == method and not c.failed]

    def sent_texts(self, chat_id: int | None = None, *, since: int = 0) -> list[str]:
        """Texts of successful sendMessage calls (optionally to one chat), in order."""
        return [c.params.get("text", "") for c in self.calls_for("sendMessage", since=since)
                if chat_id is None or c.params.get("chat_id") == chat_id]

    async def wait_for(self, method: str, predicate: Callable[[ApiCall], bool] | None = None,
                       timeout: float = 10.0, *, since: int = 0) -> ApiCall:
        """The first successful call of `method` at index >= `since` matching `predicate`."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            for call in self.calls[checked:]:
                if call.method == method and not call.failed and (
                    predicate is None or predicate(call)
                ):
                    return call
            checked = max(checked, len(self.calls))
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [f"{c.method}{'(failed)' if c.failed else ''}" for c in self.calls[since:]]
                raise TimeoutError(f"no matching {method} within {timeout}s; calls: {seen}")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), left)
            except TimeoutError:
                pass

    # --- HTTP ------------------------------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _read_params(request)
        if method.lower() == "getupdates":
            return await self._get_updates(params)
        call = ApiCall(method=method, params=params)
        outage = self._outage
        if outage is not None and time.monotonic() < outage.until:
            if outage.delay:
                await asyncio.sleep(outage.delay)
            else:
                call.failed = True
                self._record(call)
                return _error(outage.status, f"Outage {outage.status}",
                              retry_after=outage.retry_after if outage.status == 429 else None)
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            call.failed = True
            self._record(call)
            return _error(failure.status, failure.description, retry_after=failure.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.failed = True
            self._record(call)
            return _error(404, "Not Found: method not found")
        try:
            result = handler(params)
        except _ApiError as exc:
            call.failed = True
            self._record(call)
            return _error(exc.status, exc.description)
        call.result = result
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for file_id, (content, file_path) in self._files.items():
            if file_path == path and file_id in self._unsized:
                return await self._stream_file(request, content)
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _stream_file(self, request: web.Request, content: bytes) -> web.StreamResponse:
        """Send in pieces, as a large file arrives, counting what was sent before the client
        hung up (a capped download stops early)."""
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        await response.prepare(request)
        try:
            for first in range(0, len(content), 65536):
                await response.write(content[first:first + 65536])
                self.file_bytes_sent += min(65536, len(content) - first)
                await asyncio.sleep(0.005)
        except (ConnectionResetError, ConnectionError):
            return response
        await response.write_eof()
        return response

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        self.get_updates_calls += 1
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        handed, now = self._updates[:limit], time.monotonic()
        for update in handed:
            self.handed_at.setdefault(update["update_id"], now)
        return web.json_response({"ok": True, "result": handed})

    def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        self._new_call.set()

    # --- methods ---------------------------------------------------------------------------
    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat_id = int(chat_id)
        known = self._chats.get(chat_id)
        if known:
            return {k: v for k, v in known.items() if k in ("id", "type", "title", "username",
                                                             "first_name", "last_name")}
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        return {"id": chat_id, "type": "supergroup", "title": "Group"}

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(params["chat_id"]),
            "from": self.bot_user,
        }
        if "text" in params:
            message["text"] = params["text"]
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:  # as Telegram: only these
            message["reply_markup"] = markup
        return message

    def _m_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        if not str(params.get("text", "")).strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        _check_text(params)
        return self._message(params)

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        _check_text(params)
        return self._message(params, int(params["message_id"]))

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return self._message(params, int(params["message_id"]))

    def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = params["file_id"]
        if file_id not in self._files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        content, file_path = self._files[file_id]
        found = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_path": file_path}
        if file_id not in self._unsized:
            found["file_size"] = len(content)
        return found

    def _chat_id(self, chat_id: Any) -> int:
        """A chat id, or a @username of a chat registered with `set_chat`."""
        name = str(chat_id)
        if not name.startswith("@"):
            return int(name)
        for known in self._chats.values():
            if str(known.get("username", "")).lower() == name[1:].lower():
                return int(known["id"])
        raise _ApiError(400, "Bad Request: chat not found")

    def _m_getChat(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params["chat_id"])
        chat = self._chats.get(chat_id) or self._chat(chat_id)
        return {"accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False},
                **chat}

    def _is_channel(self, chat_id: int) -> bool:
        return self._chats.get(chat_id, {}).get("type") == "channel"

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        default = "left" if self._is_channel(chat_id) else "member"
        status = self._members.get((chat_id, user_id), default)
        user = self.bot_user if user_id == BOT_USER_ID else {
            "id": user_id, "is_bot": False, "first_name": "User"}
        member: dict[str, Any] = {"status": status, "user": user}
        if status in ("creator", "administrator"):
            member["is_anonymous"] = (chat_id, user_id) in self._anonymous
        if status == "administrator":
            member.update({key: True for key in (
                "can_be_edited", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories", "can_send_welcome_messages", "can_post_messages")})
        elif status == "kicked":
            member["until_date"] = 0  # banned for ever
        return member

    def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = self._chat_id(params["chat_id"]), int(params["user_id"])
        bot_admin = self._members.get((chat_id, BOT_USER_ID)) in ("administrator", "creator")
        if self._is_channel(chat_id) and user_id != BOT_USER_ID and not bot_admin:
            raise _ApiError(400, "Bad Request: member list is inaccessible")
        return self._member(chat_id, user_id)

    def _m_getChatAdministrators(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params["chat_id"])
        return [self._member(chat_id, user_id) for (chat, user_id), status in self._members.items()
                if chat == chat_id and status in ("administrator", "creator")]

    def _ok(self, params: dict[str, Any]) -> Any:
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        """As Telegram: one answer per query; a second is refused (its alert is never shown)."""
        query_id = str(params.get("callback_query_id"))
        self.callback_answers[query_id] = self.callback_answers.get(query_id, 0) + 1
        if self.callback_answers[query_id] > 1:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired "
                                 "or query ID is invalid")
        return True

    def answered_twice(self) -> list[str]:
        """Callback queries the bot answered more than once (Telegram shows only the first)."""
        return [query_id for query_id, count in self.callback_answers.items() if count > 1]

    _m_sendChatAction = _m_setMyCommands = _ok
    _m_deleteWebhook = _m_setWebhook = _m_close = _m_logOut = _m_deleteMessage = _ok
    _m_deleteMyCommands = _m_setMyDescription = _m_setMyShortDescription = _ok


_HTML_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code",
                        "pre", "span", "tg-spoiler", "tg-emoji", "blockquote"})
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _HtmlCheck(HTMLParser):
    """Telegram's HTML rules: known tags only, properly nested, `<`/`&` escaped in text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"Unexpected end tag \"{tag}\""
        else:
            self.stack.pop()


def _check_text(params: dict[str, Any]) -> None:
    """Answer 400 where Telegram would: too long, or HTML it cannot parse."""
    text = str(params.get("text", ""))
    if len(text) > 4096:
        raise _ApiError(400, "Bad Request: message is too long")
    if str(params.get("parse_mode", "")).upper() != "HTML":
        return
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    error = checker.error or (f"Can't find end tag for \"{checker.stack[-1]}\""
                              if checker.stack else "")
    if not error and (_BARE_AMP.search(text) or re.search(r"<(?![/a-z])", text)):
        error = "unescaped character in text"
    if error:
        raise _ApiError(400, f"Bad Request: can't parse entities: {error}")


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str, *, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Form fields (aiogram sends urlencoded or multipart) or a JSON body, JSON values decoded."""
    if request.content_type == "application/json":
        return dict(await request.json())
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST":
        form = await request.post()
        for key, value in form.items():
            params[key] = value if isinstance(value, str) else value.file.read()
    for key, value in list(params.items()):
        if isinstance(value, str) and key not in _TEXT_FIELDS:
            try:
                params[key] = json.loads(value)
            except ValueError:
                pass
    return params
