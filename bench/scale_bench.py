"""Webhook throughput and latency with 1, 2 and 4 instances behind nginx on one PostgreSQL.

Each round starts N ``python main.py`` instances in webhook mode behind a real nginx
(tests/support/fleet.py, nginx installed with apt when missing), all on one fresh database;
the local Telegram emulator posts the updates. ``--users`` people each write /start and press
four buttons (help, how it works, back, menu), each step sent once the previous one was
answered. Latency is from an update's posting to its answer being seen (the screen, and the
callback answered), with a 5 ms watch; throughput is steps answered a second.

Then, on the last fleet, the same crowd again while one more user floods the bot with
``--flood`` messages as fast as they can be posted: flood control (FLOOD_RATE, on as in
production) should keep the others' p99 within 2x of the quiet round.

The emulator and this driver share one process (and the machine's cores with the instances),
so on a small machine they are part of what is measured: the figures are honest, not ideal.
Each round also prints the CPU it cost per step, split by who spent it (the instances, this
process, PostgreSQL, nginx), and the rate the machine's cores allow at that cost: when two
instances are slower than twice one, that line says whether the bot or the machine is why.

    python bench/scale_bench.py [--users 1000] [--instances 1,2,4] [--flood 2000] [--dsn …]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu_usage import CpuMeter, pids_named  # noqa: E402
from bench.databases import server_dsn, temporary_database  # noqa: E402
from emulators.telegram import EmulatedUser, TelegramEmulator  # noqa: E402
from engine.storage.database import open_database  # noqa: E402
from tests.support.fleet import fleet, nginx_binary  # noqa: E402

FIRST_USER = 800_001
FLOODER = 799_999
STEPS = [("send", "/start"), ("press", "❓ Помощь"), ("press", "Как это работает")]
STEPS += [("press", "◀️ Назад"), ("press", "🏠 В меню")]
TICK = 0.005


class Watch:
    """One task noticing answers for every waiting user (a waiter each would cost the
    driver more than the bot)."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emulator = emulator
        self.waiting: dict[int, tuple[int, str | None, asyncio.Future[float]]] = {}
        self.answered: set[str] = set()
        self._seen = 0

    def expect(self, user: int, mark: int, query: str | None) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[user] = (mark, query, future)
        return future

    async def run(self) -> None:
        state = self.emulator.state
        while True:
            await asyncio.sleep(TICK)
            answers = state.callback_answers
            self.answered.update(a.query_id for a in answers[self._seen :])
            self._seen = len(answers)
            now = time.perf_counter()
            for user, (mark, query, future) in list(self.waiting.items()):
                if query is not None and query not in self.answered:
                    continue
                if state.bot_seq.get(user, 0) > mark:
                    del self.waiting[user]
                    future.set_result(now)


async def person(emulator: TelegramEmulator, watch: Watch, user: int, latencies: list[float]) -> None:
    for kind, what in STEPS:
        mark = emulator.mark()
        started = time.perf_counter()
        query = None
        if kind == "send":
            await emulator.send_text(user, what)
        else:
            query = await emulator.press(user, what)
        done = await asyncio.wait_for(watch.expect(user, mark, query), 120)
        latencies.append(done - started)


async def crowd_round(
    emulator: TelegramEmulator, watch: Watch, users: list[int]
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(person(emulator, watch, u, latencies) for u in users))
    return time.perf_counter() - started, latencies


async def flood(emulator: TelegramEmulator, count: int, stop: asyncio.Event) -> int:
    sent = 0
    while sent < count and not stop.is_set():
        await emulator.send_text(FLOODER, f"flood {sent}")
        sent += 1
        if sent % 50 == 0:
            await asyncio.sleep(0)
    return sent


def cpu_line(spent: dict[str, float], steps: int) -> str:
    """Who spent the round's CPU, per step, and the rate the machine's cores allow at that."""
    per_step = {name: seconds / steps * 1000 for name, seconds in spent.items()}
    total = sum(per_step.values())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    parts = ", ".join(f"{name} {ms:.2f}" for name, ms in per_step.items())
    ceiling = cores / total * 1000
    return f"{'':<26} CPU ms per step: {parts}; all {total:.2f} → at most {ceiling:.0f}/s on {cores} cores"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def line(label: str, seconds: float, latencies: list[float]) -> str:
    rate = len(latencies) / seconds
    return (
        f"{label:<26} {len(latencies):6d} steps in {seconds:6.1f} s = {rate:7.1f}/s   "
        f"p50 {pct(latencies, 0.5):7.1f} ms   p99 {pct(latencies, 0.99):8.1f} ms"
    )


