"""The audit of admin actions: one append-only table (``admin_audit``), written in the same
transaction as the change it records. The wallet's own records (settings, receipt decisions)
are copied into it by a trigger (migration 0030)."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection


class AuditEntry(PluginModel):
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
    admin_name: str = ""  # as the bot knows them (users.first_name), for the screen
    target_name: str = ""


async def record(
    conn: Connection | asyncpg.Pool,
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


_COLUMNS = (
    "a.id, a.admin_id, a.action, a.target_user, a.subject, a.old_value, a.new_value, a.note, a.created_at,"
    " coalesce((SELECT first_name FROM users WHERE user_id = a.admin_id), '') AS admin_name,"
    " coalesce((SELECT first_name FROM users WHERE user_id = a.target_user), '') AS target_name"
)


async def entries(
    pool: asyncpg.Pool, *, admin_id: int | None = None, target_user: int | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first, optionally only one admin's or only about one user."""
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM admin_audit a"
        " WHERE ($1::bigint IS NULL OR a.admin_id = $1)"
        "   AND ($2::bigint IS NULL OR a.target_user = $2)"
        " ORDER BY a.id DESC LIMIT $3",
        admin_id,
        target_user,
        limit,
    )
    return [AuditEntry(**dict(r)) for r in rows]


async def entry(pool: asyncpg.Pool, entry_id: int) -> AuditEntry | None:
    row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM admin_audit a WHERE a.id = $1", entry_id)
    return AuditEntry(**dict(row)) if row else None
