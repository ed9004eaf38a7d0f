"""One update per user at a time across every instance, and each update_id handled once.

With webhooks, any instance may receive any update, and Telegram (or a proxy) may deliver an
update again when its acknowledgement was lost. ``SerialUpdates`` is an outer middleware on
the dispatcher's ``update`` observer that, around the whole handling of an update:

- takes the user's lock in this process (so one process spends one connection per user),
  then a PostgreSQL advisory lock keyed by the user, held on its own connection until the
  handling ends — a second instance with the same user's next update waits for it;
- skips the update when its ``update_id`` is in ``processed_updates`` (already handled);
- writes the ``update_id`` there once the handling returned. A handling that raised is not
  recorded, so Telegram's retry runs it again; an instance killed mid-handling loses its
  connection and the lock with it, and the retry runs on another instance.

Updates are recorded only after they were handled, so a kill between the two lets a retry
run the update twice: what it does must be safe to repeat. Presses are (a keyboard carries
its session version, so a press already acted on is answered as out of date), and money
changes are keyed by their event (the ledger's unique keys).

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
            return await self._once(handler, event, data, lock_key(owner))

    async def _once(
        self, handler: Handler, update: Update, data: dict[str, Any], key: tuple[int, int] | None
    ) -> Any:
        async with self.lock_pool.acquire() as conn:
            if key is not None:
                await conn.execute("SELECT pg_advisory_lock($1, $2)", *key)
            try:
                seen = await conn.fetchval(
                    "SELECT true FROM processed_updates WHERE update_id = $1", update.update_id
                )
                if seen:
                    self.duplicates += 1
                    log.info("update %s was handled already: skipped", update.update_id)
                    return None
                result = await handler(update, data)
                await conn.execute(
                    "INSERT INTO processed_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING",
                    update.update_id,
                )
                self._handled += 1
                if self._handled % PRUNE_EVERY == 0:
                    await conn.execute(
                        "DELETE FROM processed_updates WHERE handled_at < now() - $1::interval",
                        KEEP_PROCESSED,
                    )
                return result
            finally:
                if key is not None:
                    await _unlock(conn, key)


async def _unlock(conn: Connection, key: tuple[int, int]) -> None:
    """Release the lock; if the connection broke, the lock went with it — and the connection
    must not go back to the pool as if nothing happened."""
    try:
        await conn.execute("SELECT pg_advisory_unlock($1, $2)", *key)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        conn.terminate()
