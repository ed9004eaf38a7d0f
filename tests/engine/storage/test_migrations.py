from pathlib import Path

import asyncpg
import pytest

from engine.storage.migrations import discover, migrate


async def test_a_fresh_database_gets_every_migration_once(database_dsn: str) -> None:
    conn = await asyncpg.connect(database_dsn)
    try:
        # the template already ran them: running again applies nothing and loses nothing
        await conn.execute("INSERT INTO users (user_id, first_name) VALUES (1, 'Ann')")
        assert await migrate(conn) == []
        assert await conn.fetchval("SELECT first_name FROM users WHERE user_id = 1") == "Ann"
        versions = [r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")]
        assert versions == [m.version for m in discover()]
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_nothing_half_applied(database_dsn: str, tmp_path: Path) -> None:
    (tmp_path / "0001_good.sql").write_text("CREATE TABLE good (id int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE half (id int); SELECT no_such_function();")
    conn = await asyncpg.connect(database_dsn)
    try:
        await conn.execute("DROP TABLE schema_migrations")
        with pytest.raises(asyncpg.UndefinedFunctionError):
            await migrate(conn, tmp_path)
        assert await conn.fetchval("SELECT to_regclass('good')") == "good"
        assert await conn.fetchval("SELECT to_regclass('half')") is None
        assert await conn.fetchval("SELECT max(version) FROM schema_migrations") == 1
    finally:
        await conn.close()


def test_migration_files_are_numbered_and_never_drop() -> None:
    migrations = discover()
    assert [m.version for m in migrations] == sorted({m.version for m in migrations})
    for migration in migrations:
        assert "drop table" not in migration.sql.lower(), migration.name
