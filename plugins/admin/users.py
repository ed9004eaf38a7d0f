"""The people the bot has met, as an admin looks them up: by id, by @username, by a forwarded
message; their card facts, operations, jobs; blocks and "has blocked the bot"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import asyncpg

_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")


@dataclass(frozen=True)
class Person:
    user_id: int
    first_name: str
    username: str | None
    language: str | None
    created_at: datetime | None
    last_seen_at: datetime | None
    bot_blocked: bool


@dataclass(frozen=True)
class Facts:
    """What the card shows beside the person."""

    balance: int
    free_hour: int
    free_day: int
    jobs: int
    receipts_pending: int
    receipts_total: int
    blocked: bool
    block_reason: str


@dataclass(frozen=True)
class Operation:
    id: int
    amount: int
    kind: str
    note: str
    model: str | None
    job_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class JobRow:
    id: str
    user_id: int
    model: str
    state: str
    price: int
    free: bool
    hold_state: str | None
    refunded: bool
    created_at: datetime


def parse_lookup(text: str) -> int | str | None:
    """``12345`` → an id; ``@anna_b`` or ``anna_b`` → a username; anything else → None."""
    cleaned = text.strip()
    if cleaned.isdigit() and len(cleaned) <= 18:
        return int(cleaned)
    found = _USERNAME.match(cleaned)
    return found.group(1) if found else None


class Directory:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def find(self, text: str) -> int | None:
        key = parse_lookup(text)
        if isinstance(key, int):
            known = await self.pool.fetchval(
                "SELECT user_id FROM users WHERE user_id = $1 UNION"
                " SELECT user_id FROM wallets WHERE user_id = $1",
                key,
            )
            return int(known) if known is not None else None
        if key is None:
            return None
        found = await self.pool.fetchval(
            "SELECT user_id FROM users WHERE lower(username) = lower($1) ORDER BY last_seen_at DESC LIMIT 1",
            key,
        )
        return int(found) if found is not None else None

    async def person(self, user_id: int) -> Person:
        row = await self.pool.fetchrow(
            "SELECT first_name, username, language, created_at, last_seen_at,"
            " bot_blocked_at IS NOT NULL AS bot_blocked FROM users WHERE user_id = $1",
            user_id,
        )
        if row is None:
            return Person(user_id, "", None, None, None, None, False)
        return Person(
            user_id,
            row["first_name"],
            row["username"],
            row["language"],
            row["created_at"],
            row["last_seen_at"],
            row["bot_blocked"],
        )

    async def facts(self, user_id: int) -> Facts:
        row = await self.pool.fetchrow(
            "SELECT"
            " (SELECT balance FROM wallets WHERE user_id = $1) AS balance,"
            " (SELECT count(*) FROM free_uses WHERE user_id = $1 AND returned_at IS NULL"
            "   AND used_at > now() - interval '1 hour') AS free_hour,"
            " (SELECT count(*) FROM free_uses WHERE user_id = $1 AND returned_at IS NULL"
            "   AND used_at > now() - interval '1 day') AS free_day,"
            " (SELECT count(*) FROM jobs WHERE user_id = $1) AS jobs,"
            " (SELECT count(*) FILTER (WHERE status = 'pending') FROM receipts"
            "   WHERE user_id = $1) AS receipts_pending,"
            " (SELECT count(*) FROM receipts WHERE user_id = $1) AS receipts_total,"
            " (SELECT reason FROM user_blocks WHERE user_id = $1) AS block_reason",
            user_id,
        )
        assert row is not None  # a SELECT without FROM: always one row
        return Facts(
            int(row["balance"] or 0),
            row["free_hour"],
            row["free_day"],
            row["jobs"],
            row["receipts_pending"],
            row["receipts_total"],
            row["block_reason"] is not None,
            row["block_reason"] or "",
        )

    async def operations(self, user_id: int, limit: int = 200) -> list[Operation]:
        rows = await self.pool.fetch(
            "SELECT l.id, l.amount, l.kind, l.note, l.job_id, l.created_at, j.model"
            " FROM ledger l LEFT JOIN jobs j ON j.id::text = l.job_id"
            " WHERE l.user_id = $1 ORDER BY l.id DESC LIMIT $2",
            user_id,
            limit,
        )
        return [
            Operation(r["id"], r["amount"], r["kind"], r["note"], r["model"], r["job_id"], r["created_at"])
            for r in rows
        ]

    async def jobs(self, user_id: int, limit: int = 200) -> list[JobRow]:
        rows = await self.pool.fetch(
            f"{_JOBS} WHERE j.user_id = $1 ORDER BY j.created_at DESC LIMIT $2", user_id, limit
        )
        return [_job(r) for r in rows]

    async def job(self, job_id: str) -> JobRow | None:
        row = await self.pool.fetchrow(f"{_JOBS} WHERE j.id::text = $1", job_id)
        return _job(row) if row else None

    async def is_blocked(self, user_id: int) -> bool:
        return bool(await self.pool.fetchval("SELECT 1 FROM user_blocks WHERE user_id = $1", user_id))

    async def mark_bot_blocked(self, user_id: int, blocked: bool) -> None:
        """Telegram told us the user blocked (or unblocked) the bot."""
        await self.pool.execute(
            "UPDATE users SET bot_blocked_at = CASE WHEN $2 THEN coalesce(bot_blocked_at, now())"
            " END WHERE user_id = $1",
            user_id,
            blocked,
        )


_JOBS = (
    "SELECT j.id::text AS id, j.user_id, j.model, j.state, j.price_kopecks, j.free,"
    " j.created_at, h.state AS hold_state,"
    " EXISTS (SELECT 1 FROM ledger r WHERE r.idempotency_key = 'refund:' || j.id::text)"
    "   AS refunded"
    " FROM jobs j LEFT JOIN holds h ON h.job_id = j.id::text"
)


def _job(r: asyncpg.Record) -> JobRow:
    return JobRow(
        r["id"],
        r["user_id"],
        r["model"],
        r["state"],
        r["price_kopecks"],
        r["free"],
        r["hold_state"],
        r["refunded"],
        r["created_at"],
    )
