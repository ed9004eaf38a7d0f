"""Everything the emulated Telegram remembers: users, private chats, groups and channels and
their messages,
callback and pre-checkout queries, invoices, payments, files and the record of API calls.

One :class:`EmulatorState` is shared by the Bot API handlers, the simulated users and the web
page. Every change bumps ``seq`` and wakes waiters, which is what ``wait_for`` and the web
page's long polling are built on.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import ApiError, bad_request, forbidden
from .files import FileStore, StoredFile
from .updates import UpdateQueue

T = TypeVar("T")


@dataclass(frozen=True)
class EmulatedUser:
    """A simulated Telegram user; ``is_admin`` is only a label for the web page's user picker."""

    id: int
    first_name: str
    language_code: str = "ru"
    last_name: str | None = None
    username: str | None = None
    is_admin: bool = False

    def api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    def chat(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out


@dataclass(frozen=True)
class EmulatedGroup:
    """A group, supergroup or channel the bot is in; ids are negative, as in Telegram."""

    id: int
    title: str
    type: str = "group"  # group, supergroup or channel

    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


DEFAULT_USERS: tuple[EmulatedUser, ...] = (
    EmulatedUser(1001, "Anna", "ru", username="anna"),
    EmulatedUser(1002, "Boris", "en", username="boris"),
    EmulatedUser(9001, "Admin", "ru", username="admin", is_admin=True),
)


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    from_bot: bool
    sender: dict[str, Any] | None  # None: a channel post, sent by the channel itself
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    file: StoredFile | None = None
    reply_markup: dict[str, Any] | None = None
    media_group_id: str | None = None
    reply_to: StoredMessage | None = None
    invoice: dict[str, Any] | None = None
    successful_payment: dict[str, Any] | None = None
    forward_origin: dict[str, Any] | None = None  # a MessageOrigin: the message was forwarded
    refunded_payment: dict[str, Any] | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False
    seq: int = 0

    @property
    def media_kind(self) -> str | None:
        return self.file.kind if self.file else None

    def api(self, chat: dict[str, Any], *, nested: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"message_id": self.message_id}
        if self.sender is not None:
            out["from"] = self.sender
        else:
            out["sender_chat"] = chat
        out.update(chat=chat, date=self.date)
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.text is not None:
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        if self.file is not None:
            out[self.file.kind] = self.file.media_object()
            if self.file.kind == "animation":
                out["document"] = self.file.media_object()
        if self.caption is not None:
            out["caption"] = self.caption
            if self.caption_entities:
                out["caption_entities"] = self.caption_entities
        if self.media_group_id:
            out["media_group_id"] = self.media_group_id
        for key in ("invoice", "successful_payment", "refunded_payment", "forward_origin"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            out["reply_markup"] = self.reply_markup
        if self.reply_to is not None and not nested:
            out["reply_to_message"] = self.reply_to.api(chat, nested=True)
        return out


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery showed the user (a toast, an alert, or nothing)."""

    query_id: str
    user_id: int
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    seq: int


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    message_id: int | None
    data: str | None
    created: float
    answer: CallbackAnswer | None = None


@dataclass
class Invoice:
    """An invoice message the bot sent; ``paid_charge_id`` is set once a user paid it."""

    chat_id: int
    message_id: int
    title: str
    description: str
    payload: str
    currency: str
    prices: list[dict[str, Any]]
    total_amount: int
    provider_token: str
    paid_charge_id: str | None = None


@dataclass
class PreCheckoutRecord:
    id: str
    user_id: int
    invoice: Invoice
    created: float
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    ok: bool | None = None
    error_message: str | None = None
    expired: bool = False


@dataclass
class Payment:
    telegram_payment_charge_id: str
    provider_payment_charge_id: str
    user_id: int
    invoice: Invoice
    date: int
    refunded: bool = False
    refund_date: int | None = None


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as the emulator saw it (JSON fields decoded)."""

    method: str
    params: dict[str, Any]
    ok: bool
    error: str | None
    result: Any
    at: float


class EmulatorState:
    def __init__(self, token: str, users: tuple[EmulatedUser, ...], bot_username: str, bot_name: str) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(prefix) if prefix.isdigit() else 777000111,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.users: dict[int, EmulatedUser] = {u.id: u for u in users}
        self.groups: dict[int, EmulatedGroup] = {}
        self.blocked: set[int] = set()
        self.chats: dict[int, dict[int, StoredMessage]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.files = FileStore()
        self.updates = UpdateQueue(self)
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.pre_checkouts: dict[str, PreCheckoutRecord] = {}
        self.invoices: list[Invoice] = []
        self.payments: dict[str, Payment] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.chat_actions: dict[int, tuple[str, float]] = {}
        self.calls: list[ApiCall] = []
        self.injected: dict[str, list[ApiError | None]] = {}  # None: that call succeeds
        self.last_action_seq: dict[int, int] = {}
        #: per chat, the ``seq`` of the bot's latest message there sent, edited or deleted: what
        #: a driver of a thousand users looks up instead of scanning every chat
        self.bot_seq: dict[int, int] = {}
        self.seq = 0
        self.closing = False
        self._changed = asyncio.Event()
        self._query_ids = itertools.count(4_000_000_000_000_001)

    # -- change notification -------------------------------------------------------------
    def touch(self) -> int:
        self.seq += 1
        self._changed.set()
        self._changed = asyncio.Event()
        return self.seq

    def stamp(self, message: StoredMessage) -> None:
        """The message changed now (sent, edited or deleted)."""
        message.seq = self.touch()
        if message.from_bot:
            self.bot_seq[message.chat_id] = message.seq

    async def changed(self, timeout: float) -> bool:
        """Wait until the next change; False on timeout."""
        event = self._changed
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float) -> T:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closing:
                raise TimeoutError
            await self.changed(remaining)

    # -- users and chats -----------------------------------------------------------------
    def user(self, user_id: int) -> EmulatedUser:
        try:
            return self.users[user_id]
        except KeyError:
            raise bad_request("chat not found") from None

    def resolve_chat(self, raw: str | None) -> EmulatedUser | EmulatedGroup:
        """A ``chat_id`` parameter (numeric id or @username) to the private chat's user, or
        to the group or channel."""
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        raw = raw.strip()
        if raw.startswith("@"):
            found = next((u for u in self.users.values() if u.username == raw[1:]), None)
            if found is None:
                raise bad_request("chat not found")
            user = found
        else:
            try:
                chat_id = int(raw)
            except ValueError:
                raise bad_request("chat not found") from None
            if chat_id in self.groups:
                return self.groups[chat_id]
            user = self.user(chat_id)
        if user.id in self.blocked:
            raise forbidden("bot was blocked by the user")
        return user

    def chat_messages(self, chat_id: int) -> dict[int, StoredMessage]:
        return self.chats.setdefault(chat_id, {})

    def add_message(
        self, chat_id: int, *, from_bot: bool, sender_id: int | None = None, **fields: Any
    ) -> StoredMessage:
        """A message in a chat; in a group ``sender_id`` is the user who wrote it (none in a
        channel, where the channel posts)."""
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        group = self.groups.get(chat_id)
        sender: dict[str, Any] | None
        if from_bot:
            sender = self.bot_user
        elif group is not None and group.type == "channel":
            sender = None
        else:
            sender = self.user(chat_id if sender_id is None else sender_id).api()
        message = StoredMessage(
            chat_id=chat_id,
            message_id=next(counter),
            from_bot=from_bot,
            sender=sender,
            date=int(time.time()),
            **fields,
        )
        self.chat_messages(chat_id)[message.message_id] = message
        if from_bot:
            self.chat_actions.pop(chat_id, None)  # a sent message ends "typing…", as in Telegram
        self.stamp(message)
        return message

    def find_message(self, chat_id: int, message_id: int | None) -> StoredMessage | None:
        if message_id is None:
            return None
        message = self.chats.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def chat_api(self, chat_id: int) -> dict[str, Any]:
        group = self.groups.get(chat_id)
        return group.chat() if group is not None else self.user(chat_id).chat()

    def message_api(self, message: StoredMessage) -> dict[str, Any]:
        return message.api(self.chat_api(message.chat_id))

    def next_query_id(self) -> str:
        return str(next(self._query_ids))
