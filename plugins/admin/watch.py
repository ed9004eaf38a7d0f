"""Caches the console keeps in memory for checks made on every update (guards, the blocked
gate), refreshed every few seconds so every instance follows another's change."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from plugins.admin.roles import RoleBook

log = logging.getLogger(__name__)


class BlockList:
    """Users an admin blocked. This instance's own changes apply at once."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.users: frozenset[int] = frozenset()

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.users

    async def refresh(self) -> None:
        rows = await self.pool.fetch("SELECT user_id FROM user_blocks")
        self.users = frozenset(r["user_id"] for r in rows)

    def changed(self, user_id: int, blocked: bool) -> None:
        self.users = self.users | {user_id} if blocked else self.users - {user_id}


class Watch:
    """A service (``run``/``stop``) refreshing the roles and the block list."""

    def __init__(self, roles: RoleBook, blocks: BlockList, every: float = 3.0) -> None:
        self.roles = roles
        self.blocks = blocks
        self.every = every
        self._stopped = asyncio.Event()

    async def refresh(self) -> None:
        await self.roles.refresh()
        await self.blocks.refresh()

    async def run(self) -> None:
        while not self._stopped.is_set():
            try:
                await self.refresh()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("could not refresh admin roles and blocks; keeping the last known")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.every)

    async def stop(self) -> None:
        self._stopped.set()
