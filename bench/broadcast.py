"""Does a broadcast hold its configured rate, with flat memory? 100,000 recipients by default.

The broadcast worker (plugins/admin/broadcast_worker.py) with its store on PostgreSQL sends to
``--users`` recipients through the local Telegram emulator, which runs in a process of its own
(so the figures below are the sender's alone). Prints the achieved rate (recipients over the
time from the first delivery to the last, as PostgreSQL recorded them) against the configured
one, the slowest and fastest 10-second windows, the sender's resident memory at 10 %, 50 % and
100 % of the way, and its peak RSS.

    .venv/bin/python bench/broadcast.py [--users 100000] [--rate 250] [--dsn postgresql://…]

At the production default of 25 messages a second 100,000 recipients take 67 minutes; the
rate only sets the pace, so a higher one measures the same code in less time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402

from bench.databases import server_dsn, temporary_database  # noqa: E402
from emulators.telegram.server import DEFAULT_TOKEN  # noqa: E402
from engine.loader.bundle import load_bundle  # noqa: E402
from engine.storage.migrations import migrate  # noqa: E402
from engine.telegram.pace import SendLimits, SendPace  # noqa: E402
from plugins.admin.broadcast_store import BroadcastStore  # noqa: E402
from plugins.admin.broadcast_worker import BroadcastWorker  # noqa: E402

ADMIN = 1  # the progress message goes to this chat
FIRST = 10_000_000  # recipients' ids start here
WINDOW = 10.0  # seconds of each window the rate is also measured over

#: the emulator in its own process, knowing every recipient
EMULATOR = """
import asyncio, sys
from emulators.telegram.server import TelegramEmulator
from emulators.telegram.state import EmulatedUser
first, count, port = (int(a) for a in sys.argv[1:4])
async def main():
    users = [EmulatedUser(1, "Admin")] + [EmulatedUser(first + i, "u") for i in range(count)]
    async with TelegramEmulator(users=users, port=port):
        await asyncio.Event().wait()
asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def start_emulator(users: int) -> tuple[asyncio.subprocess.Process, str]:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", EMULATOR, str(FIRST), str(users), str(port), cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(1200):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(base + "/"):
                    return process, base
            await asyncio.sleep(0.05)
    raise RuntimeError("the Telegram emulator did not start")


async def prepare(pool: asyncpg.Pool, users: int) -> int:
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "users", records=[(FIRST + i, "ru") for i in range(users)], columns=["user_id", "language"]
        )
    store = BroadcastStore(pool)
    broadcast = await store.create(ADMIN, "<b>Новости недели</b>: скидка 20 % на видео", None)
    assert await store.start(broadcast) == users
    return broadcast


async def measure(pool: asyncpg.Pool, base: str, users: int, rate: float) -> None:
    broadcast = await prepare(pool, users)
    bot = Bot(DEFAULT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    store = BroadcastStore(pool)
    worker = BroadcastWorker(
        store,
        bot,
        load_bundle(ROOT),
        SendPace(SendLimits(rate=None, chat_rate=None, group_per_minute=None, bulk_rate=rate)),
        idle=0.05,
        progress_every=5,
    )
    samples: dict[int, float] = {}
    baseline = rss_mb()
    task = asyncio.create_task(worker.run())
    try:
        while True:
            await asyncio.sleep(1.0)
            done = await pool.fetchval(
                "SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = $1 AND state <> 'pending'"
                " AND state <> 'claimed'",
                broadcast,
            )
            for mark in (10, 50, 100):
                if done * 100 >= users * mark and mark not in samples:
                    samples[mark] = rss_mb()
            if await pool.fetchval("SELECT state FROM broadcasts WHERE id = $1", broadcast) == "done":
                break
    finally:
        await worker.stop()
        task.cancel()
        await bot.session.close()
    await report(pool, broadcast, users, rate, baseline, samples)


async def report(
    pool: asyncpg.Pool, broadcast: int, users: int, rate: float, baseline: float, samples: dict[int, float]
) -> None:
    counts = await BroadcastStore(pool).counts(broadcast)
    stamps = [
        r["t"]
        for r in await pool.fetch(
            "SELECT extract(epoch FROM updated_at)::float8 AS t FROM broadcast_recipients"
            " WHERE broadcast_id = $1 AND state = 'sent' ORDER BY t",
            broadcast,
        )
    ]
    elapsed = stamps[-1] - stamps[0]
    achieved = (len(stamps) - 1) / elapsed if elapsed > 0 else float("nan")
    windows: list[float] = []
    start, i = stamps[0], 0
    while start + WINDOW <= stamps[-1]:
        j = i
        while j < len(stamps) and stamps[j] < start + WINDOW:
            j += 1
        windows.append((j - i) / WINDOW)
        start, i = start + WINDOW, j
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"recipients {users:,}: {counts}")
    print(f"configured rate {rate:g}/s, achieved {achieved:.2f}/s ({(achieved / rate - 1) * 100:+.2f} %)")
    print(f"over {elapsed:.1f} s from the first delivery to the last")
    if windows:
        print(f"{WINDOW:g}-second windows: slowest {min(windows):.1f}/s, fastest {max(windows):.1f}/s")
    marks = ", ".join(f"{mark} %: {mb:.1f} MB" for mark, mb in sorted(samples.items()))
    print(f"sender RSS: before {baseline:.1f} MB; {marks}; peak RSS {peak:.1f} MB")


async def one_run(dsn: str, users: int, rate: float) -> None:
    emulator, base = await start_emulator(users)
    try:
        async with temporary_database(dsn, "broadcast_bench") as db:
            conn = await asyncpg.connect(db)
            await migrate(conn)
            await conn.close()
            pool = await asyncpg.create_pool(db, min_size=2, max_size=20)
            try:
                await measure(pool, base, users, rate)
            finally:
                await pool.close()
    finally:
        emulator.terminate()
        await emulator.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=250.0, help="messages a second (production: 25)")
    parser.add_argument("--dsn")
    args = parser.parse_args()
    started = time.monotonic()
    with server_dsn(args.dsn) as dsn:
        asyncio.run(one_run(dsn, args.users, args.rate))
    print(f"whole run {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
