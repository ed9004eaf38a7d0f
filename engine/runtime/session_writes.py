"""Session saves grouped into one statement: many users' updates, one round trip.

Every update ends with one session write. Sent one by one, each write costs a pool checkout
and a round trip of client CPU, which under load is most of what the database costs the bot.
Saves that arrive while a write is in flight wait for it and then go together, as one
``UPDATE … FROM jsonb_to_recordset(…)`` (one JSON parameter: half the client CPU per row of
eleven arrays, the parsing done on the server's core); each still commits only if its row
is at the version it was read at, and the statement says which rows it wrote, so a stale
save is refused exactly as a single one would be. A lone save (no others waiting) takes
the plain one-row statement.

At most one save per user waits. A user's next save, made while the previous one still
waits, takes its place (the row is the newer state; the version checked is the one the
stored row has), so both share one outcome; a save made while the user's previous one is
in flight waits for the next statement. Either way a user's saves reach the table in order.
Whoever awaits a save's outcome hears of it only once its statement committed.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Final

import asyncpg

from engine.storage.connection import Connection

#: (user_id, chat_id, language, screen, args, stack, form, rendered, state, version) + the
#: version the session was read at; the five JSON documents are already encoded
Row = tuple[int, int, str, str | None, str, str, str, str, str, int, int]
_VERSION: Final = 9
_LOADED: Final = 10

_ONE = (
    "UPDATE sessions SET chat_id = $2, language = $3, screen = $4, args = $5::jsonb,"
    " stack = $6::jsonb, form = $7::jsonb, rendered = $8::jsonb, state = $9::jsonb,"
    " version = $10, updated_at = now() WHERE user_id = $1 AND version = $11"
)

_MANY = (
    "UPDATE sessions AS s SET chat_id = u.chat_id, language = u.language, screen = u.screen,"
    " args = u.args, stack = u.stack, form = u.form, rendered = u.rendered, state = u.state,"
    " version = u.version, updated_at = now()"
    " FROM jsonb_to_recordset($1::text::jsonb) AS u(user_id bigint, chat_id bigint,"
    " language text, screen text, args jsonb, stack jsonb, form jsonb, rendered jsonb,"
    " state jsonb, version bigint, loaded bigint)"
    " WHERE s.user_id = u.user_id AND s.version = u.loaded RETURNING s.user_id"
)


def _as_json(batch: list[Row]) -> str:
    """The batch as one JSON array, the already-encoded documents spliced in as they are.

    Sound only because those documents come from ``json.dumps`` (Session.as_row): one that
    was not JSON would make the whole statement fail, never write a wrong row.
    """
    dumps = json.dumps
    return (
        "["
        + ",".join(
            f'{{"user_id":{r[0]},"chat_id":{r[1]},"language":{dumps(r[2])},"screen":{dumps(r[3])},'
            f'"args":{r[4]},"stack":{r[5]},"form":{r[6]},"rendered":{r[7]},"state":{r[8]},'
            f'"version":{r[9]},"loaded":{r[10]}}}'
            for r in batch
        )
        + "]"
    )


@dataclass
class _Save:
    row: Row
    done: asyncio.Future[bool]


class SessionWrites:
    """Grouped optimistic updates of existing session rows (see the module docstring).

    ``max_batch`` bounds one statement; one statement is in flight at a time, so the rows
    waiting behind it are what the next one carries. ``linger`` (seconds) lets a batch that
    is not full wait that long for more saves first — for callers that do not wait for the
    outcome (write-behind), fewer statements for the same saves. The writer keeps one
    connection while saves keep coming, rather than taking one from the pool per statement.
    """

    def __init__(self, pool: asyncpg.Pool, max_batch: int = 100, linger: float = 0.0) -> None:
        self.pool = pool
        self.max_batch = max_batch
        self.linger = linger
        self._waiting: dict[int, _Save] = {}
        self._writer: asyncio.Task[None] | None = None
        self.statements = 0  # for benchmarks and tests: how many round trips the saves took

    @property
    def backlog(self) -> int:
        """Saves not yet in a statement."""
        return len(self._waiting)

    async def update(self, row: Row) -> bool:
        """Write ``row`` if the stored version is still the one it was read at."""
        return await asyncio.shield(self.submit(row))  # a cancelled caller cancels no save

    def submit(self, row: Row) -> asyncio.Future[bool]:
        """Queue ``row``; the future says, once its statement committed, whether it was written."""
        user = row[0]
        earlier = self._waiting.get(user)  # replaced where it stands: no one loses their turn
        if earlier is None:
            save = _Save(row, asyncio.get_running_loop().create_future())
        elif row[_LOADED] == earlier.row[_VERSION]:
            # the newer state of the same session: one write, checked against what is stored
            save = _Save((*row[:_LOADED], earlier.row[_LOADED]), earlier.done)
        else:
            # read afresh from the table, not from the waiting save: that one is refused
            earlier.done.set_result(False)
            save = _Save(row, asyncio.get_running_loop().create_future())
        self._waiting[user] = save
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._drain())
        return save.done

    async def flush(self) -> None:
        """Return once every save queued so far has its outcome (before closing the pool)."""
        while self._writer is not None:
            await asyncio.wait([self._writer])

    async def _drain(self) -> None:
        try:
            while self._waiting:
                try:
                    async with self.pool.acquire() as connection:
                        while self._waiting:
                            if self.linger and len(self._waiting) < self.max_batch:
                                await asyncio.sleep(self.linger)
                            users = list(self._waiting)[: self.max_batch]
                            batch = [self._waiting.pop(user) for user in users]
                            if not await self._write(connection, batch):
                                break  # the connection may be broken: take a fresh one
                except Exception as exc:  # no connection: the saves waiting fail with it
                    for save in self._waiting.values():
                        save.done.set_exception(exc)
                    self._waiting.clear()
        finally:
            self._writer = None
            for save in self._waiting.values():  # only when cancelled: nobody will write these
                save.done.cancel()
            self._waiting.clear()

    async def _write(self, connection: Connection, batch: list[_Save]) -> bool:
        """One statement for ``batch``; its outcome (or failure) lands on each save. False if
        the statement failed."""
        self.statements += 1
        try:
            if len(batch) == 1:
                status = await connection.execute(_ONE, *batch[0].row)
                written = {batch[0].row[0]} if not status.endswith(" 0") else set()
            else:
                rows = await connection.fetch(_MANY, _as_json([s.row for s in batch]))
                written = {r[0] for r in rows}
        except Exception as exc:
            for save in batch:
                if not save.done.done():
                    save.done.set_exception(exc)
            return False
        except BaseException:
            for save in batch:
                save.done.cancel()
            raise
        for save in batch:
            if not save.done.done():
                save.done.set_result(save.row[0] in written)
        return True
