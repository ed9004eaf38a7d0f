"""An aiogram ``BaseSession`` that answers the Bot API in-process, as a plausible Telegram would.

Nothing goes over the network, but everything aiogram does around a real request still
happens: the method is serialised exactly as ``AiohttpSession.build_form_data`` does it
(``prepare_value``: defaults resolved, markup turned into JSON), and the canned answer is a JSON
string parsed by aiogram's own ``check_response`` into a ``Message`` (or ``True``). So a
benchmark over this session pays aiogram's client-side cost and only skips HTTP.

The "server" side keeps, per chat, the messages the bot sent with their current text and
inline keyboard (as serialised on the wire), so a driver can press the buttons a user was
actually shown, and check which screen the user is looking at.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

BOT_TOKEN = "123456789:AAbenchBENCHbenchBENCHbenchBENCHbench"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


@dataclass
class Shown:
    """A message in a chat as Telegram stores it: its text and inline keyboard (wire form)."""

    message_id: int
    text: str
    markup: dict[str, Any] | None
    from_bot: bool = True


@dataclass
class Chat:
    chat_id: int
    next_id: int = 1
    messages: dict[int, Shown] = field(default_factory=dict)
    last_bot_message: int | None = None  # the newest message sent by the bot

    def new_id(self) -> int:
        message_id = self.next_id
        self.next_id += 1
        return message_id


class Recorder:
    """The fake Telegram's state: chats, their messages, and what was asked of it."""

    def __init__(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.calls: Counter[str] = Counter()

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id)
        return chat

    def current(self, chat_id: int) -> Shown | None:
        """The newest message the bot sent to the chat, as it looks now (after edits)."""
        chat = self.chats.get(chat_id)
        if chat is None or chat.last_bot_message is None:
            return None
        return chat.messages[chat.last_bot_message]

    def button(self, chat_id: int, label: str) -> tuple[Shown, str]:
        """The current message and the callback data of its button labelled ``label``."""
        shown = self.current(chat_id)
        if shown is None or not shown.markup:
            raise AssertionError(f"chat {chat_id}: no keyboard shown, cannot press {label!r}")
        for row in shown.markup.get("inline_keyboard", []):
            for button in row:
                if button.get("text") == label and button.get("callback_data"):
                    return shown, button["callback_data"]
        labels = [b.get("text") for row in shown.markup.get("inline_keyboard", []) for b in row]
        raise AssertionError(
            f"chat {chat_id}: no button {label!r} on message "
            f"{shown.message_id} {shown.text!r}; buttons: {labels}"
        )

    def user_message(self, chat_id: int, text: str) -> int:
        chat = self.chat(chat_id)
        message_id = chat.new_id()
        chat.messages[message_id] = Shown(message_id, text, None, from_bot=False)
        return message_id


def message_json(
    chat_id: int, shown: Shown, *, edited: bool = False, sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Telegram ``Message`` object for ``shown``, in a private chat."""
    now = int(time.time())
    data: dict[str, Any] = {
        "message_id": shown.message_id,
        "date": now,
        "chat": {"id": chat_id, "type": "private", "first_name": f"U{chat_id}"},
        "from": sender or BOT_USER,
        "text": shown.text,
    }
    if shown.markup:
        data["reply_markup"] = shown.markup
    if edited:
        data["edit_date"] = now
    return data


class _Refused(Exception):
    def __init__(self, description: str) -> None:
        self.description = description


class RecordingSession(BaseSession):
    """Answers sendMessage / editMessageText / editMessageReplyMarkup / answerCallbackQuery /
    deleteMessage in-process. Any other method fails loudly: the benchmark must not silently
    measure a bot that does something we did not expect."""

    def __init__(self, recorder: Recorder | None = None) -> None:
        super().__init__()
        self.recorder = recorder or Recorder()

    async def close(self) -> None:
        return None

    def stream_content(  # pragma: no cover
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """Not a generator (no ``yield``): it refuses at the call, before any iteration."""
        raise NotImplementedError("the recording session serves no files")

    def _wire(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
        """The request as it would be posted (what AiohttpSession.build_form_data sends)."""
        files: dict[str, Any] = {}
        wire: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                wire[key] = prepared
        if files:
            raise AssertionError(f"{method.__api_method__}: file uploads are not simulated")
        return wire

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        name = method.__api_method__
        self.recorder.calls[name] += 1
        wire = self._wire(bot, method)
        try:
            result = self._serve(name, wire)
            status, body = 200, {"ok": True, "result": result}
        except _Refused as refused:
            status = 400
            body = {"ok": False, "error_code": 400, "description": refused.description}
            self.recorder.calls[f"{name}:400"] += 1
        response = self.check_response(bot=bot, method=method, status_code=status, content=json.dumps(body))
        return response.result  # type: ignore[return-value]

    # ------------------------------------------------------------------ the fake server
    def _serve(self, name: str, wire: dict[str, Any]) -> Any:
        if name == "answerCallbackQuery":
            if wire.get("text"):  # a notice (e.g. "this button is outdated") came with it
                self.recorder.calls["answerCallbackQuery:with_text"] += 1
            return True
        if name == "sendMessage":
            chat = self.recorder.chat(int(wire["chat_id"]))
            markup = json.loads(wire["reply_markup"]) if "reply_markup" in wire else None
            shown = Shown(chat.new_id(), wire["text"], markup)
            chat.messages[shown.message_id] = shown
            chat.last_bot_message = shown.message_id
            return message_json(chat.chat_id, shown)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            if "inline_message_id" in wire:
                raise AssertionError("inline messages are not simulated")
            chat = self.recorder.chat(int(wire["chat_id"]))
            target = chat.messages.get(int(wire["message_id"]))
            if target is None or not target.from_bot:
                raise _Refused("Bad Request: message to edit not found")
            text = wire["text"] if name == "editMessageText" else target.text
            markup = json.loads(wire["reply_markup"]) if "reply_markup" in wire else None
            if text == target.text and markup == target.markup:
                raise _Refused(
                    "Bad Request: message is not modified: specified new message "
                    "content and reply markup are exactly the same as a current "
                    "content and reply markup of the message"
                )
            target.text, target.markup = text, markup
            return message_json(chat.chat_id, target, edited=True)
        if name == "deleteMessage":
            chat = self.recorder.chat(int(wire["chat_id"]))
            if chat.messages.pop(int(wire["message_id"]), None) is None:
                raise _Refused("Bad Request: message to delete not found")
            if chat.last_bot_message == int(wire["message_id"]):
                bot_ids = [m.message_id for m in chat.messages.values() if m.from_bot]
                chat.last_bot_message = max(bot_ids) if bot_ids else None
            return True
        raise AssertionError(f"the recording session does not simulate {name}: {wire}")
