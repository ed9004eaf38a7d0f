"""The bot's update queue: getUpdates long polling with Telegram's offset rules, or webhook
delivery (to local URLs only) with retries — never both, as in Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from .delivery import WebhookDelivery
from .errors import ApiError, bad_request, conflict
from .params import Params, read_multipart

if TYPE_CHECKING:
    from .state import EmulatorState

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# what Telegram sends when allowed_updates is empty or was never set
DEFAULT_ALLOWED = frozenset(UPDATE_TYPES) - {"chat_member", "message_reaction", "message_reaction_count"}
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

Executor = Callable[[str, Params], Awaitable[Any]]


def is_local_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateQueue:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.pending: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self.webhook: Webhook | None = None
        self.executor: Executor | None = None
        # Telegram starts a bot's update ids at some number, not at 1 (and picks a new one
        # after a week without updates): two emulators do not share ids
        self._next_id = random.randrange(100_000, 1_000_000_000)
        self._poll_generation = 0
        self._polls_waiting = 0
        self._worker: asyncio.Task[None] | None = None
        self.delivery = WebhookDelivery(self, reply=self._run_reply_method)

    # -- producing ------------------------------------------------------------------------
    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update; returns None when allowed_updates filters it out (Telegram drops it)."""
        if kind not in self.allowed:
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self.pending.append(update)
        self.history.append(update)
        self.state.touch()
        return update

    def redeliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a copy of an already delivered update. Over a webhook the update_id is kept
        (Telegram retries a webhook with the same id); for getUpdates a fresh id is needed, or
        the confirmed offset would hide it."""
        copy: dict[str, Any] = json.loads(json.dumps(update))
        if self.webhook is None:
            copy["update_id"] = self._next_id
            self._next_id += 1
        self.pending.append(copy)
        self.history.append(copy)
        self.state.touch()
        return copy

    def set_allowed(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            raise bad_request("can't parse allowed updates JSON object")
        self.allowed = frozenset(str(kind) for kind in raw if kind in UPDATE_TYPES) or DEFAULT_ALLOWED

    # -- getUpdates -----------------------------------------------------------------------
    @property
    def polls_waiting(self) -> int:
        """getUpdates requests being held open (long polls with nothing to answer yet)."""
        return self._polls_waiting

    def confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        else:
            self.pending = self.pending[offset:]

    async def get_updates(
        self, offset: int | None, limit: int, timeout: float, allowed: Any
    ) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first"
            )
        if not 1 <= limit <= 100:
            limit = 100
        self.set_allowed(allowed)
        self.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        if self._polls_waiting:
            self.state.touch()  # wake the older request so it can be terminated
        deadline = time.monotonic() + max(0.0, min(timeout, 50.0))
        self._polls_waiting += 1
        try:
            while True:
                if generation != self._poll_generation:
                    raise conflict(
                        "terminated by other getUpdates request; make sure that only one bot "
                        "instance is running"
                    )
                remaining = deadline - time.monotonic()
                if self.pending or remaining <= 0 or self.state.closing or self.webhook is not None:
                    return [dict(u) for u in self.pending[:limit]]
                await self.state.changed(remaining)
        finally:
            self._polls_waiting -= 1

    # -- webhook --------------------------------------------------------------------------
    def set_webhook(self, hook: Webhook | None, *, drop_pending: bool) -> None:
        if drop_pending:
            self.pending.clear()
        self.webhook = hook
        self.state.touch()
        if hook is not None and (self._worker is None or self._worker.done()):
            self._worker = asyncio.get_running_loop().create_task(self._deliver_loop())

    def webhook_info(self) -> dict[str, Any]:
        hook = self.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if self.allowed != DEFAULT_ALLOWED:
                info["allowed_updates"] = sorted(self.allowed)
            if hook.last_error_date is not None:
                info.update(last_error_date=hook.last_error_date, last_error_message=hook.last_error_message)
        return info

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def _deliver_loop(self) -> None:
        await self.delivery.run()

    async def _run_reply_method(self, resp: aiohttp.ClientResponse) -> None:
        """A webhook may answer with a Bot API call in its body, which Telegram then executes."""
        params = Params()
        if resp.content_type == "multipart/form-data":
            await read_multipart(aiohttp.MultipartReader(resp.headers, resp.content), params)
        elif resp.content_type == "application/json":
            body = await resp.json()
            if isinstance(body, dict):
                params.fields.update(body)
        method = params.fields.pop("method", None)
        if method and self.executor is not None:
            with contextlib.suppress(ApiError):
                await self.executor(str(method), params)
