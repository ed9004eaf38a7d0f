"""Sessions in PostgreSQL, so any instance serves any update and a restart loses nothing.

A row is written only if its version is still the one that was read (``SessionStore``'s
optimistic save, as the ``sessions`` table's ``version`` column checks it).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import asyncpg

from engine.runtime.session import SESSION_COLUMNS, Session, StaleSession
from engine.runtime.session_writes import SessionWrites

log = logging.getLogger(__name__)

#: written behind, a save may wait this long (seconds) for others to share its statement
WRITE_BEHIND_LINGER = 0.005

_COLUMNS = ", ".join(SESSION_COLUMNS)


class PgSessionStore:
    """Sessions in PostgreSQL, optionally remembering what this process saved last.

    ``cache_size`` > 0 is for the one instance that polls Telegram (it holds the polling lock,
    so no other process writes these rows): a load then costs no query. The version check on
    save still catches a row changed elsewhere, and the entry is dropped. Saves of existing
    sessions go through ``SessionWrites``, which groups concurrent ones into one statement.

    ``write_behind`` (with the cache) lets ``save`` return once the session is in memory and
    its write queued, so the user's next update need not wait for the commit: it reads the
    cache, and the writes keep the user's order. A write that fails or is refused later is
    logged and drops the cached entry, so the next load reads what the table holds — as a
    refused save does anyway. Up to ``max_backlog`` queued writes; past that, saves wait.
    ``flush`` before the pool closes.
    """

    def __init__(
        self, pool: asyncpg.Pool, cache_size: int = 0, *, write_behind: bool = False, max_backlog: int = 1000
    ) -> None:
        if write_behind and not cache_size:
            raise ValueError("write_behind needs the cache: a load must see the queued state")
        self.pool = pool
        self.writes = SessionWrites(pool, linger=WRITE_BEHIND_LINGER if write_behind else 0.0)
        self.cache_size = cache_size
        self.write_behind = write_behind
        self.max_backlog = max_backlog
        self._saved: OrderedDict[int, dict[str, Any]] = OrderedDict()

    async def load(self, user_id: int, chat_id: int, language: str) -> Session:
        row: Any = self._saved.get(user_id)
        if row is not None:
            self._saved.move_to_end(user_id)
        else:
            row = await self.pool.fetchrow(f"SELECT {_COLUMNS} FROM sessions WHERE user_id = $1", user_id)
        if row is None:
            return Session(user_id=user_id, chat_id=chat_id, language=language)
        session = Session.from_row(row)
        session.chat_id = chat_id
        return session

    async def remember_user(
        self, user_id: int, first_name: str, username: str | None, language: str | None
    ) -> None:
        """Note a person the bot has met (for admin screens and notifications); once, when
        their session is created, so ordinary updates cost nothing more."""
        await self.pool.execute(
            "INSERT INTO users (user_id, first_name, username, language) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (user_id) DO UPDATE SET first_name = $2, username = $3,"
            " language = $4, last_seen_at = now()",
            user_id,
            first_name,
            username,
            language,
        )

    def forget(self, user_id: int) -> None:
        """Drop the cached session: the next load reads the table."""
        self._saved.pop(user_id, None)

    async def save(self, s: Session) -> None:
        values = s.as_row()
        if s.is_new:
            status = await self.pool.execute(
                f"INSERT INTO sessions ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb,"
                " $7::jsonb, $8::jsonb, $9::jsonb, $10) ON CONFLICT (user_id) DO NOTHING",
                *values,
            )
            written = not status.endswith(" 0")
        else:
            row = (*values, s.loaded_version)
            if self.write_behind and self.writes.backlog < self.max_backlog:
                self.writes.submit(row).add_done_callback(lambda done: self._settled(s.user_id, done))
                written = True
            else:
                written = await self.writes.update(row)
        if not written:
            self.forget(s.user_id)
            raise StaleSession(s.user_id)
        s.is_new, s.loaded_version = False, s.version
        if self.cache_size:
            self._saved[s.user_id] = dict(zip(SESSION_COLUMNS, values, strict=True))
            self._saved.move_to_end(s.user_id)
            while len(self._saved) > self.cache_size:
                self._saved.popitem(last=False)

    async def flush(self) -> None:
        """Wait for every queued write (write-behind): call before closing the pool."""
        await self.writes.flush()

    def _settled(self, user_id: int, outcome: asyncio.Future[bool]) -> None:
        """A write-behind save's late outcome: on failure the cache must not outlive it."""
        if outcome.cancelled():
            self.forget(user_id)
            log.warning("the save of user %s's session was cancelled", user_id)
        elif (error := outcome.exception()) is not None:
            self.forget(user_id)
            log.error("could not save the session of user %s: %r", user_id, error)
        elif not outcome.result():
            self.forget(user_id)
            log.info("session of user %s was saved by another update first", user_id)
