"""What the finding plug-in keeps and reads in PostgreSQL: starred models, recent runs."""

from __future__ import annotations

import uuid

import asyncpg


class FindingStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def favourites(self, user_id: int) -> list[str]:
        """Starred models, the newest star first."""
        rows = await self.pool.fetch(
            "SELECT model FROM favourite_models WHERE user_id = $1 ORDER BY created_at DESC, model",
            user_id,
        )
        return [r["model"] for r in rows]

    async def is_favourite(self, user_id: int, model: str) -> bool:
        return bool(
            await self.pool.fetchval(
                "SELECT 1 FROM favourite_models WHERE user_id = $1 AND model = $2", user_id, model
            )
        )

    async def toggle(self, user_id: int, model: str) -> bool:
        """Star the model, or unstar it if it was starred; returns whether it is starred now.
        One statement each way, so a double tap can never leave two rows."""
        async with self.pool.acquire() as conn, conn.transaction():
            removed = await conn.fetchval(
                "DELETE FROM favourite_models WHERE user_id = $1 AND model = $2 RETURNING 1", user_id, model
            )
            if removed:
                return False
            await conn.execute(
                "INSERT INTO favourite_models (user_id, model) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                user_id,
                model,
            )
            return True

    async def recent(self, user_id: int, limit: int = 20) -> list[tuple[str, str | None]]:
        """(model, recipe) pairs of the user's latest jobs, each pair once, the newest first."""
        rows = await self.pool.fetch(
            "SELECT model, recipe, max(created_at) AS last FROM jobs WHERE user_id = $1"
            " GROUP BY model, recipe ORDER BY last DESC LIMIT $2",
            user_id,
            limit,
        )
        return [(r["model"], r["recipe"]) for r in rows]

    async def job_recipe(self, user_id: int, job_id: str) -> str | None:
        """The recipe the user's job was run from; none for another user's job or a bad id."""
        try:
            key = uuid.UUID(job_id)
        except ValueError:
            return None
        recipe = await self.pool.fetchval(
            "SELECT recipe FROM jobs WHERE id = $1 AND user_id = $2", key, user_id
        )
        return str(recipe) if recipe is not None else None
