"""Numbered SQL migrations, applied once each at start-up under an advisory lock.

Files are ``NNNN_name.sql`` in ``migrations/``; each runs in its own transaction together
with its row in ``schema_migrations``, so a crash leaves it wholly applied or not at all.
Migrations only add: a file that drops or rewrites data does not belong here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from engine.storage.connection import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
LOCK_KEY = 0x4B1E_F10E  # advisory lock id shared by every instance of the bot
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def discover(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: dict[int, Migration] = {}
    for file in sorted(folder.glob("*.sql")):
        match = _NAME.match(file.name)
        if not match:
            raise ValueError(f"migration file name {file.name!r} is not NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise ValueError(f"two migrations numbered {version:04d}")
        found[version] = Migration(version, match.group(2), file.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


async def migrate(conn: Connection, folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply what is missing; returns the versions applied now."""
    applied_now: list[int] = []
    await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for migration in discover(folder):
            if migration.version in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            applied_now.append(migration.version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    return applied_now
