"""Broadcasts in PostgreSQL: the draft, its audience, and each recipient's state.

A recipient goes ``pending`` → ``claimed`` (a driver took it, a chunk at a time) → ``sending``
(just before its call to Telegram) → ``sent``, ``blocked`` (403: they blocked the bot) or
``failed``. The row is keyed by (broadcast, user), so nobody is a recipient twice. After a
crash the next driver puts ``claimed`` rows back to ``pending`` (nothing was sent to them) and
turns ``sending`` rows into ``unknown``: their call was in flight, the message may or may not
have arrived, and it is never sent again. A crash costs at most the calls in flight (at the
configured rate, one or two), never a second copy. Only one instance drives a broadcast at a
time: it holds a lease on the row (``lease_owner``/``lease_until``), renewed while it works and
taken over once it lapses.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import asyncpg

Segment = Literal["all", "paying", "inactive", "language", "model"]
ButtonKind = Literal["none", "screen", "url"]
Outcome = Literal["sent", "blocked", "failed", "unknown"]
#: states of a recipient not yet done with
LEFT = ("pending", "claimed", "sending")

#: the language a user reads: chosen in the bot, else their Telegram client's (as language_of)
_LANGUAGE = (
    "coalesce(s.language, CASE WHEN u.language IS NULL OR u.language ~* '^(ru|uk|be|kk)'"
    " THEN 'ru' ELSE 'en' END)"
)

#: who may receive any broadcast: not opted out of news, not blocked by us, not blocking us
_AUDIENCE = """
SELECT u.user_id FROM users u LEFT JOIN sessions s ON s.user_id = u.user_id
 WHERE NOT u.news_opt_out AND u.bot_blocked_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.user_id = u.user_id)
