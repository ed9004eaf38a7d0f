"""Admins' changes to the catalog, kept in PostgreSQL (``model_overrides``, migration 0050).

Every instance reads them through a cache that lives ``ttl`` seconds (2 by default): a change
made on one instance is seen by every other within that time, with no restart and no
NOTIFY listener to keep alive. The instance that made the change drops its cache at once.
Each change is written together with its ``admin_audit`` row, in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.admin import audit

Field = Literal["enabled", "markup", "fixed_price_kopecks", "free"]


class Override(PluginModel):
    """One model's changes; ``None`` means "as models/ and the money settings say"."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    enabled: bool | None = None
    markup: Decimal | None = None
    fixed_price_kopecks: int | None = None
    free: bool = False


class Overrides(PluginModel):
    """A snapshot of every override, read at once."""

    model_config = ConfigDict(frozen=True)

    by_model: Mapping[str, Override] = {}

    def get(self, model_id: str) -> Override:
        return self.by_model.get(model_id) or Override(model_id=model_id)

    def enabled(self, model_id: str, default: bool) -> bool:
        value = self.get(model_id).enabled
        return default if value is None else value

    @property
    def free_list(self) -> frozenset[str]:
        """The explicit free tier; empty means "pick the cheapest automatically"."""
        return frozenset(m for m, o in self.by_model.items() if o.free)


def _text(value: object) -> str | None:
    if value is None:
        return None
    return (
        format(value, "f")
        if isinstance(value, Decimal)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


class OverrideBook:
    def __init__(self, pool: asyncpg.Pool, ttl: float = 2.0) -> None:
        self.pool = pool
        self.ttl = ttl
        self._cached: Overrides | None = None
        self._cached_at = 0.0
        self._generation = 0  # bumped by each write, so a read racing it is not cached

    async def load(self, conn: Connection | asyncpg.Pool | None = None) -> Overrides:
        rows = await (conn or self.pool).fetch(
            "SELECT model_id, enabled, markup, fixed_price_kopecks, free FROM model_overrides"
        )
        return Overrides(by_model={r["model_id"]: Override(**dict(r)) for r in rows})

    async def get(self) -> Overrides:
        now = time.monotonic()
        if self._cached is not None and now - self._cached_at < self.ttl:
            return self._cached
        generation = self._generation
        loaded = await self.load()
        if generation == self._generation:
            self._cached, self._cached_at = loaded, now
        return loaded

    def invalidate(self) -> None:
        self._cached = None
        self._generation += 1

    async def change(
        self,
        admin_id: int,
        model_id: str,
        field: Field,
        value: bool | Decimal | int | None,
        also: Mapping[Field, bool | Decimal | int | None] | None = None,
    ) -> None:
        """Set ``field`` (and ``also``'s fields, e.g. clearing a fixed price when a markup is
        set) for one model, and audit it as ``model.<field>``; no row is written for no change.
        """
        changes: dict[Field, bool | Decimal | int | None] = {field: value, **(also or {})}
        self.invalidate()
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO model_overrides (model_id, updated_by) VALUES ($1, $2)"
                " ON CONFLICT (model_id) DO NOTHING",
                model_id,
                admin_id,
            )
            row = await conn.fetchrow(
                "SELECT enabled, markup, fixed_price_kopecks, free FROM model_overrides"
                " WHERE model_id = $1 FOR UPDATE",
                model_id,
            )
            assert row is not None  # inserted just above
            if all(row[k] == v for k, v in changes.items()):
                return
            assignments = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=3))
            await conn.execute(
                f"UPDATE model_overrides SET {assignments}, updated_by = $2, updated_at = now()"
                " WHERE model_id = $1",
                model_id,
                admin_id,
                *changes.values(),
            )
            await audit.record(
                conn, admin_id, f"model.{field}", subject=model_id, old=_text(row[field]), new=_text(value)
            )
        self.invalidate()
