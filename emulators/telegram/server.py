"""`TelegramEmulator`: a local Telegram (Bot API + simulated users + web chat) on one aiohttp
server, with a Python API that end-to-end tests drive the way a person drives a phone."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .actions import PaymentResult, UserActions
from .bot_api import BotApi
from .delivery import Attempt
from .errors import ApiError, EmulatorError
from .state import (
    DEFAULT_USERS,
    ApiCall,
    CallbackAnswer,
    EmulatedGroup,
    EmulatedUser,
    EmulatorState,
    Invoice,
    Payment,
)
from .transcript import ChatMessage, snapshot
from .web import WebChat

if TYPE_CHECKING:
    from aiogram import Bot

DEFAULT_TOKEN = "123456789:EMULATOR-local-bot-token"
MAX_REQUEST_BYTES = 60 * 1024 * 1024


class TelegramEmulator:
    """A local Telegram for one bot.

    ``callback_ttl`` is how long a callback query may wait for answerCallbackQuery;
    ``precheckout_timeout`` is Telegram's 10 s window for answerPreCheckoutQuery;
    ``webhook_timeout`` how long a webhook request may take before it counts as failed.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        users: Iterable[EmulatedUser] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "kie_flow_bot",
        bot_name: str = "Kie Flow Bot",
        callback_ttl: float = 15.0,
        precheckout_timeout: float = 10.0,
        webhook_timeout: float = 60.0,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.state = EmulatorState(
            token, tuple(users if users is not None else DEFAULT_USERS), bot_username, bot_name
        )
        self.state.updates.delivery.timeout = webhook_timeout
        self.api = BotApi(self.state, callback_ttl=callback_ttl, precheckout_timeout=precheckout_timeout)
        self.actions = UserActions(self.state, precheckout_timeout=precheckout_timeout)
        self.web = WebChat(self.state, self.actions)
        self.preview = self.web.preview  # what the project tells its editors (see preview.py)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self.api.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.api.handle_file)
        self.web.setup(app)
        return app

    async def start(self) -> str:
        """Start serving; returns the base URL (with the real port when ``port=0``)."""
        if self._runner is not None:
            return self.base_url
        self.state.closing = False
        self._runner = web.AppRunner(self.make_app(), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        host, port = self._runner.addresses[0][:2]
        self.port = port
        self._base_url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        return self._base_url

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.state.closing = True
        self.state.touch()  # release long polls
        for record in self.state.pre_checkouts.values():
            record.answered.set()
        await self.state.updates.stop()
        await self.api.close()
        await self._runner.cleanup()
        self._runner = None
        self._base_url = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise EmulatorError("the emulator is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/bot{self.token}"

    def make_bot(self, **kwargs: Any) -> Bot:
        """A real aiogram Bot talking to this emulator (close its session when done)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        return Bot(
            self.token, session=AiohttpSession(api=TelegramAPIServer.from_base(self.base_url)), **kwargs
        )

    # -- users -----------------------------------------------------------------------------
    @property
    def users(self) -> list[EmulatedUser]:
        return list(self.state.users.values())

    def add_user(self, user: EmulatedUser) -> None:
        self.state.users[user.id] = user
        self.state.touch()

    def add_group(self, group: EmulatedGroup) -> None:
        """Put the bot in a group, supergroup or channel (its users are the emulator's)."""
        self.state.groups[group.id] = group
        self.state.touch()

    # -- what users do ---------------------------------------------------------------------
    async def send_text(
        self, user_id: int, text: str, entities: list[dict[str, Any]] | None = None
    ) -> ChatMessage:
        """The user writes ``text`` (``/command args`` get bot_command entities), formatted
        with ``entities`` when given."""
        return self.actions.send_text(user_id, text, entities)

    async def send_group_text(self, chat_id: int, user_id: int, text: str) -> ChatMessage:
        """``user_id`` writes ``text`` in a group; in a channel it is posted as the channel."""
        return self.actions.send_group_text(chat_id, user_id, text)

    async def forward_from(
        self, user_id: int, sender: int, text: str = "…", first_name: str = ""
    ) -> ChatMessage:
        """The user forwards a message written by ``sender`` (who does not hide their account)."""
        origin = {
            "type": "user",
            "date": int(time.time()),
            "sender_user": {"id": sender, "is_bot": False, "first_name": first_name or str(sender)},
        }
        return self.actions.forward_text(user_id, text, origin)

    async def send_photo(
        self,
        user_id: int,
        data: bytes,
        filename: str = "photo.jpg",
        mime: str = "image/jpeg",
        *,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        state_size: bool = True,
    ) -> ChatMessage:
        return self.actions.send_media(
            user_id,
            "photo",
            data,
            filename,
            mime,
            caption=caption,
            caption_entities=caption_entities,
            state_size=state_size,
        )

    async def send_document(
        self,
        user_id: int,
        data: bytes,
        filename: str = "file.bin",
        mime: str = "application/octet-stream",
        *,
        caption: str | None = None,
        state_size: bool = True,
    ) -> ChatMessage:
        return self.actions.send_media(
            user_id, "document", data, filename, mime, caption=caption, state_size=state_size
        )

    async def send_audio(
        self,
        user_id: int,
        data: bytes,
        filename: str = "audio.mp3",
        mime: str = "audio/mpeg",
        *,
        caption: str | None = None,
        duration: int = 3,
    ) -> ChatMessage:
        return self.actions.send_media(
            user_id, "audio", data, filename, mime, caption=caption, duration=duration
        )

    async def send_video(
        self,
        user_id: int,
        data: bytes,
        filename: str = "video.mp4",
        mime: str = "video/mp4",
        *,
        caption: str | None = None,
        duration: int = 5,
    ) -> ChatMessage:
        return self.actions.send_media(
            user_id, "video", data, filename, mime, caption=caption, duration=duration
        )

    async def send_voice(
        self,
        user_id: int,
        data: bytes,
        filename: str = "voice.ogg",
        mime: str = "audio/ogg",
        *,
        duration: int = 2,
    ) -> ChatMessage:
        return self.actions.send_media(user_id, "voice", data, filename, mime, duration=duration)

    async def press(self, user_id: int, button_text: str, message_id: int | None = None) -> str:
        """Press the inline button with this visible text on the newest bot message that has it
        (or on ``message_id``); returns the callback query id."""
        return self.actions.press(user_id, button_text, message_id)

    async def press_data(
        self, user_id: int, data: str, message_id: int | None = None, *, chat_id: int | None = None
    ) -> str:
        """A forged press with arbitrary callback data (a stale or tampered client), on a
        message of ``chat_id`` (the user's private chat unless given)."""
        return self.actions.press_data(user_id, data, message_id, chat_id=chat_id)

    async def pay_invoice(self, user_id: int, message_id: int | None = None) -> PaymentResult:
        """Pay the invoice (the newest one when ``message_id`` is None): pre_checkout_query,
        wait for the bot's answer, then the successful_payment service message."""
        return await self.actions.pay_invoice(user_id, message_id)

    async def block_bot(self, user_id: int) -> None:
        self.actions.set_blocked(user_id, True)

    async def unblock_bot(self, user_id: int) -> None:
        self.actions.set_blocked(user_id, False)

    # -- what tests look at ----------------------------------------------------------------
    def messages(self, user_id: int, *, include_deleted: bool = False) -> list[ChatMessage]:
        """The chat transcript, oldest first, bot and user messages alike (``user_id`` may
        also be a group's id)."""
        if user_id not in self.state.groups:
            self.actions.user(user_id)
        return [
            snapshot(m)
            for m in self.state.chats.get(user_id, {}).values()
            if include_deleted or not m.deleted
        ]

    def bot_messages(self, user_id: int) -> list[ChatMessage]:
        return [m for m in self.messages(user_id) if m.from_bot]

    def last_bot_message(self, user_id: int) -> ChatMessage | None:
        found = self.bot_messages(user_id)
        return found[-1] if found else None

    def callback_answers(self, user_id: int | None = None) -> list[CallbackAnswer]:
        return [a for a in self.state.callback_answers if user_id is None or a.user_id == user_id]

    @property
    def invoices(self) -> list[Invoice]:
        return list(self.state.invoices)

    @property
    def payments(self) -> list[Payment]:
        return list(self.state.payments.values())

    @property
    def api_calls(self) -> list[ApiCall]:
        return list(self.state.calls)

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[ApiCall]:
        """Recorded Bot API calls, optionally of one method (case-insensitive) and outcome."""
        return [
            c
            for c in self.state.calls
            if (method is None or c.method.lower() == method.lower()) and (ok is None or c.ok == ok)
        ]

    def commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, str]]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return list(self.state.commands.get(key, []))

    @property
    def polls_waiting(self) -> int:
        """getUpdates requests the emulator is holding open for want of updates."""
        return self.state.updates.polls_waiting

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.state.updates.pending)

    @property
    def sent_updates(self) -> list[dict[str, Any]]:
        """Every update produced so far, in order (including ones already confirmed)."""
        return list(self.state.updates.history)

    @property
    def webhook_attempts(self) -> list[Attempt]:
        """Every webhook POST so far, in the order they ended, with the answer's status."""
        return list(self.state.updates.delivery.attempts)

    # -- test helpers ----------------------------------------------------------------------
    async def redeliver_last_update(self) -> dict[str, Any]:
        """Deliver the newest update once more, as Telegram does after a lost acknowledgement."""
        if not self.state.updates.history:
            raise EmulatorError("no update has been produced yet")
        return self.state.updates.redeliver(self.state.updates.history[-1])

    def inject_error(
        self,
        method: str,
        description: str,
        *,
        error_code: int = 400,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Make ``times`` calls of ``method`` fail (e.g. 429 with retry_after), once the next
        ``after`` calls have gone through."""
        queue = self.state.injected.setdefault(method, [])
        queue.extend([None] * after)
        queue.extend(ApiError(error_code, description, retry_after=retry_after) for _ in range(times))

    def mark(self) -> int:
        """A point in time for ``wait_bot_message(since=...)``."""
        return self.state.seq

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Re-check ``predicate`` on every change until it returns something truthy."""
        try:
            return await self.state.wait_until(predicate, timeout)
        except TimeoutError:
            raise TimeoutError(f"condition not met within {timeout}s; {self._recent()}") from None

    async def wait_bot_message(
        self,
        user_id: int,
        timeout: float = 5.0,
        *,
        match: Callable[[ChatMessage], bool] | None = None,
        since: int | None = None,
    ) -> ChatMessage:
        """The first bot message sent or edited after the user's last action (or ``since``)
        that satisfies ``match``; waits for it instead of sleeping."""
        mark = since if since is not None else self.state.last_action_seq.get(user_id, 0)

        def found() -> ChatMessage | None:
            fresh = [m for m in self.bot_messages(user_id) if m.seq > mark and (match is None or match(m))]
            return fresh[0] if fresh else None

        try:
            return await self.state.wait_until(found, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no new bot message for user {user_id} within {timeout}s; {self._recent()}"
            ) from None

    async def wait_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        def found() -> CallbackAnswer | None:
            return next((a for a in self.state.callback_answers if a.query_id == query_id), None)

        try:
            return await self.state.wait_until(found, timeout)
        except TimeoutError:
            raise TimeoutError(f"callback query {query_id} was not answered within {timeout}s") from None

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until nothing has changed for ``quiet`` seconds (the bot has finished reacting)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await self.state.changed(min(quiet, max(0.0, deadline - time.monotonic()))):
                return
        raise TimeoutError(f"the emulator did not become idle within {timeout}s")

    def _recent(self) -> str:
        calls = ", ".join(f"{c.method}{'' if c.ok else ' -> ' + str(c.error)}" for c in self.state.calls[-6:])
        return f"last API calls: [{calls}]"
