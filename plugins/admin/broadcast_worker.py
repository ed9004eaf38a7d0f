"""The background worker that sends broadcasts (a service of the bot process, like the job
runner), and the progress message it keeps up to date in the admin's chat.

Every instance runs one; a broadcast is driven by whichever leases it (``BroadcastStore.acquire``)
and taken over when that instance stops renewing. Recipients are claimed a small chunk at a
time (about half a second of sends) and each is marked ``sending`` just before its call, so a
crash leaves only the calls then in flight ``unknown`` (see ``BroadcastStore``). Each send
takes a bulk slot of the bot's outgoing rate limit (engine.telegram.pace) before it is marked:
replies to users and progress edits go first. A 429 holds the pace for its ``retry_after``
and the same recipient is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import asyncpg

from engine.loader.bundle import Bundle
from engine.telegram.pace import Priority, SendPace, priority
from plugins.admin import broadcast_message
from plugins.admin.broadcast_store import LEFT, Broadcast, BroadcastStore, Outcome

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # sends of one recipient that Telegram answered 429


class BroadcastWorker:
    def __init__(
        self,
        store: BroadcastStore,
        bot: Bot,
        bundle: Bundle,
        pace: SendPace,
        *,
        lease: timedelta = timedelta(seconds=30),
        idle: float = 2.0,
        progress_every: float = 3.0,
        chunk: int | None = None,
        rate: Callable[[], Awaitable[float]] | None = None,
    ) -> None:
        self.store = store
        self.bot = bot
        self.bundle = bundle
        self.pace = pace
        self.lease = lease
        self.idle = idle
        self.progress_every = progress_every
        self._chunk = chunk
        self.rate = rate  # the admins' setting, read as each chunk is claimed
        self.owner = uuid.uuid4()  # this instance, as the leases name it
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()

    @property
    def chunk(self) -> int:
        """Recipients claimed at a time: about half a second of sending."""
        return self._chunk or max(5, int(self.pace.bulk_rate / 2))

    async def follow_rate(self) -> None:
        """Take the rate the admins set (a change applies from the next chunk, on every
        instance); the pace keeps its rate if the setting cannot be read."""
        if self.rate is None:
            return
        try:
            rate = float(await self.rate())
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.warning("broadcast worker: rate setting unavailable; keeping %g/s", self.pace.bulk_rate)
            return
        if rate > 0 and rate != self.pace.limits.bulk_rate:
            self.pace.set_bulk_rate(rate)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while not self._stopped.is_set():
            try:
                broadcast = await self.store.acquire(self.owner, self.lease)
                if broadcast is not None:
                    await self.drive(broadcast)
                    continue
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("broadcast worker: database unavailable; trying again", exc_info=True)
            except Exception:  # a bug must not end the service: the broadcast waits, logged
                log.exception("broadcast worker failed; trying again")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle)

    async def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    async def drive(self, b: Broadcast) -> None:
        """Send until nobody is left, or it is paused or stopped, or this worker stops.

        Deliveries run as tasks queued on the pace, topped up with freshly claimed recipients
        whenever half of a chunk is done, so claiming never leaves the pace idle."""
        shown = time.monotonic()
        await self.follow_rate()
        await self.report(b.id)
        renewing = asyncio.create_task(self._keep_lease(b.id))
        halt = asyncio.Event()  # paused, stopped or stopping: queued deliveries send nothing more
        calling: set[Any] = set()  # deliveries between their mark and their record
        in_flight: set[asyncio.Task[None]] = set()
        exhausted = False
        try:
            while not self._stopped.is_set():
                if len(in_flight) <= self.chunk // 2:  # paused or stopped? then more if any
                    if await self.store.renew(b.id, self.owner, self.lease) != "sending":
                        break
                    await self.follow_rate()
                    if not exhausted:
                        wanted = self.chunk - len(in_flight)
                        batch = await self.store.claim(b.id, wanted)
                        exhausted = len(batch) < wanted
                        in_flight |= {
                            asyncio.create_task(self.deliver(b, u, lang, halt, calling)) for u, lang in batch
                        }
                if not in_flight:
                    await self.store.finish(b.id)
                    break
                done, in_flight = await asyncio.wait(
                    in_flight, timeout=self.progress_every, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    task.result()  # a database error ends this drive; another takes over
                if time.monotonic() - shown >= self.progress_every:
                    shown = time.monotonic()
                    await self.report(b.id)
        finally:
            halt.set()
            for task in in_flight - calling:
                task.cancel()  # waiting for a slot: nothing sent, the recipient stays claimed
            await asyncio.gather(*in_flight, return_exceptions=True)
            renewing.cancel()
            await self.store.release(b.id, self.owner)
        if not self._stopped.is_set():
            await self.report(b.id)

    async def _keep_lease(self, broadcast_id: int) -> None:
        """Renew the lease while a chunk waits (a long ``retry_after``), so it never lapses
        while this driver is alive."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                await self.store.renew(broadcast_id, self.owner, self.lease)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("broadcast %s: lease not renewed", broadcast_id)

    async def deliver(
        self, b: Broadcast, user: int, language: str, halt: asyncio.Event, calling: set[Any]
    ) -> None:
        """Wait for a slot (cancellable: the recipient is only claimed), then mark, send and
        record at once (``calling``: never cancelled, so a delivered message is counted
        ``unknown`` only when the process itself dies between the call and the record)."""
        task = asyncio.current_task()
        refusals = 0
        while refusals < MAX_ATTEMPTS:
            await self.pace.slot(user)
            if halt.is_set():
                return  # still claimed: pending again when the broadcast is next driven
            calling.add(task)
            try:
                step = await self._attempt(b, user, language)
            finally:
                calling.discard(task)
            if step == "refused":
                refusals += 1
            elif step != "held":
                return
        await self.store.record(b.id, [(user, "failed", "Too Many Requests")])

    async def _attempt(self, b: Broadcast, user: int, language: str) -> str:
        from aiogram.exceptions import (
            TelegramBadRequest,
            TelegramForbiddenError,
            TelegramNetworkError,
            TelegramRetryAfter,
        )

        if not await self.store.sending(b.id, user, self.owner):
            return "lost"  # the lease lapsed: another driver has the recipient now
        if self.pace.held():  # a 429 came while this one was being marked: wait it out
            await self.store.unsent(b.id, user)
            return "held"
        outcome: Outcome
        try:
            await broadcast_message.send(self.bot, user, b, self.bundle, language)
            outcome, error = "sent", ""
        except TelegramRetryAfter as exc:
            self.pace.hold(exc.retry_after)  # first: no other slot is granted meanwhile
            await self.store.unsent(b.id, user)
            return "refused"
        except TelegramForbiddenError as exc:
            outcome, error = "blocked", exc.message
        except TelegramBadRequest as exc:
            outcome, error = "failed", exc.message
        except (TelegramNetworkError, TimeoutError) as exc:
            outcome, error = "unknown", str(exc)  # it may have arrived: never sent twice
        except Exception as exc:  # whatever else Telegram said, this recipient is done
            log.warning("broadcast %s to %s failed", b.id, user, exc_info=True)
            outcome, error = "failed", type(exc).__name__
        await self.store.record(b.id, [(user, outcome, error)])
        return "done"

    async def report(self, broadcast_id: int) -> None:
        """Show the broadcast's progress (or its final report) in the admin's chat, edited in
        place; a failure to show it never stops the sending."""
        try:
            await self._report(broadcast_id)
        except Exception:
            log.warning("broadcast %s: progress not shown", broadcast_id, exc_info=True)

    async def _report(self, broadcast_id: int) -> None:
        b = await self.store.get(broadcast_id)
        if b is None:
            return
        language = await self.store.language(b.admin_id)
        text, markup = self.progress_view(b, await self.store.counts(b.id), language)
        with priority(Priority.PROGRESS):
            await self._show(b, text, markup)

    async def _show(self, b: Broadcast, text: str, markup: Any) -> None:
        from aiogram.enums import ParseMode
        from aiogram.exceptions import TelegramBadRequest

        if b.progress_message is not None:
            try:
                await self.bot.edit_message_text(
                    text,
                    chat_id=b.admin_id,
                    message_id=b.progress_message,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                return
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return
        sent = await self.bot.send_message(b.admin_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
        await self.store.set_progress_message(b.id, sent.message_id)

    def progress_view(self, b: Broadcast, counts: dict[str, int], language: str) -> tuple[str, Any]:
        from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

        left = sum(counts.get(state, 0) for state in LEFT)
        values = {
            "id": b.id,
            "total": b.total,
            "sent": counts.get("sent", 0),
            "blocked": counts.get("blocked", 0),
            "failed": counts.get("failed", 0),
            "unknown": counts.get("unknown", 0),
            "left": left,
            "rate": f"{self.pace.bulk_rate:g}",
        }
        key = {
            "sending": "progress",
            "paused": "paused",
            "stopped": "stopped",
            "done": "report",
        }.get(b.state, "progress")
        text = self.bundle.render(f"admin.broadcast.{key}", language, values)
        buttons: list[tuple[str, str]] = []
        if b.state == "sending":
            buttons = [("pause", f"p{b.id}"), ("stop", f"s{b.id}")]
        elif b.state == "paused":
            buttons = [("resume", f"r{b.id}"), ("stop", f"s{b.id}")]
        if not buttons:
            return text, None
        row = [
            InlineKeyboardButton(
                text=self.bundle.render(f"admin.broadcast.{name}", language, {}),
                callback_data=broadcast_message.PRESS_PREFIX + data,
            )
            for name, data in buttons
        ]
        return text, InlineKeyboardMarkup(inline_keyboard=[row])
