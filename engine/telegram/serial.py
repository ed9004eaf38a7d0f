"""One update per user at a time across every instance, and each update_id handled once.

With webhooks, any instance may receive any update, and Telegram (or a proxy) may deliver an
update again when its acknowledgement was lost. ``SerialUpdates`` is an outer middleware on
the dispatcher's ``update`` observer that, around the whole handling of an update:

- takes the user's lock in this process (so one process spends one connection per user),
  then a PostgreSQL advisory lock keyed by the user, held on its own connection until the
  handling ends — a second instance with the same user's next update waits for it;
- skips the update when ``processed_updates`` says it was handled;
- otherwise notes it there as started, with the user's session version, handles it, and
  notes it done. A handling that raised is not done, so Telegram's retry runs it again; an
  instance killed mid-handling loses its connection and the lock with it, and the retry runs
  on another instance.

A retry of an update left started but not done looks at the session: if its version moved
on since the start, the earlier attempt saved what it did and stopped before saying so, and
the update is handed on with ``replay=True`` (the interpreter shows the stored outcome instead
of acting again). If not, it is handled again: what ran before the save must be safe to
repeat (money changes are keyed by their event, the ledger's unique keys).

The lock connections come from their own pool: a handler needs connections of the main pool
while it holds its lock, and must never wait for one held by an update waiting for a lock.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Final

import asyncpg
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from engine.storage.connection import Connection

log = logging.getLogger(__name__)

#: the upper half of every per-user lock key, so they never meet the bot's other advisory locks
#: (those use the one-bigint form, a key space of its own in PostgreSQL anyway)
LOCK_SPACE: Final = 0x5E55
#: how long a handled update_id is remembered; Telegram stops retrying within a day
KEEP_PROCESSED: Final = timedelta(days=1)
PRUNE_EVERY: Final = 2000  # handled updates between prunes of old update ids

#: the handler's keyword (aiogram passes it to handlers that take it): True when the update is
#: a redelivery whose effects are stored already — show the outcome, do not act again
REPLAY: Final = "replay"

_SEEN = (
    "SELECT p.done, p.started_version, s.version FROM (SELECT 1) AS one"
    " LEFT JOIN processed_updates p ON p.bot_id = $1 AND p.update_id = $2"
    " LEFT JOIN sessions s ON s.user_id = $3"
)
_STARTED = (
    "INSERT INTO processed_updates (bot_id, update_id, started_version) VALUES ($1, $2, $3)"
    " ON CONFLICT (bot_id, update_id) DO UPDATE SET started_version = EXCLUDED.started_version"
)
_DONE = (
    "INSERT INTO processed_updates (bot_id, update_id, done) VALUES ($1, $2, true)"
    " ON CONFLICT (bot_id, update_id) DO UPDATE SET done = true, handled_at = now()"
)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _int4(value: int) -> int:
    value &= 0xFFFF_FFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def lock_key(owner: int) -> tuple[int, int]:
    """The two int4 halves of the advisory lock for a user (or a chat, for updates without a
    user): a 64-bit id, folded with ``LOCK_SPACE`` into the upper half."""
    wide = owner & 0xFFFF_FFFF_FFFF_FFFF
    return _int4((wide >> 32) ^ (LOCK_SPACE << 16)), _int4(wide)


def owner_of(update: Update) -> int | None:
    """Whose updates must be handled one at a time: the user who caused it, else its chat."""
    event = update.event
    user = getattr(event, "from_user", None)
    if user is not None:
        return int(user.id)
    chat = getattr(event, "chat", None)
    return int(chat.id) if chat is not None else None


class SerialUpdates(BaseMiddleware):
    """The middleware (see the module docstring). ``lock_pool`` holds the advisory locks;
    its size bounds the users whose updates this instance handles at once."""

    def __init__(self, lock_pool: asyncpg.Pool) -> None:
        self.lock_pool = lock_pool
        self._local: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._handled = 0
        self.duplicates = 0  # redeliveries skipped (for tests and metrics)
        self.replays = 0  # redeliveries of updates whose handling stopped after saving

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        owner = owner_of(event)
        if owner is None:
            return await self._once(handler, event, data, None)
        local = self._local.get(owner)
        if local is None:
            local = self._local[owner] = asyncio.Lock()
        async with local:
            return await self._once(handler, event, data, owner)

    async def _once(self, handler: Handler, update: Update, data: dict[str, Any], owner: int | None) -> Any:
        async with self.lock_pool.acquire() as conn:
            key = lock_key(owner) if owner is not None else None
            if key is not None:
                await conn.execute("SELECT pg_advisory_lock($1, $2)", *key)
            try:
                return await self._handle(conn, handler, update, data, owner)
            finally:
                if key is not None:
                    await _unlock(conn, key)

    async def _handle(
        self, conn: Connection, handler: Handler, update: Update, data: dict[str, Any], owner: int | None
    ) -> Any:
        """Under the owner's lock: skip, replay or handle, and record it."""
        bot = data.get("bot")
        bot_id = int(bot.id) if bot is not None else 0
        row = await conn.fetchrow(_SEEN, bot_id, update.update_id, owner)
        assert row is not None  # one row, whatever the joins find
        if row["done"]:
            self.duplicates += 1
            log.info("update %s was handled already: skipped", update.update_id)
            return None
        version = row["version"]
        stopped_after_saving = (
            row["done"] is not None
            and version is not None
            and (row["started_version"] is None or version > row["started_version"])
        )
        if stopped_after_saving:
            # an instance saved what this update did, then stopped before saying it was
            # handled: doing it again would be acting twice; showing its outcome is not
            self.replays += 1
            data = {**data, REPLAY: True}
        else:
            await conn.execute(_STARTED, bot_id, update.update_id, version)
        result = await handler(update, data)
        await conn.execute(_DONE, bot_id, update.update_id)
        self._handled += 1
        if self._handled % PRUNE_EVERY == 0:
            await conn.execute(
                "DELETE FROM processed_updates WHERE handled_at < now() - $1::interval", KEEP_PROCESSED
            )
        return result


async def _unlock(conn: Connection, key: tuple[int, int]) -> None:
    """Release the lock; if the connection broke, the lock went with it — and the connection
    must not go back to the pool as if nothing happened."""
    try:
        await conn.execute("SELECT pg_advisory_unlock($1, $2)", *key)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        conn.terminate()
