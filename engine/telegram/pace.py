"""The outgoing send budget of one instance, shared by replies and bulk sends (broadcasts).

Telegram lets a bot send about 30 messages a second in all; past that it answers 429 with a
``retry_after``. Replies to users never wait here: each one only takes its share of the budget
(``note_reply``), so a bulk sender, which waits for a ``slot`` at a lower priority, slows down
while users are being answered and takes the rest. A 429 holds every bulk slot until
``retry_after`` has passed (``hold``).

Slots are scheduled on a fixed grid (one every ``1 / rate`` seconds): a sleep that overshoots is
made up by the next slots, up to ``catch_up`` of them, so the achieved rate is the configured
one rather than a little below it, and a pause never turns into a burst.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class SendPace:
    """``await pace.slot()`` before each bulk send; ``pace.note_reply()`` after each reply."""

    def __init__(
        self,
        rate: float,
        *,
        catch_up: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("a send rate must be positive")
        self.rate = rate
        self.catch_up = catch_up
        self.clock = clock
        self.sleep = sleep
        self._next = clock()  # when the next slot opens
        self._held_until = 0.0
        self._lock = asyncio.Lock()  # bulk senders are served one after the other, in order

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    def _take(self, now: float) -> None:
        self._next = max(self._next, now - self.catch_up * self.interval) + self.interval

    def note_reply(self) -> None:
        """A reply went out (never delayed): bulk senders wait one slot longer."""
        self._take(self.clock())

    def hold(self, seconds: float) -> None:
        """Telegram said 429 with ``retry_after``: no bulk send before it has passed."""
        self._held_until = max(self._held_until, self.clock() + max(seconds, 0.0))
        self._next = max(self._next, self._held_until)

    def held(self) -> bool:
        return self.clock() < self._held_until

    async def slot(self) -> None:
        """Wait for the next bulk slot (after the replies' share and any hold) and take it."""
        async with self._lock:
            while True:
                now = self.clock()
                wait = max(self._next, self._held_until) - now
                if wait <= 0:
                    break
                await self.sleep(wait)
            self._take(now)
