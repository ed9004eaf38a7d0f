"""How many generation jobs one instance keeps in flight, and what the runner adds per job.

The job runner in this process; the Kie.ai sandbox (2 s latency) and the Telegram emulator
(results are really delivered) each in a process of their own, as Kie.ai and Telegram would
be; PostgreSQL from TEST_DATABASE_URL, --dsn or an embedded server. N paid jobs are created
at once; the figures:

- peak in flight: jobs submitted to Kie.ai and not yet finished, at one moment (target ≥ 500);
- added latency: job finished in our database − task finished in the sandbox, with the
  production poll policy (2 s polls at first) and polling every 0.1 s, under the full load
  and under a light one (20 jobs): with 0.1 s polls and light load it is the runner's own
  overhead per poll; under full load it is the instance's queueing.

    python bench/jobs_bench.py [--jobs 600] [--dsn DSN]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import aiohttp
import asyncpg
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import server_dsn, temporary_database
from emulators.telegram.server import DEFAULT_TOKEN
from engine.loader.bundle import Bundle, load_bundle
from engine.storage.connection import Connection
from engine.storage.migrations import migrate
from engine.telegram.files import TelegramFiles
from plugins.generation.delivery import Delivery
from plugins.generation.inputs import InputBuilder
from plugins.generation.plugin import money_settlers
from plugins.generation.runner import JobRunner
from plugins.generation.store import JobStore
from plugins.generation.timing import poll_delay
from plugins.integrations.kie.client import KieClient
from plugins.integrations.public_fetch import AddressPolicy, PublicFetcher
from plugins.wallet.service import Wallet

ROOT = Path(__file__).resolve().parent.parent
USERS = 1001, 1002, 9001  # the emulator's users: results go to real chats
MODEL = "qwen2/text-to-image"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _serve(module: str, *args: str) -> tuple[asyncio.subprocess.Process, str]:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--port",
        str(port),
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(base + "/"):
                    return process, base
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{module} did not start")


async def job_counts(pool: asyncpg.Pool) -> dict[str, int]:
    """How many jobs are in each state."""
    rows = await pool.fetch("SELECT state, count(*) FROM jobs GROUP BY state")
    return {row["state"]: row["count"] for row in rows}


async def one_run(dsn: str, jobs: int, poll: Callable[[float], float], label: str) -> None:
    bundle = load_bundle(ROOT)
    kie, kie_url = await _serve("emulators.kie", "--latency", "2", "--credits", "1e9")
    telegram, telegram_url = await _serve("emulators.telegram", "--token", DEFAULT_TOKEN)
    try:
        async with temporary_database(dsn, "jobs_bench") as db:
            conn = await asyncpg.connect(db)
            await migrate(conn)
            await conn.close()
            pool = await asyncpg.create_pool(db, min_size=4, max_size=30)
            try:
                await _run(pool, bundle, kie_url, telegram_url, jobs, poll, label)
            finally:
                await pool.close()
    finally:
        for process in (kie, telegram):
            process.terminate()
            await process.wait()


async def _run(
    pool: asyncpg.Pool,
    bundle: Bundle,
    kie_url: str,
    telegram_url: str,
    jobs: int,
    poll: Callable[[float], float],
    label: str,
) -> None:
    bot = Bot(DEFAULT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(telegram_url)))
    client = KieClient("sandbox-key", base_url=kie_url, upload_url=kie_url)
    wallet, store = Wallet(pool), JobStore(pool)
    for user in USERS:
        await wallet.credit(user, 10**9, "adjustment", f"bench-{user}")

    on_success, on_failure = money_settlers(wallet)
    fetcher = PublicFetcher(AddressPolicy.allowing(kie_url))  # the sandbox's results only
    runner = JobRunner(
        store,
        client,
        InputBuilder(TelegramFiles(bot), client),
        Delivery(bot, client, bundle, fetcher),
        bundle,
        settle_success=on_success,
        settle_failure=on_failure,
        concurrency=1000,
        batch=250,
        idle_sleep=0.05,
        poll_delay=poll,
    )
    for index in range(jobs):
        user = USERS[index % len(USERS)]

        async def pay(c: Connection, job_id: str, u: int = user) -> None:
            await wallet.reserve(u, job_id, 100, conn=c)

        await store.create(
            user_id=user,
            chat_id=user,
            language="ru",
            model=MODEL,
            category="text-to-image",
            values={"prompt": f"bench {index}"},
            price_kopecks=100,
            free=False,
            timeout=timedelta(minutes=10),
            reserve=pay,
        )
    started = time.perf_counter()
    task = asyncio.create_task(runner.run())
    peak = 0
    while True:
        counts = await job_counts(pool)
        peak = max(peak, counts.get("submitted", 0) + counts.get("running", 0))
        if await pool.fetchval("SELECT count(*) FROM jobs WHERE delivered") == jobs:
            break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    await runner.stop()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    added = []
    for row in await pool.fetch("SELECT kie_task_id, finished_at FROM jobs"):
        record = await client.record_info(row["kie_task_id"])
        if record.complete_time is not None:
            added.append((row["finished_at"] - record.complete_time).total_seconds())
    states = await job_counts(pool)
    await client.close()
    await fetcher.close()
    await bot.session.close()
    added.sort()
    print(
        f"{label}: {jobs} jobs done in {elapsed:5.1f} s | peak in flight {peak} "
        f"(target >= 500) | added latency mean {statistics.mean(added):.2f} s, "
        f"p50 {added[len(added) // 2]:.2f} s, p95 {added[int(len(added) * 0.95)]:.2f} s | "
        f"{states}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=600)
    parser.add_argument("--dsn")
    args = parser.parse_args()
    with server_dsn(args.dsn) as dsn:
        asyncio.run(one_run(dsn, args.jobs, poll_delay, "production polls       "))
        asyncio.run(one_run(dsn, args.jobs, lambda elapsed: 0.1, "0.1 s polls            "))
        # few jobs: what one poll cycle costs when the instance is not saturated
        asyncio.run(one_run(dsn, 20, lambda elapsed: 0.1, "0.1 s polls, light load"))


if __name__ == "__main__":
    main()
