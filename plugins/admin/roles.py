"""Who may do what in the admin console.

Owners are ``ADMIN_IDS`` (configuration, never stored); an owner gives other people a role in
the bot: ``admin`` (everything but roles) or ``support`` (users, receipts, money read-only).
Each role is also a guard, passed by that role and every role above it::

    guard owner   → owner
    guard admin   → owner, admin
    guard support → owner, admin, support

Guards are checked synchronously on every render, so they read a cache of the roles table,
refreshed every few seconds (``watch.Watch``) and at once on this instance's own changes.
Actions that change anything ask the table itself (``RoleBook.current``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum

import asyncpg

from engine.storage.connection import Connection


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    SUPPORT = "support"


#: a guard is passed by its own role and every role ranked above it
RANK = {Role.SUPPORT: 1, Role.ADMIN: 2, Role.OWNER: 3}
#: for the linter: whoever passes the key passes each guard listed
GUARD_IMPLIES: Mapping[str, tuple[str, ...]] = {"owner": ("admin",), "admin": ("support",)}
GRANTABLE = (Role.SUPPORT, Role.ADMIN)


def passes(role: Role | None, guard: Role) -> bool:
    return role is not None and RANK[role] >= RANK[guard]


class RoleBook:
    """Roles by user id: owners from configuration, the others from ``admin_roles``."""

    def __init__(self, pool: asyncpg.Pool, owners: frozenset[int]) -> None:
        self.pool = pool
        self.owners = owners
        self._cached: dict[int, Role] = {}
        self.listeners: list[Callable[[int, Role | None], object]] = []

    # the cache, for guards (synchronous)
    def role_of(self, user_id: int) -> Role | None:
        return Role.OWNER if user_id in self.owners else self._cached.get(user_id)

    def __contains__(self, user_id: object) -> bool:
        """Anyone with a role: the runtime's ``is_admin`` (staff may open the console)."""
        return isinstance(user_id, int) and self.role_of(user_id) is not None

    def staff(self) -> Iterator[tuple[int, Role]]:
        for owner in sorted(self.owners):
            yield owner, Role.OWNER
        for user_id, role in sorted(self._cached.items()):
            if user_id not in self.owners:
                yield user_id, role

    async def refresh(self) -> None:
        rows = await self.pool.fetch("SELECT user_id, role FROM admin_roles")
        self._cached = {r["user_id"]: Role(r["role"]) for r in rows}

    # the table, for actions
    async def current(self, user_id: int, conn: Connection | None = None) -> Role | None:
        if user_id in self.owners:
            return Role.OWNER
        value = await (conn or self.pool).fetchval("SELECT role FROM admin_roles WHERE user_id = $1", user_id)
        return Role(value) if value else None

    async def grant(self, conn: Connection, user_id: int, role: Role, by: int) -> Role | None:
        """Give ``role``; returns the role held before."""
        before = await self.current(user_id, conn)
        await conn.execute(
            "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, $2, $3)"
            " ON CONFLICT (user_id) DO UPDATE SET role = $2, granted_by = $3,"
            " granted_at = now()",
            user_id,
            role.value,
            by,
        )
        return before

    async def revoke(self, conn: Connection, user_id: int) -> Role | None:
        value = await conn.fetchval("DELETE FROM admin_roles WHERE user_id = $1 RETURNING role", user_id)
        return Role(value) if value else None

    def changed(self, user_id: int, role: Role | None) -> None:
        """This instance's own change: the cache follows at once, listeners are told."""
        if role is None:
            self._cached.pop(user_id, None)
        else:
            self._cached[user_id] = role
        for listener in self.listeners:
            listener(user_id, role)
