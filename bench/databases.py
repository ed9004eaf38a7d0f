"""Where benchmarks get PostgreSQL: the server named (or TEST_DATABASE_URL), else an embedded
one; each run works in a temporary database of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg

from engine.storage.database import with_database


@contextmanager
def server_dsn(explicit: str | None) -> Iterator[str]:
    dsn = explicit or os.environ.get("TEST_DATABASE_URL")
    if dsn:
        yield dsn
        return
    from engine.storage.embedded import start_embedded

    folder = Path(tempfile.mkdtemp(prefix="wbench-pg-"))
    dsn, server = start_embedded(folder / "data")
    try:
        yield dsn
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


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
