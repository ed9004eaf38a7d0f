"""Operating the bot: health and metrics over HTTP, start-up refusing bad configuration."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import aiohttp
import asyncpg
from aiohttp import web

from app.bot import Readiness, health_app, load_checked_bundle
from app.metrics import Metrics
from engine.plugin import PluginSet
from engine.runtime.interpreter import Runtime
from engine.runtime.pg_sessions import PgSessionStore
from plugins.user import UserPlugin
from tests.conftest import PROJECT_ROOT
from tests.support.messenger import RecordingMessenger


async def test_health_readiness_and_metrics(pool: asyncpg.Pool) -> None:
    bundle = load_checked_bundle()
    runtime = Runtime(bundle, PluginSet.of([UserPlugin()]), PgSessionStore(pool), RecordingMessenger())
    runtime.stats["updates"] += 3
    metrics, readiness = Metrics(), Readiness()
    metrics.watch_engine(lambda: runtime.stats)
    runner = web.AppRunner(health_app(pool, runtime, metrics, readiness))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/health") as response:
                assert response.status == 200 and (await response.json())["status"] == "ok"
            async with http.get(f"{base}/ready") as response:
                assert response.status == 200 and (await response.json())["status"] == "ready"
            async with http.get(f"{base}/metrics") as response:
                assert response.headers["Content-Type"].startswith("text/plain; version=")
                assert 'bot_engine_events_total{event="updates"} 3.0' in await response.text()
            readiness.accepting = False  # shutting down: no more traffic, still alive
            async with http.get(f"{base}/ready") as response:
                assert response.status == 503 and (await response.json())["status"] == "draining"
            readiness.accepting = True
            await pool.close()  # the database goes away: not ready, but the process lives
            async with http.get(f"{base}/ready") as response:
                assert response.status == 503 and (await response.json())["status"] == "unready"
            async with http.get(f"{base}/health") as response:
                assert response.status == 200
    finally:
        await runner.cleanup()


def test_bad_configuration_stops_start_up_with_one_line_per_problem() -> None:
    env = {**os.environ, "ADMIN_IDS": "1,bob", "TELEGRAM_BOT_TOKEN": "oops-secret-value", "LOG_LEVEL": "LOUD"}
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3, result.stderr
    assert "oops-secret-value" not in result.stderr and "Traceback" not in result.stderr


async def test_losing_the_polling_lock_is_noticed(database_dsn: str) -> None:
    from app.bot import POLLING_LOCK, hold_polling_lock, watch_polling_lock

    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=3)
    try:
        conn = await hold_polling_lock(pool)
        other = await pool.acquire()
        assert not await other.fetchval("SELECT pg_try_advisory_lock($1)", POLLING_LOCK)
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        await other.execute("SELECT pg_terminate_backend($1)", pid)  # the lock holder dies
        await asyncio.wait_for(watch_polling_lock(conn, every=0.05), timeout=5)
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", POLLING_LOCK)
        await pool.release(other)
    finally:
        pool.terminate()


def test_a_real_bot_without_a_kie_key_refuses_to_start(database_dsn: str) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
        "DATABASE_URL": database_dsn,
        "HTTP_PORT": "0",
    }
    env.pop("KIE_API_KEY", None)
    env.pop("KIE_SANDBOX", None)
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "KIE_API_KEY is not set" in result.stderr and "Traceback" not in result.stderr