async def pool_sizes(dsn: str, instances: int) -> tuple[int, int]:
    """Each instance's connections, as the README says to size them: all instances together
    stay below the server's ``max_connections`` (four instances of 2 x 10 + 10 do not fit
    a default server's 100, and the ones refused a connection fail updates)."""
    conn = await asyncpg.connect(dsn)
    try:
        limit = int(await conn.fetchval("SHOW max_connections"))
        in_use = int(await conn.fetchval("SELECT count(*) FROM pg_stat_activity"))
    finally:
        await conn.close()
    each = (limit - in_use - 5) // instances - 3  # 3: the listener, the pace share, spare
    locks = min(10, max(2, each // 3))
    pool = min(10, max(2, (each - locks) // 2))
    print(f"{'':<26} per instance: DATABASE_POOL_SIZE={pool}, WEBHOOK_LOCK_CONNECTIONS={locks}")
    return pool, locks


async def measure(server: str, size: int, users: int, flood_count: int) -> tuple[float, float, str]:
    async with temporary_database(server, f"scale{size}") as dsn:
        pool = await open_database(dsn)  # migrated once, as a deployed database is
        await pool.close()
        async with TelegramEmulator(webhook_timeout=30) as emulator:
            people = [FIRST_USER + n for n in range(users)]
            for user in [*people, FLOODER]:
                emulator.add_user(EmulatedUser(user, f"U{user}"))
            watch = Watch(emulator)
            watching = asyncio.create_task(watch.run())
            with tempfile.TemporaryDirectory() as tmp:
                pool_size, locks = await pool_sizes(dsn, size)
                async with fleet(
                    emulator,
                    dsn,
                    size,
                    Path(tmp),
                    start_timeout=300,
                    FLOOD_RATE="3",
                    DATABASE_POOL_SIZE=str(pool_size),
                    WEBHOOK_LOCK_CONNECTIONS=str(locks),
                ) as running:
                    meter = CpuMeter(
                        {
                            "instances": lambda: [i.process.pid for i in running.instances],
                            "driver+emulator": None,
                            "PostgreSQL": lambda: pids_named("postgres"),
                            "nginx": lambda: pids_named("nginx"),
                        }
                    )
                    await crowd_round(emulator, watch, people[: max(1, users // 20)])  # warm up
                    meter.start()
                    seconds, latencies = await crowd_round(emulator, watch, people)
                    print(line(f"{size} instance(s)", seconds, latencies), flush=True)
                    print(cpu_line(meter.spent(), len(latencies)), flush=True)
                    report = ""
                    if flood_count:
                        stop = asyncio.Event()
                        flooding = asyncio.create_task(flood(emulator, flood_count, stop))
                        f_seconds, f_latencies = await crowd_round(emulator, watch, people)
                        stop.set()
                        sent = await flooding
                        print(line("  … with one user's flood", f_seconds, f_latencies), flush=True)
                        ratio = pct(f_latencies, 0.99) / pct(latencies, 0.99)
                        report = (
                            f"flood of {sent} messages from one user: the others' p99 x{ratio:.2f} "
                            f"(goal ≤ 2x) on {size} instance(s)"
                        )
            watching.cancel()
            return len(latencies) / seconds, pct(latencies, 0.99), report


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--instances", default="1,2,4")
    parser.add_argument("--flood", type=int, default=2000, help="messages of the flooding user (0: none)")
    parser.add_argument("--dsn", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is needed: apt-get install -y nginx")
    sizes = [int(n) for n in args.instances.split(",")]
    load = os.getloadavg()[0]
    print(f"{args.users} users x {len(STEPS)} steps; {os.cpu_count()} cores, load average {load:.1f}")
    rates: dict[int, float] = {}
    flood_report = ""
    with server_dsn(args.dsn) as server:
        for size in sizes:
            rate, _, report = await measure(server, size, args.users, args.flood if size == sizes[-1] else 0)
            rates[size] = rate
            flood_report = report or flood_report
    if 1 in rates:
        for size in sizes[1:]:
            print(
                f"scaling 1 → {size}: x{rates[size] / rates[1]:.2f}"
                + ("  (goal ≥ 1.7x)" if size == 2 else "")
            )
    if flood_report:
        print(flood_report)


if __name__ == "__main__":
    asyncio.run(main())
