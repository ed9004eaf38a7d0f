"""Session saves grouped into one statement: many users' updates, one round trip.

Every update ends with one session write. Sent one by one, each write costs a pool checkout
and a round trip of client CPU, which under load is most of what the database costs the bot.
Saves that arrive while a write is in flight wait for it and then go together, as one
``UPDATE … FROM unnest(…)``; each still commits only if its row is at the version it was
read at, and the statement says which rows it wrote, so a stale save is refused exactly as
a single one would be. A lone save (no others waiting) takes the plain one-row statement.

No save is acknowledged before its statement committed, so batching loses nothing on a crash.
Two saves of one user never meet in a batch: the interpreter saves a user's session under
that user's lock, and waits for the save before releasing it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg

#: (user_id, chat_id, language, screen, args, stack, form, rendered, flash, version) + the
#: version the session was read at; the five JSON documents are already encoded
Row = tuple[int, int, str, str | None, str, str, str, str, str, int, int]

_ONE = (
    "UPDATE sessions SET chat_id = $2, language = $3, screen = $4, args = $5::jsonb,"
    " stack = $6::jsonb, form = $7::jsonb, rendered = $8::jsonb, flash = $9::jsonb,"
    " version = $10, updated_at = now() WHERE user_id = $1 AND version = $11")

_MANY = (
    "UPDATE sessions AS s SET chat_id = u.chat_id, language = u.language, screen = u.screen,"
    " args = u.args::jsonb, stack = u.stack::jsonb, form = u.form::jsonb,"
    " rendered = u.rendered::jsonb, flash = u.flash::jsonb, version = u.version,"
    " updated_at = now()"
    " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],"
    " $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[])"
    " AS u(user_id, chat_id, language, screen, args, stack, form, rendered, flash, version,"
    " loaded)"
    " WHERE s.user_id = u.user_id AND s.version = u.loaded RETURNING s.user_id")


@dataclass
class _Save:
    row: Row
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop()
                                       .create_future())


class SessionWrites:
    """Grouped optimistic updates of existing session rows (see the module docstring).

    ``max_batch`` bounds one statement; one statement is in flight at a time, so the rows
    waiting behind it are what the next one carries.
    """

    def __init__(self, pool: asyncpg.Pool, max_batch: int = 100) -> None:
        self.pool = pool
        self.max_batch = max_batch
        self._waiting: list[_Save] = []
        self._writing = False
        self._drainers: set[asyncio.Task[None]] = set()
        self.statements = 0   # for benchmarks and tests: how many round trips the saves took

    async def update(self, row: Row) -> bool:
        """Write ``row`` if the stored version is still the one it was read at."""
        save = _Save(row)
        self._waiting.append(save)
        if not self._writing:
            await self._write_until(save)
        return await save.done

    async def _write_until(self, mine: _Save) -> None:
        """Write batches until ``mine`` is written; whatever still waits gets a drainer task,
        so no caller keeps writing other users' saves after its own is done.

        A drainer that finds another writer at work (or its save written) leaves at once: that
        writer leaves a drainer of its own for whatever still waits when it is done.
        """
        if self._writing or mine.done.done():
            return
        self._writing = True
        try:
            while not mine.done.done():
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                await self._write(batch)
        finally:
            self._writing = False
            if self._waiting:
                drainer = asyncio.ensure_future(self._write_until(self._waiting[-1]))
                self._drainers.add(drainer)
                drainer.add_done_callback(self._drainers.discard)

    async def _write(self, batch: list[_Save]) -> None:
        """One statement for ``batch``; its outcome (or failure) lands on each save."""
        self.statements += 1
        try:
            if len(batch) == 1:
                status = await self.pool.execute(_ONE, *batch[0].row)
                written = {batch[0].row[0]} if not status.endswith(" 0") else set()
            else:
                columns = [list(c) for c in zip(*(s.row for s in batch), strict=True)]
                written = {r[0] for r in await self.pool.fetch(_MANY, *columns)}
        except Exception as exc:
            for save in batch:
                save.done.set_exception(exc)
            return
        except BaseException:
            for save in batch:
                save.done.cancel()
            raise
        for save in batch:
            save.done.set_result(save.row[0] in written)
