"""Reserve+capture pairs per second of the money core, beside pgbench's simple-update TPS.

A generation costs the wallet two transactions: ``reserve`` (lock the wallet, write the hold
and its ledger row, the trigger moves the balance) and ``capture`` (one UPDATE of the hold).
pgbench ``-N`` runs one transaction of three statements (UPDATE an account, SELECT it, INSERT
a history row). Both run on the same server with the same number of clients, so the ratio
says how close the money path comes to the cheapest realistic write transaction there; the
target is a ratio of at least 0.3.

The two alternate for ``--rounds`` rounds and the medians are compared, so a change in the
machine's background load hits both sides rather than one.

    .venv/bin/python bench/wallet_bench.py [--dsn postgresql://…] [--concurrency 8]
        [--pairs 4000] [--seconds 10] [--rounds 3]

DSN: --dsn, else TEST_DATABASE_URL, else an embedded server (pgserver). Two databases
(``wbench_<random>``, ``wbench_pg_<random>``) are created on it and dropped at the end.
Each client works on its own users (no artificial contention on one wallet). pgbench is
looked up on PATH, then in /usr/lib/postgresql/*/bin, then in pgserver's own binaries.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file or a module

from bench.databases import server_dsn, temporary_database
from engine.storage.migrations import migrate
from plugins.wallet import Wallet

TARGET_RATIO = 0.3
PRICE = 100
START_BALANCE = 10**12
USERS_PER_CLIENT = 16


def find_pgbench() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True):
        return candidate
    try:
        import pgserver
    except ImportError:
        return None
    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
    return str(bundled) if bundled.exists() else None


class WalletLoad:
    """The wallet side: funded users and timed reserve+capture runs."""

    def __init__(self, pool: asyncpg.Pool, concurrency: int) -> None:
        self.pool = pool
        self.wallet = Wallet(pool)
        self.concurrency = concurrency
        self.users = [
            [c * USERS_PER_CLIENT + u + 1 for u in range(USERS_PER_CLIENT)] for c in range(concurrency)
        ]
        self.done = 0

    async def fund(self) -> None:
        for user in (u for group in self.users for u in group):
            await self.wallet.credit(user, START_BALANCE, "adjustment", f"bench:{user}")

    async def _client(self, mine: list[int], count: int, latencies: list[float]) -> None:
        for i in range(count):
            job = uuid.uuid4().hex
            started = time.perf_counter()
            await self.wallet.reserve(mine[i % len(mine)], job, PRICE)
            if not await self.wallet.capture(job):
                raise AssertionError(f"capture of {job} refused")
            latencies.append((time.perf_counter() - started) * 1000)

    async def run(self, pairs: int) -> tuple[float, list[float]]:
        """Pairs per second and the per-pair latencies (ms)."""
        latencies: list[float] = []
        c = self.concurrency
        share = [pairs // c + (i < pairs % c) for i in range(c)]
        started = time.perf_counter()
        await asyncio.gather(*(self._client(self.users[i], share[i], latencies) for i in range(c)))
        elapsed = time.perf_counter() - started
        self.done += pairs
        return pairs / elapsed, latencies

    async def check_books(self) -> None:
        """After all the runs the books must balance and every pair must be captured."""
        bad = await self.pool.fetchval(
            "SELECT count(*) FROM wallets w WHERE balance <> "
            "(SELECT coalesce(sum(amount), 0) FROM ledger l WHERE l.user_id = w.user_id)"
        )
        captured = await self.pool.fetchval("SELECT count(*) FROM holds WHERE state = 'captured'")
        if bad or captured != self.done:
            raise AssertionError(f"books out of balance: {bad} wallets, {captured}/{self.done}")


def pgbench_init(pgbench: str, db: str) -> None:
    init = subprocess.run([pgbench, "-i", "-q", "-s", "1", db], capture_output=True, text=True, check=False)
    if init.returncode:
        raise RuntimeError(f"pgbench -i failed: {init.stderr.strip()}")


async def pgbench_tps(pgbench: str, db: str, concurrency: int, seconds: int) -> float:
    jobs = max(1, min(concurrency, os.cpu_count() or 1))
    # in a thread, so the event loop (and its pool) stays responsive meanwhile
    result = await asyncio.to_thread(
        subprocess.run,
        [pgbench, "-n", "-N", "-c", str(concurrency), "-j", str(jobs), "-T", str(seconds), db],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"pgbench failed: {result.stderr.strip()}")
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if match is None:
        raise RuntimeError(f"cannot read pgbench output:\n{result.stdout}")
    return float(match.group(1))


async def main_async(args: argparse.Namespace, dsn: str) -> int:
    pgbench = find_pgbench()
    server = await asyncpg.connect(dsn)
    try:
        version = await server.fetchval("SHOW server_version")
        sync = await server.fetchval("SHOW synchronous_commit")
    finally:
        await server.close()
    print(
        f"PostgreSQL {version} (synchronous_commit={sync}), {args.concurrency} clients, {os.cpu_count()} CPUs"
    )
    if pgbench is None:
        print(
            "pgbench not found: install postgresql-contrib (or postgresql-client-<version>);"
            " measuring the wallet alone"
        )
    async with (
        temporary_database(dsn, "wbench") as wallet_db,
        temporary_database(dsn, "wbench_pg") as pgbench_db,
    ):
        conn = await asyncpg.connect(wallet_db)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        if pgbench:
            pgbench_init(pgbench, pgbench_db)
        pool = await asyncpg.create_pool(wallet_db, min_size=args.concurrency, max_size=args.concurrency)
        try:
            load = WalletLoad(pool, args.concurrency)
            await load.fund()
            await load.run(min(args.pairs // 10, 500))  # warm-up: connections, plans, caches
            rates: list[float] = []
            latencies: list[float] = []
            tps: list[float] = []
            for round_ in range(1, args.rounds + 1):
                rate, lat = await load.run(args.pairs)
                rates.append(rate)
                latencies += lat
                line = f"round {round_}: wallet {rate:,.0f} pairs/s"
                if pgbench:
                    tps.append(await pgbench_tps(pgbench, pgbench_db, args.concurrency, args.seconds))
                    line += f", pgbench {tps[-1]:,.0f} TPS, ratio {rate / tps[-1]:.2f}"
                print(line, flush=True)
            await load.check_books()
        finally:
            await pool.close()

    ordered = sorted(latencies)
    p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)]
    rate = statistics.median(rates)
    print(
        f"wallet reserve+capture: {rate:,.0f} pairs/s (median of {args.rounds} x {args.pairs}"
        f" pairs; latency p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms)"
    )
    if not tps:
        return 2
    median_tps = statistics.median(tps)
    print(
        f"pgbench -N simple-update ({pgbench}): {median_tps:,.0f} TPS"
        f" (median of {args.rounds} x {args.seconds} s)"
    )
    ratio = rate / median_tps
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"ratio wallet pairs/s / pgbench TPS = {ratio:.2f} ({verdict} the {TARGET_RATIO} target)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="PostgreSQL server (default: TEST_DATABASE_URL, else embedded)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--seconds", type=int, default=10, help="pgbench run time per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with server_dsn(args.dsn) as dsn:
        return asyncio.run(main_async(args, dsn))


if __name__ == "__main__":
    sys.exit(main())
