"""When a model's breaker trips: Kie.ai's failures, most of its recent orders, told once."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from plugins.generation.breaker import Breakers
from plugins.generation.job import Job

MODEL = "flux-2/pro-text-to-image"


async def finish(pool: asyncpg.Pool, state: str, error: str | None = None) -> Job:
    row = await pool.fetchrow(
        "INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, state, settled, delivered,"
        " deadline_at, finished_at, error_code) VALUES ($1, 7, 7, $2, '{}', 100, $3, true, true, now(),"
        " now(), $4) RETURNING *",
        uuid.uuid4(),
        MODEL,
        state,
        error,
    )
    return Job.from_row(row)


class Told:
    def __init__(self) -> None:
        self.alerts: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, key: str, params: dict[str, Any]) -> None:
        self.alerts.append((key, params))


async def test_users_mistakes_never_trip_a_model(pool: asyncpg.Pool) -> None:
    told = Told()
    breakers = Breakers(pool, alert=told)
    for _ in range(8):
        await breakers.finished(await finish(pool, "failed", "content_policy"))
        await breakers.finished(await finish(pool, "failed", "bad_input"))
    assert await breakers.refusal(MODEL) is None and told.alerts == []


async def test_failures_among_many_successes_do_not_trip(pool: asyncpg.Pool) -> None:
    breakers = Breakers(pool)
    for _ in range(12):
        await finish(pool, "succeeded")
    for _ in range(6):
        await breakers.finished(await finish(pool, "failed", "service_busy"))
    assert await breakers.refusal(MODEL) is None


async def test_mostly_failing_trips_once_and_a_success_closes(pool: asyncpg.Pool) -> None:
    told = Told()
    breakers = Breakers(pool, alert=told)
    for _ in range(7):
        await breakers.finished(await finish(pool, "timed_out", "timeout"))
    assert await breakers.refusal(MODEL) == "generation.model_paused"
    assert await breakers.refusal(MODEL, probe=True) is None  # an admin's order goes through
    assert await breakers.refusal("another/model") is None
    assert [key for key, _ in told.alerts] == ["admin.alerts.model_paused"]
    await breakers.finished(await finish(pool, "succeeded"))
    assert await breakers.refusal(MODEL) is None
