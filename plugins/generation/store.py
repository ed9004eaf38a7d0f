"""Jobs in PostgreSQL: creation together with its money, leasing, guarded state moves.

Every state move is an UPDATE guarded by the state it leaves, so two instances, a poll and a
callback, or a retry after a crash can never move one job twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from engine.storage.connection import Connection
from plugins.generation.job import ACTIVE, JSON_COLUMNS, Job, JobState

Reserve = Callable[[Connection, str], Awaitable[Any]]


class JobStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def create(
        self,
        *,
        user_id: int,
        chat_id: int,
        language: str,
        model: str,
        category: str,
        values: dict[str, Any],
        price_kopecks: int,
        free: bool,
        timeout: timedelta,
        reserve: Reserve,
        kie_credits: Decimal | None = None,
        recipe: str | None = None,
        job_id: uuid.UUID | None = None,
    ) -> Job:
        """Insert the job and pay for it in one transaction: both happen or neither.

        ``kie_credits`` is what Kie.ai charges for it, kept for the admin dashboard's cost;
        ``recipe`` the recipe it was run from (recent runs, the job's card).
        ``job_id`` given (derived from the update that ordered it): a job with that id made
        already — the same update handled again after a crash — is returned as it is, and
        nothing is paid twice.
        """
        job_id = job_id or uuid.uuid4()
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO jobs (id, user_id, chat_id, language, model, category, input,"
                " price_kopecks, free, deadline_at, kie_credits, recipe)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, now() + $10::interval, $11, $12)"
                " ON CONFLICT (id) DO NOTHING RETURNING *",
                job_id,
                user_id,
                chat_id,
                language,
                model,
                category,
                json.dumps(values),
                price_kopecks,
                free,
                timeout,
                kie_credits,
                recipe,
            )
            if row is None:  # ordered before by this very update
                row = await conn.fetchrow("SELECT * FROM jobs WHERE id = $1", job_id)
                assert row is not None  # the conflict was with it, and jobs are never deleted
                return Job.from_row(row)
            await reserve(conn, str(job_id))
        return Job.from_row(row)

    async def get(self, job_id: uuid.UUID | str) -> Job | None:
        row = await self.pool.fetchrow("SELECT * FROM jobs WHERE id = $1", uuid.UUID(str(job_id)))
        return Job.from_row(row) if row else None

    async def by_task(self, task_id: str) -> Job | None:
        row = await self.pool.fetchrow("SELECT * FROM jobs WHERE kie_task_id = $1", task_id)
        return Job.from_row(row) if row else None

    async def lease(self, limit: int, lease: timedelta, owner: uuid.UUID) -> list[Job]:
        """Take up to ``limit`` due jobs for ``lease`` as ``owner``; other instances skip them
        until the lease lapses (the owner renews it while it works, see ``renew_lease``)."""
        rows = await self.pool.fetch(
            "WITH due AS (SELECT id FROM jobs"
            "  WHERE (state IN ('created', 'submitting', 'submitted', 'running')"
            "         OR NOT settled OR NOT delivered)"
            "    AND next_run_at <= now() AND (lease_until IS NULL OR lease_until < now())"
            "  ORDER BY next_run_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            " UPDATE jobs SET lease_until = now() + $2::interval, lease_owner = $3"
            " FROM due WHERE jobs.id = due.id"
            " RETURNING jobs.*",
            limit,
            lease,
            owner,
        )
        return [Job.from_row(r) for r in rows]

    async def renew_lease(self, job_id: uuid.UUID, owner: uuid.UUID, lease: timedelta) -> bool:
        """Extend ``owner``'s lease by ``lease`` from now; False when another holds the job."""
        status = await self.pool.execute(
            "UPDATE jobs SET lease_until = now() + $3::interval WHERE id = $1 AND lease_owner = $2",
            job_id,
            owner,
            lease,
        )
        return status.endswith(" 1")

    async def release_lease(
        self, job_id: uuid.UUID, owner: uuid.UUID, next_run_at: datetime, leased_at: datetime | None = None
    ) -> bool:
        """Give the job back, due at ``next_run_at``; nothing when ``owner`` no longer holds it
        (its lease lapsed and another took the job: that one says when it is due).

        ``leased_at``: the job's ``next_run_at`` when it was leased. If it changed meanwhile,
        someone asked for the job during the step (``due_now``: its task called back, a user
        cancelled), and the earlier of the two times is kept: a step that planned its next
        look in 30 s never hides a callback that came while it ran."""
        status = await self.pool.execute(
            "UPDATE jobs SET lease_until = NULL, lease_owner = NULL, updated_at = now(),"
            " next_run_at = CASE WHEN $4::timestamptz IS NOT NULL AND next_run_at IS DISTINCT FROM $4"
            "   THEN LEAST(next_run_at, $3) ELSE $3 END"
            " WHERE id = $1 AND lease_owner = $2",
            job_id,
            owner,
            next_run_at,
            leased_at,
        )
        return status.endswith(" 1")

    async def due_now(self, job_id: uuid.UUID) -> None:
        await self.pool.execute("UPDATE jobs SET next_run_at = now() WHERE id = $1", job_id)

    async def move(
        self, job_id: uuid.UUID, from_states: frozenset[JobState] | set[JobState], to: JobState, **fields: Any
    ) -> Job | None:
        """Move to ``to`` only from one of ``from_states``; None when the job was elsewhere."""
        sets, values = (
            ["state = $3", "updated_at = now()"],
            [job_id, [s.value for s in from_states], to.value],
        )
        if to.terminal:
            sets.append("finished_at = now()")
        for name, value in fields.items():
            values.append(json.dumps(value) if name in JSON_COLUMNS else value)
            cast = "::jsonb" if name in JSON_COLUMNS else ""
            sets.append(f"{name} = ${len(values)}{cast}")
        row = await self.pool.fetchrow(
            f"UPDATE jobs SET {', '.join(sets)} WHERE id = $1 AND state = ANY($2::text[]) RETURNING *",
            *values,
        )
        return Job.from_row(row) if row else None

    async def note(self, job_id: uuid.UUID, **fields: Any) -> None:
        """Record bookkeeping fields (attempts, polls, status message) without a state move."""
        sets, values = ["updated_at = now()"], [job_id]
        for name, value in fields.items():
            values.append(value)
            sets.append(f"{name} = ${len(values)}")
        await self.pool.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = $1", *values)

    async def note_input(self, job_id: uuid.UUID, kie_input: dict[str, Any]) -> None:
        """Keep the prepared input, so a retried submit does not upload the files again."""
        await self.pool.execute(
            "UPDATE jobs SET kie_input = $2::jsonb WHERE id = $1", job_id, json.dumps(kie_input)
        )

    async def settle(self, job: Job, money: Callable[[Connection], Awaitable[Any]]) -> bool:
        """Capture or release the job's money and mark it settled, in one transaction, once."""
        async with self.pool.acquire() as conn, conn.transaction():
            settled = await conn.fetchval("SELECT settled FROM jobs WHERE id = $1 FOR UPDATE", job.id)
            if settled:
                return False
            await money(conn)
            await conn.execute("UPDATE jobs SET settled = true, updated_at = now() WHERE id = $1", job.id)
        return True

    async def mark_delivered(self, job_id: uuid.UUID) -> bool:
        status = await self.pool.execute(
            "UPDATE jobs SET delivered = true, updated_at = now() WHERE id = $1 AND NOT delivered", job_id
        )
        return status.endswith(" 1")

    async def cancel(self, job_id: uuid.UUID, user_id: int) -> Job | None:
        """A user's cancel: possible only while Kie.ai has not accepted the task."""
        row = await self.pool.fetchrow(
            "UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(),"
            " next_run_at = now(), error_code = 'cancelled'"
            " WHERE id = $1 AND user_id = $2 AND state = 'created' RETURNING *",
            job_id,
            user_id,
        )
        return Job.from_row(row) if row else None

    async def models_of(self, job_ids: list[str]) -> dict[str, str]:
        """The model of each job, keyed by the id as given (the ledger's text form)."""
        keys = {}
        for job_id in job_ids:
            try:
                keys[uuid.UUID(job_id)] = job_id
            except ValueError:
                continue
        rows = await self.pool.fetch("SELECT id, model FROM jobs WHERE id = ANY($1::uuid[])", list(keys))
        return {keys[r["id"]]: r["model"] for r in rows}

    async def history(self, user_id: int, limit: int = 50) -> list[Job]:
        rows = await self.pool.fetch(
            "SELECT * FROM jobs WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2", user_id, limit
        )
        return [Job.from_row(r) for r in rows]

    async def active_count(self) -> int:
        return int(
            await self.pool.fetchval(
                "SELECT count(*) FROM jobs WHERE state = ANY($1::text[])", [s.value for s in ACTIVE]
            )
        )
