"""Webhook delivery as Telegram does it: concurrent across chats, in order within one.

Up to the webhook's ``max_connections`` requests are open at once, but a chat's next update is
not sent until its previous one was acknowledged with a 2xx: a user's updates arrive one at a
time and in order. A non-2xx answer, a refused connection or no answer within ``timeout``
keeps the update where it is, and it is sent again after a growing pause (with the same
``update_id``), before anything newer of that chat. Updates of other chats go on meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .updates import UpdateQueue, Webhook

FIRST_PAUSE = 0.05  # seconds before a failed update is sent again; doubles per failure
LONGEST_PAUSE = 2.0


def chat_key(update: dict[str, Any]) -> int:
    """The chat (or user) whose updates are kept in order: the sender, else the chat."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        sender = payload.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return int(sender["id"])
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return int(chat["id"])
    return -int(update["update_id"])  # no chat: a key of its own


@dataclass
class Attempt:
    """One POST of an update, as the tests look at deliveries."""

    update_id: int
    status: int | None  # None: no HTTP answer (refused, reset, timed out)
    at: float


@dataclass
class _Chat:
    sending: bool = False
    pause: float = FIRST_PAUSE
    not_before: float = 0.0


@dataclass
class WebhookDelivery:
    queue: UpdateQueue
    timeout: float = 60.0  # Telegram waits about this long for an answer
    attempts: list[Attempt] = field(default_factory=list)
    reply: Callable[[aiohttp.ClientResponse], Awaitable[None]] | None = None

    async def run(self) -> None:
        chats: dict[int, _Chat] = {}
        tasks: set[asyncio.Task[None]] = set()
        state = self.queue.state
        # connections are kept open between updates, as Telegram keeps them (a new one per
        # update cost a thousand-user benchmark a tenth of its driver's CPU)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            try:
                while self.queue.webhook is not None and not state.closing:
                    hook = self.queue.webhook
                    wait = self._start_due(session, hook, chats, tasks)
                    await state.changed(wait)
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    def _start_due(
        self,
        session: aiohttp.ClientSession,
        hook: Webhook,
        chats: dict[int, _Chat],
        tasks: set[asyncio.Task[None]],
    ) -> float:
        """Send what may go now; returns how long until something else may (at most 1 s)."""
        from .updates import is_local_url

        if not is_local_url(hook.url):
            return 5.0
        now = time.monotonic()
        wait = 1.0
        seen: set[int] = set()
        open_now = sum(1 for c in chats.values() if c.sending)
        for update in list(self.queue.pending):
            key = chat_key(update)
            if key in seen:
                continue  # a chat's first pending update goes before its others
            seen.add(key)
            chat = chats.setdefault(key, _Chat())
            if chat.sending:
                continue
            if chat.not_before > now:
                wait = min(wait, chat.not_before - now)
                continue
            if open_now >= hook.max_connections:
                break
            chat.sending = True
            open_now += 1
            task = asyncio.ensure_future(self._send(session, hook, update, chat))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        for key in [k for k, c in chats.items() if k not in seen and not c.sending]:
            del chats[key]  # nothing pending: forget its pause
        return max(wait, 0.001)

    async def _send(
        self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any], chat: _Chat
    ) -> None:
        error = await self._post(session, hook, update)
        chat.sending = False
        if error is None:
            with contextlib.suppress(ValueError):
                self.queue.pending.remove(update)
            chat.pause, chat.not_before = FIRST_PAUSE, 0.0
        else:
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            chat.not_before = time.monotonic() + chat.pause
            chat.pause = min(chat.pause * 2, LONGEST_PAUSE)
        self.queue.state.touch()

    async def _post(
        self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]
    ) -> str | None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        status: int | None = None
        try:
            async with session.post(
                hook.url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as resp:
                status = resp.status
                if not 200 <= resp.status < 300:
                    return f"Wrong response from the webhook: {resp.status} {resp.reason}"
                if self.reply is not None:
                    await self.reply(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {type(exc).__name__}"
        finally:
            self.attempts.append(Attempt(int(update["update_id"]), status, time.monotonic()))
        return None
