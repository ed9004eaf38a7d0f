"""The bot's outgoing rate limit: every Bot API send waits here for its turn.

Telegram lets a bot send about 30 messages a second in all, about one a second to one chat (a
short burst is tolerated) and 20 a minute to one group; past that it answers 429 with a
``retry_after``. One ``SendPace`` per process applies all three (``SendLimits``); the
bot-wide rate is shared between the instances alive on one database (engine.telegram.pace_share
sets this instance's ``share``), so N instances together stay within it.

Sends queue by priority: replies to users first, then progress edits (a job's elapsed time,
a broadcast's progress), then bulk sends (broadcasts). Within a priority, first come first
served; one chat's sends go one after the other, in order. A 429 holds every send until its
``retry_after`` has passed (``hold``). The priority of a send is the calling task's
(``priority``, default reply); a bulk sender takes its ``slot`` before the call (so it can be
cancelled while nothing is sent yet), and the call then does not wait again.

Nothing here reaches the database: a send costs a dict lookup and some arithmetic when there
is room, and a wait in a queue when there is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from enum import IntEnum


class Priority(IntEnum):
    REPLY = 0
    PROGRESS = 1
    BULK = 2


@dataclass(frozen=True)
class SendLimits:
    """Telegram's limits as this bot applies them. ``rate`` None: no bot-wide limit (tests);
    ``chat_rate`` / ``group_per_minute`` None: no per-chat limit."""

    rate: float | None = 30.0  # sends a second, all instances together
    chat_rate: float | None = 1.0  # sends a second to one private chat, sustained
    chat_burst: int = 3  # sends to one chat at once before the sustained rate applies
    group_per_minute: float | None = 20.0  # sends a minute to one group or channel
    group_burst: int = 3
    progress_rate: float = 15.0  # cosmetic progress edits a second at most (this instance)
    bulk_rate: float = 25.0  # broadcast sends a second at most (this instance)

    def __post_init__(self) -> None:
        rates = [self.rate, self.chat_rate, self.group_per_minute, self.progress_rate, self.bulk_rate]
        if any(r is not None and r <= 0 for r in rates) or min(self.chat_burst, self.group_burst) < 1:
            raise ValueError("send limits need positive rates and bursts of at least 1")


_priority: ContextVar[Priority] = ContextVar("send_priority", default=Priority.REPLY)
_prepaid: ContextVar[bool] = ContextVar("send_prepaid", default=False)


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    """Sends made inside go at ``level`` (the job runner's status edits: PROGRESS)."""
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority() -> Priority:
    return _priority.get()


def take_prepaid() -> bool:
    """True once after ``SendPace.slot`` in this task: that send has its turn already."""
    if _prepaid.get():
        _prepaid.set(False)
        return True
    return False


class _Chat:
    __slots__ = ("lock", "tat")

    def __init__(self) -> None:
        self.tat = 0.0  # the theoretical arrival time of the next send (GCRA)
        self.lock = asyncio.Lock()  # one chat's sends take their turns in order


class SendPace:
    """``await pace.acquire(chat_id)`` before a send (the session middleware does it)."""

    def __init__(
        self,
        limits: SendLimits | None = None,
        *,
        observe: Callable[[Priority, float], None] | None = None,
    ) -> None:
        self.limits = limits or SendLimits()
        self.clock = time.monotonic
        self.observe = observe  # (priority, seconds waited) of each send that went
        self.share = 1.0  # this instance's part of the bot-wide rate (1 / instances alive)
        self._tokens = 1.0
        self._stamp = self.clock()
        self._held_until = 0.0
        self._class_next = {Priority.PROGRESS: 0.0, Priority.BULK: 0.0}
        self._queues: dict[Priority, deque[asyncio.Future[None]]] = {p: deque() for p in Priority}
        self._chats: dict[int | str, _Chat] = {}
        self._pump: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()
        self.sent = 0  # sends that had their turn (for tests and benchmarks)

    # ------------------------------------------------------------------ figures
    @property
    def rate(self) -> float | None:
        """This instance's send rate now (its share of the bot-wide one)."""
        return None if self.limits.rate is None else self.limits.rate * self.share

    def set_bulk_rate(self, rate: float) -> None:
        """Change the broadcast rate while running (an admins' setting, read per chunk)."""
        self.limits = replace(self.limits, bulk_rate=rate)

    @property
    def bulk_rate(self) -> float:
        return self.limits.bulk_rate if self.rate is None else min(self.limits.bulk_rate, self.rate)

    def depth(self, level: Priority) -> int:
        return sum(1 for f in self._queues[level] if not f.done())

    # ------------------------------------------------------------------ 429
    def hold(self, seconds: float) -> None:
        """Telegram said 429 with ``retry_after``: nothing is sent before it has passed."""
        self._held_until = max(self._held_until, self.clock() + max(seconds, 0.0))

    def held(self) -> bool:
        return self.clock() < self._held_until

    def crowded(self, level: Priority) -> bool:
        """Would a send at ``level`` wait now? A progress edit that is only cosmetic is skipped
        then rather than queued."""
        now = self.clock()
        if now < self._held_until or any(self.depth(p) for p in Priority if p <= level):
            return True
        if self._class_next.get(level, 0.0) > now:
            return True
        return self.rate is not None and self._refilled(now) < 1.0

    # ------------------------------------------------------------------ taking turns
    async def slot(self, chat_id: int | str | None = None) -> None:
        """A bulk sender's turn, taken before its call (cancellable: nothing is sent yet)."""
        await self.acquire(chat_id, Priority.BULK)
        _prepaid.set(True)

    async def acquire(self, chat_id: int | str | None, level: Priority | None = None) -> None:
        """Wait until a send to ``chat_id`` at ``level`` (the task's priority) may go."""
        level = current_priority() if level is None else level
        started = self.clock()
        chat = self._chat(chat_id)
        if chat is None or chat_id is None:
            await self._turn(level)
        else:
            async with chat.lock:
                await self._chat_turn(chat_id, chat)
                await self._turn(level)
                chat.tat = max(chat.tat, self.clock()) + self._chat_interval(chat_id)
        self.sent += 1
        if self.observe is not None:
            self.observe(level, self.clock() - started)

    def _chat(self, chat_id: int | str | None) -> _Chat | None:
        if chat_id is None or self._chat_interval(chat_id) == 0.0:
            return None
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= 10_000:
                self._prune()
            chat = self._chats[chat_id] = _Chat()
        return chat

    def _chat_interval(self, chat_id: int | str) -> float:
        limits = self.limits
        group = isinstance(chat_id, str) or chat_id < 0
        if group:
            return 60.0 / limits.group_per_minute if limits.group_per_minute else 0.0
        return 1.0 / limits.chat_rate if limits.chat_rate else 0.0

    async def _chat_turn(self, chat_id: int | str, chat: _Chat) -> None:
        interval = self._chat_interval(chat_id)
        burst = self.limits.group_burst if isinstance(chat_id, str) or chat_id < 0 else self.limits.chat_burst
        while (wait := chat.tat - (burst - 1) * interval - self.clock()) > 0:
            await asyncio.sleep(wait)

    def _prune(self) -> None:
        now = self.clock()
        for key in [k for k, c in self._chats.items() if c.tat < now and not c.lock.locked()]:
            del self._chats[key]

    def _refilled(self, now: float) -> float:
        rate = self.rate
        if rate is None:
            return float("inf")
        capacity = max(1.0, rate / 5)  # a fifth of a second's sends at once, no more
        return min(capacity, self._tokens + (now - self._stamp) * rate)

    def _ready(self, level: Priority, now: float) -> bool:
        return now >= self._held_until and self._class_ready(level, now) and self._refilled(now) >= 1

    def _class_ready(self, level: Priority, now: float) -> bool:
        """Bulk sends wait for the broadcast cap; the progress cap only makes ``crowded`` say
        so (a cosmetic edit is skipped; a real change of state is never held back by it)."""
        return level is not Priority.BULK or self._class_next[level] <= now

    def _take(self, level: Priority, now: float) -> None:
        self._tokens, self._stamp = self._refilled(now) - 1.0, now
        if level in self._class_next:
            rate = self.limits.progress_rate if level is Priority.PROGRESS else self.bulk_rate
            self._class_next[level] = max(self._class_next[level], now - 3 / rate) + 1 / rate

    async def _turn(self, level: Priority) -> None:
        now = self.clock()
        if not any(self._queues[p] for p in Priority if p <= level) and self._ready(level, now):
            self._take(level, now)  # room, and nobody ahead: no queue, no task switch
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[level].append(waiter)
        self._arrived.set()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run_pump())
        await waiter

    async def _run_pump(self) -> None:
        """Hand out turns while anyone waits: the best priority whose class has room."""
        while True:
            for queue in self._queues.values():
                while queue and queue[0].done():  # cancelled while waiting
                    del queue[0]
            if not any(self._queues.values()):
                return
            now = self.clock()
            wake = self._next_possible(now)
            if wake <= now:
                for level, queue in self._queues.items():
                    if queue and self._class_ready(level, now):
                        self._take(level, now)
                        queue.popleft().set_result(None)
                        break
                await asyncio.sleep(0)  # let the granted send go before the next turn
                continue
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wake - now)

    def _next_possible(self, now: float) -> float:
        """When the next turn can be handed out: after a hold, a token, and a class slot."""
        at = max(now, self._held_until)
        rate = self.rate
        if rate is not None:
            tokens = self._refilled(now)
            if tokens < 1.0:
                at = max(at, now + (1.0 - tokens) / rate)
        classes = [
            self._class_next[level] if level is Priority.BULK else now
            for level, q in self._queues.items()
            if q
        ]
        return max(at, min(classes))
