"""The engine's events into PostgreSQL (``flow_events``, migration 0115), off the reply path.

``record`` appends to a list in memory; a background task copies the list into the table
(``COPY``) every ``interval`` seconds, or sooner once ``batch`` events wait. Should the
database be away, events wait up to ``limit`` and the oldest beyond that are dropped (and
counted): the bot goes on answering either way. Once an hour events older than
``retention_days`` are deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import asyncpg

from engine.runtime.events import FlowEvent

log = logging.getLogger(__name__)

COLUMNS = ("at", "user_id", "screen", "kind", "target", "variant")


class PgEventWriter:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        interval: float = 1.0,
        batch: int = 500,
        limit: int = 100_000,
        retention_days: int = 90,
        prune_every: float = 3600.0,
    ) -> None:
        self.pool = pool
        self.interval = interval
        self.batch = batch
        self.limit = limit
        self.retention_days = retention_days
        self.prune_every = prune_every
        self.dropped = 0
        self.written = 0
        self._buffer: list[FlowEvent] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._pruned_at = float("-inf")

    def record(self, event: FlowEvent) -> None:
        buffer = self._buffer
        buffer.append(event)
        if len(buffer) >= self.batch:
            self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            await self.flush()
            if time.monotonic() - self._pruned_at >= self.prune_every:
                self._pruned_at = time.monotonic()
                await self.prune()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        await self.flush()

    async def flush(self) -> None:
        """Write what is waiting; on failure keep it (up to ``limit``) for the next try."""
        events, self._buffer = self._buffer, []
        if not events:
            return
        rows = [
            (datetime.fromtimestamp(e.at, UTC), e.user_id, e.screen, e.kind, e.target, e.variant)
            for e in events
        ]
        try:
            await self.pool.copy_records_to_table("flow_events", records=rows, columns=COLUMNS)
        except Exception:
            log.exception("could not write %d flow events; will retry", len(events))
            kept = events + self._buffer
            over = len(kept) - self.limit
            if over > 0:
                self.dropped += over
                kept = kept[over:]
            self._buffer = kept
            return
        self.written += len(rows)

    async def prune(self) -> int:
        """Delete events past the retention period; returns how many."""
        try:
            status = await self.pool.execute(
                "DELETE FROM flow_events WHERE at < now() - make_interval(days => $1)", self.retention_days
            )
        except Exception:
            log.exception("could not delete old flow events")
            return 0
        return int(status.split()[-1])


class PgSplitWinners:
    """The winners admins chose (``split_winners``, migration 0116), for ``Splits``."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def winners(self) -> Mapping[str, str]:
        rows = await self.pool.fetch("SELECT split, variant FROM split_winners")
        return {r["split"]: r["variant"] for r in rows}
