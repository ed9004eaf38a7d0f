"""Where benchmarks get PostgreSQL: the server named (or TEST_DATABASE_URL), else an embedded
one; each run works in a temporary database of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager

import asyncpg

from engine.storage.database import with_database
from engine.storage.embedded import scratch_server


def server_dsn(explicit: str | None) -> AbstractContextManager[str]:
    return scratch_server(explicit)


@asynccontextmanager
async def temporary_database(dsn: str, prefix: str) -> AsyncIterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield with_database(dsn, name)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
