"""The audit of admin actions: one append-only table (``admin_audit``), written in the same
transaction as the change it records. The wallet's own records (settings, receipt decisions)
are copied into it by a trigger (migration 0030)."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from pydantic import BaseModel, ConfigDict


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    admin_id: int
    action: str
    target_user: int | None
    subject: str
    old_value: str | None
    new_value: str | None
    note: str
    created_at: datetime


async def record(
    conn: asyncpg.Connection | asyncpg.Pool,
    admin_id: int,
    action: str,
    *,
    target_user: int | None = None,
    subject: str = "",
    old: str | None = None,
    new: str | None = None,
    note: str = "",
) -> None:
    await conn.execute(
        "INSERT INTO admin_audit (admin_id, action, target_user, subject, old_value, new_value,"
        " note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        admin_id,
        action,
        target_user,
        subject,
        old,
        new,
        note,
    )


_COLUMNS = "id, admin_id, action, target_user, subject, old_value, new_value, note, created_at"


async def entries(
    pool: asyncpg.Pool, *, admin_id: int | None = None, target_user: int | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first, optionally only one admin's or only about one user."""
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM admin_audit"
        " WHERE ($1::bigint IS NULL OR admin_id = $1)"
        "   AND ($2::bigint IS NULL OR target_user = $2)"
        " ORDER BY id DESC LIMIT $3",
        admin_id,
        target_user,
        limit,
    )
    return [AuditEntry(**dict(r)) for r in rows]


async def entry(pool: asyncpg.Pool, entry_id: int) -> AuditEntry | None:
    row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM admin_audit WHERE id = $1", entry_id)
    return AuditEntry(**dict(row)) if row else None
