"""Shared fixtures. Tests use a real PostgreSQL: ``TEST_DATABASE_URL`` when set, otherwise an
embedded server (pgserver). Every test gets its own database cloned from a migrated template,
so tests never see each other's rows and may run beside other test runs on the same server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from engine.storage.database import with_database
from engine.storage.embedded import scratch_server
from engine.storage.migrations import migrate
from tests.support import reference

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of the full reference catalog are deselected, not skipped, where a clone has none:
    a bare clone's run has no skips, and a skip there always means something is wrong."""
    if reference.FULL.exists():
        return
    absent = [item for item in items if item.get_closest_marker("reference")]
    if absent:
        config.hook.pytest_deselected(items=absent)
        items[:] = [item for item in items if not item.get_closest_marker("reference")]


@pytest.fixture(scope="session")
def pg_server_dsn() -> Iterator[str]:
    with scratch_server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
async def template_database(pg_server_dsn: str) -> AsyncIterator[str]:
    name = f"kfb_tmpl_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        conn = await asyncpg.connect(with_database(pg_server_dsn, name))
        try:
            await migrate(conn)
        finally:
            await conn.close()
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def database_dsn(pg_server_dsn: str, template_database: str) -> AsyncIterator[str]:
    """A fresh, migrated database of this test's own."""
    name = f"kfb_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield with_database(pg_server_dsn, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def pool(database_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(database_dsn, min_size=1, max_size=20)
    try:
        yield created
    finally:
        await created.close()
