"""Per-user flood control, before the interpreter: a token bucket per user.

Every reply comes out of the bot's shared send budget (about 30 messages a second on real
Telegram), so one user sending hundreds of updates would slow everyone down. Each user may
send ``burst`` updates at once (an album is up to 10) and ``rate`` a second after that. The
first update over the limit is answered with one short note; the rest of that flood is dropped
without a word until the user has been quiet long enough to get the whole burst back. A
dropped press still has its callback answered, so the client's spinner stops.

Checking costs a dict lookup and some arithmetic, so a flood is turned away long before it
reaches a session, a lock or the database: other users do not wait behind it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from engine.runtime.view import Messenger, View

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FloodLimit:
    rate: float = 3.0  # updates a second a user may keep sending
    burst: int = 12  # updates a user may send at once

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a flood limit needs a positive rate and a burst of at least 1")


class Verdict(Enum):
    ADMIT = "admit"
    WARN = "warn"  # the first update over the limit: say so once
    DROP = "drop"


class _Bucket:
    __slots__ = ("stamp", "tokens", "warned")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp
        self.warned = False


class FloodGate:
    """Token buckets by user id. ``clock`` is injectable for tests."""

    PRUNE_EVERY = 4096  # checks between sweeps of idle users' buckets

    def __init__(self, limit: FloodLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        limit = self.limit
        bucket = self._buckets.get(user_id)
        if bucket is None:
            self._checks += 1
            if self._checks % self.PRUNE_EVERY == 0:
                self._prune(now)
            bucket = self._buckets[user_id] = _Bucket(float(limit.burst), now)
        else:
            bucket.tokens = min(float(limit.burst), bucket.tokens + (now - bucket.stamp) * limit.rate)
            bucket.stamp = now
            if bucket.tokens >= limit.burst:
                bucket.warned = False  # quiet long enough: a new flood gets a new note
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ADMIT
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        """Forget users whose bucket has filled up again: they are as good as new."""
        limit = self.limit
        idle = [
            uid for uid, b in self._buckets.items() if b.tokens + (now - b.stamp) * limit.rate >= limit.burst
        ]
        for uid in idle:
            del self._buckets[uid]

    def __len__(self) -> int:
        return len(self._buckets)


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class FloodMiddleware(BaseMiddleware):
    """Let a user's message or press through only within their flood limit.

    ``note`` renders the "too fast" text for a user. Payments are never held back: a
    successful payment is money already taken.
    """

    def __init__(
        self,
        gate: FloodGate,
        messenger: Messenger,
        note: Callable[[User], str],
        stats: Counter[str] | None = None,
    ) -> None:
        self.gate = gate
        self.messenger = messenger
        self.note = note
        self.stats = stats if stats is not None else Counter()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = getattr(event, "from_user", None)
        if user is None or (isinstance(event, Message) and event.successful_payment is not None):
            return await handler(event, data)
        verdict = self.gate.check(user.id)
        if verdict is Verdict.ADMIT:
            return await handler(event, data)
        self.stats["flood_dropped"] += 1
        note = self.note(user) if verdict is Verdict.WARN else None
        if isinstance(event, CallbackQuery):
            await self.messenger.answer_press(event.id, note)
        elif isinstance(event, Message) and note is not None:
            try:
                await self.messenger.send(event.chat.id, View(note))
            except Exception:  # the note is a courtesy: its failure must not look like ours
                log.warning("could not tell user %s to slow down", user.id, exc_info=True)
        return None