"""

#: each segment's condition on ``u`` (users) and ``s`` (sessions); ``$1`` is the segment's value
_SEGMENTS: dict[str, str] = {
    "all": "$1::text IS NOT NULL",
    "paying": "$1::text IS NOT NULL AND EXISTS (SELECT 1 FROM ledger l WHERE l.user_id = u.user_id"
    " AND l.kind IN ('topup_stars', 'topup_receipt'))",
    # activity: the session's last change (every screen shown), else the first contact
    "inactive": "coalesce(s.updated_at, u.last_seen_at) < now() - make_interval(days => $1::text::int)",
    "language": f"{_LANGUAGE} = $1",
    "model": "EXISTS (SELECT 1 FROM jobs j WHERE j.user_id = u.user_id AND j.model = $1)",
}


def audience_sql(segment: str) -> str:
    return f"{_AUDIENCE} AND {_SEGMENTS[segment]}"


@dataclass(frozen=True)
class Broadcast:
    id: int
    admin_id: int
    text_html: str
    photo: str | None
    button_kind: str
    button_target: str
    button_label: str
    segment: str
    segment_value: str
    state: str
    total: int
    progress_message: int | None
    created_at: datetime


_COLUMNS = (
    "id, admin_id, text_html, photo, button_kind, button_target, button_label, segment,"
    " segment_value, state, total, progress_message, created_at"
)


def _broadcast(row: asyncpg.Record) -> Broadcast:
    return Broadcast(**dict(row))


class BroadcastStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    # ------------------------------------------------------------------ composing
    async def create(self, admin_id: int, text_html: str, photo: str | None) -> int:
        return int(
            await self.pool.fetchval(
                "INSERT INTO broadcasts (admin_id, text_html, photo) VALUES ($1, $2, $3) RETURNING id",
                admin_id,
                text_html,
                photo,
            )
        )

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self.pool.fetchrow(f"SELECT {_COLUMNS} FROM broadcasts WHERE id = $1", broadcast_id)
        return _broadcast(row) if row else None

    async def recent(self, limit: int = 20) -> list[Broadcast]:
        rows = await self.pool.fetch(f"SELECT {_COLUMNS} FROM broadcasts ORDER BY id DESC LIMIT $1", limit)
        return [_broadcast(r) for r in rows]

    async def set_button(self, broadcast_id: int, kind: ButtonKind, target: str, label: str) -> bool:
        """Only a draft changes; False when it has been sent already."""
        status = await self.pool.execute(
            "UPDATE broadcasts SET button_kind = $2, button_target = $3, button_label = $4"
            " WHERE id = $1 AND state = 'draft'",
            broadcast_id,
            kind,
            target,
            label,
        )
        return status.endswith(" 1")

    async def set_segment(self, broadcast_id: int, segment: Segment, value: str) -> bool:
        status = await self.pool.execute(
            "UPDATE broadcasts SET segment = $2, segment_value = $3 WHERE id = $1 AND state = 'draft'",
            broadcast_id,
            segment,
            value,
        )
        return status.endswith(" 1")

    async def count(self, segment: str, value: str) -> int:
        return int(await self.pool.fetchval(f"SELECT count(*) FROM ({audience_sql(segment)}) a", value))

    async def used_models(self) -> list[str]:
        rows = await self.pool.fetch("SELECT DISTINCT model FROM jobs ORDER BY model")
        return [r["model"] for r in rows]

    # ------------------------------------------------------------------ sending
    async def start(self, broadcast_id: int) -> int | None:
        """Fix the audience (one row per recipient) and hand the broadcast to the workers;
        None when it is not a draft any more (pressed twice, or by two admins)."""
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT segment, segment_value FROM broadcasts WHERE id = $1 AND state = 'draft' FOR UPDATE",
                broadcast_id,
            )
            if row is None:
                return None
            await conn.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, user_id)"
                f" SELECT $2::bigint, a.user_id FROM ({audience_sql(row['segment'])}) a"
                " ON CONFLICT DO NOTHING",
                row["segment_value"],
                broadcast_id,
            )
            total = await conn.fetchval(
                "SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = $1", broadcast_id
            )
            await conn.execute(
                "UPDATE broadcasts SET state = 'sending', total = $2, started_at = now() WHERE id = $1",
                broadcast_id,
                total,
            )
            return int(total)

    async def set_state(self, broadcast_id: int, allowed: Sequence[str], state: str) -> bool:
        """Pause, resume or stop: only from the ``allowed`` states."""
        status = await self.pool.execute(
            "UPDATE broadcasts SET state = $3,"
            " finished_at = CASE WHEN $3 IN ('stopped', 'done') THEN now() END"
            " WHERE id = $1 AND state = ANY($2::text[])",
            broadcast_id,
            list(allowed),
            state,
        )
        return status.endswith(" 1")

    async def acquire(self, owner: uuid.UUID, lease: timedelta) -> Broadcast | None:
        """Lease a broadcast to drive: one being sent that nobody holds (or whose holder's lease
        lapsed: it crashed). Its recipients left ``claimed`` are pending again; those left
        ``sending`` (a call in flight) become ``unknown``."""
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"UPDATE broadcasts SET lease_owner = $1, lease_until = now() + $2 WHERE id = ("
                " SELECT id FROM broadcasts WHERE state = 'sending'"
                "  AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $1)"
                "  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                f" RETURNING {_COLUMNS}",
                owner,
                lease,
            )
            if row is None:
                return None
            await conn.execute(
                "UPDATE broadcast_recipients SET updated_at = now(),"
                " state = CASE state WHEN 'sending' THEN 'unknown' ELSE 'pending' END"
                " WHERE broadcast_id = $1 AND state IN ('claimed', 'sending')",
                row["id"],
            )
            return _broadcast(row)

    async def renew(self, broadcast_id: int, owner: uuid.UUID, lease: timedelta) -> str | None:
        """Keep the lease; the broadcast's state now, or None when another driver has it."""
        state = await self.pool.fetchval(
            "UPDATE broadcasts SET lease_until = now() + $3"
            " WHERE id = $1 AND lease_owner = $2 RETURNING state",
            broadcast_id,
            owner,
            lease,
        )
        return str(state) if state is not None else None

    async def release(self, broadcast_id: int, owner: uuid.UUID) -> None:
        await self.pool.execute(
            "UPDATE broadcasts SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2",
            broadcast_id,
            owner,
        )

    async def claim(self, broadcast_id: int, limit: int) -> list[tuple[int, str]]:
        """The next recipients with their language, ``claimed`` by this driver."""
        rows = await self.pool.fetch(
            "WITH c AS (UPDATE broadcast_recipients SET state = 'claimed', updated_at = now()"
            "  WHERE broadcast_id = $1 AND user_id IN ("
            "   SELECT user_id FROM broadcast_recipients WHERE broadcast_id = $1 AND state = 'pending'"
            "   ORDER BY user_id LIMIT $2 FOR UPDATE SKIP LOCKED)"
            "  RETURNING user_id)"
            f" SELECT c.user_id, {_LANGUAGE} AS language FROM c"
            " LEFT JOIN users u ON u.user_id = c.user_id LEFT JOIN sessions s ON s.user_id = c.user_id"
            " ORDER BY c.user_id",
            broadcast_id,
            limit,
        )
        return [(r["user_id"], r["language"]) for r in rows]

    async def sending(self, broadcast_id: int, user_id: int, owner: uuid.UUID) -> bool:
        """Just before the call: from now on a crash makes this recipient ``unknown``. False
        when this driver's lease has lapsed (another may have taken the recipient over)."""
        status = await self.pool.execute(
            "UPDATE broadcast_recipients SET state = 'sending', updated_at = now()"
            " WHERE broadcast_id = $1 AND user_id = $2 AND state = 'claimed' AND EXISTS ("
            "  SELECT 1 FROM broadcasts WHERE id = $1 AND lease_owner = $3 AND lease_until > now())",
            broadcast_id,
            user_id,
            owner,
        )
        return status.endswith(" 1")

    async def unsent(self, broadcast_id: int, user_id: int) -> None:
        """Telegram refused the call (429): nothing arrived, the recipient is only claimed."""
        await self.pool.execute(
            "UPDATE broadcast_recipients SET state = 'claimed', updated_at = now()"
            " WHERE broadcast_id = $1 AND user_id = $2 AND state = 'sending'",
            broadcast_id,
            user_id,
        )

    async def language(self, user_id: int) -> str:
        found = await self.pool.fetchval(
            f"SELECT {_LANGUAGE} FROM users u FULL JOIN sessions s ON s.user_id = u.user_id"
            " WHERE coalesce(u.user_id, s.user_id) = $1",
            user_id,
        )
        return str(found or "ru")

    async def record(self, broadcast_id: int, outcomes: Sequence[tuple[int, Outcome, str]]) -> None:
        """What happened to each claimed recipient; users who blocked the bot are marked so."""
        if not outcomes:
            return
        users = [u for u, _, _ in outcomes]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE broadcast_recipients r SET state = o.state, error = o.error, updated_at = now()"
                " FROM unnest($2::bigint[], $3::text[], $4::text[]) AS o(user_id, state, error)"
                " WHERE r.broadcast_id = $1 AND r.user_id = o.user_id"
                " AND r.state IN ('claimed', 'sending', 'unknown')",
                broadcast_id,
                users,
                [s for _, s, _ in outcomes],
                [e[:200] for _, _, e in outcomes],
            )
            blocked = [u for u, s, _ in outcomes if s == "blocked"]
            if blocked:
                await conn.execute(
                    "UPDATE users SET bot_blocked_at = coalesce(bot_blocked_at, now())"
                    " WHERE user_id = ANY($1::bigint[])",
                    blocked,
                )

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        rows = await self.pool.fetch(
            "SELECT state, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = $1 GROUP BY state",
            broadcast_id,
        )
        return {r["state"]: int(r["n"]) for r in rows}

    async def finish(self, broadcast_id: int) -> bool:
        """Done once nobody is left to send to (a paused or stopped one stays as it is)."""
        status = await self.pool.execute(
            "UPDATE broadcasts SET state = 'done', finished_at = now(), lease_owner = NULL,"
            " lease_until = NULL WHERE id = $1 AND state = 'sending' AND NOT EXISTS ("
            "  SELECT 1 FROM broadcast_recipients WHERE broadcast_id = $1"
            "  AND state IN ('pending', 'claimed', 'sending'))",
            broadcast_id,
        )
        return status.endswith(" 1")

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self.pool.execute(
            "UPDATE broadcasts SET progress_message = $2 WHERE id = $1", broadcast_id, message_id
        )
