"""Reserve+capture pairs per second of the money core, beside pgbench's simple-update TPS.

A generation costs the wallet two transactions: ``reserve`` (lock the wallet, write the hold
and its ledger row, the trigger moves the balance) and ``capture`` (one UPDATE of the hold).
pgbench ``-N`` runs one transaction of three statements (UPDATE an account, SELECT it, INSERT
a history row). Both run on the same server with the same number of clients, so the ratio
says how close the money path comes to the cheapest realistic write transaction there; the
target is a ratio of at least 0.3.

    .venv/bin/python bench/wallet_bench.py [--dsn postgresql://…] [--concurrency 8]
        [--pairs 4000] [--seconds 10]

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
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from engine.plugins.wallet import Wallet
from engine.storage.migrations import migrate

TARGET_RATIO = 0.3
PRICE = 100
START_BALANCE = 10**12
USERS_PER_CLIENT = 16


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


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


async def wallet_pairs(dsn: str, concurrency: int, pairs: int) -> tuple[float, list[float]]:
    """Pairs per second and the per-pair latencies (ms) of the timed run."""
    async with temporary_database(dsn, "wbench") as db:
        conn = await asyncpg.connect(db)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(db, min_size=concurrency, max_size=concurrency)
        try:
            wallet = Wallet(pool)
            users = [[c * USERS_PER_CLIENT + u + 1 for u in range(USERS_PER_CLIENT)]
                     for c in range(concurrency)]
            for user in (u for group in users for u in group):
                await wallet.credit(user, START_BALANCE, "adjustment", f"bench:{user}")

            async def client(mine: list[int], count: int, latencies: list[float]) -> None:
                for i in range(count):
                    job = uuid.uuid4().hex
                    started = time.perf_counter()
                    await wallet.reserve(mine[i % len(mine)], job, PRICE)
                    if not await wallet.capture(job):
                        raise AssertionError(f"capture of {job} refused")
                    latencies.append((time.perf_counter() - started) * 1000)

            async def run(total: int) -> tuple[float, list[float]]:
                latencies: list[float] = []
                share = [total // concurrency + (c < total % concurrency)
                         for c in range(concurrency)]
                started = time.perf_counter()
                await asyncio.gather(*(client(users[c], share[c], latencies)
                                       for c in range(concurrency)))
                return time.perf_counter() - started, latencies

            await run(min(pairs // 10, 500))  # warm-up: connections, plans, caches
            elapsed, latencies = await run(pairs)

            # the books must still balance after the run
            bad = await pool.fetchval(
                "SELECT count(*) FROM wallets w WHERE balance <> "
                "(SELECT coalesce(sum(amount), 0) FROM ledger l WHERE l.user_id = w.user_id)")
            captured = await pool.fetchval("SELECT count(*) FROM holds WHERE state = 'captured'")
            if bad or captured != pairs + min(pairs // 10, 500):
                raise AssertionError(f"books out of balance: {bad} wallets, {captured} captured")
            return pairs / elapsed, latencies
        finally:
            await pool.close()


async def pgbench_tps(dsn: str, pgbench: str, concurrency: int, seconds: int) -> float:
    async with temporary_database(dsn, "wbench_pg") as db:
        init = subprocess.run([pgbench, "-i", "-q", "-s", "1", db], capture_output=True, text=True,
                              check=False)
        if init.returncode:
            raise RuntimeError(f"pgbench -i failed: {init.stderr.strip()}")
        jobs = max(1, min(concurrency, os.cpu_count() or 1))
        # run in a thread: the event loop stays free while pgbench works
        result = await asyncio.to_thread(
            subprocess.run,
            [pgbench, "-n", "-N", "-c", str(concurrency), "-j", str(jobs), "-T", str(seconds), db],
            capture_output=True, text=True, check=False)
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
    print(f"PostgreSQL {version} (synchronous_commit={sync}), {args.concurrency} clients,"
          f" {os.cpu_count()} CPUs")

    rate, latencies = await wallet_pairs(dsn, args.concurrency, args.pairs)
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(f"wallet reserve+capture: {rate:,.0f} pairs/s over {args.pairs} pairs"
          f" (latency p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms)")
    if pgbench is None:
        print("pgbench not found: install postgresql-contrib (or postgresql-client-<version>)"
              " to compare; no ratio computed")
        return 2
    tps = await pgbench_tps(dsn, pgbench, args.concurrency, args.seconds)
    print(f"pgbench -N simple-update ({pgbench}): {tps:,.0f} TPS over {args.seconds} s")
    ratio = rate / tps
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"ratio wallet pairs/s ÷ pgbench TPS = {ratio:.2f} ({verdict} the {TARGET_RATIO} target)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="PostgreSQL server (default: TEST_DATABASE_URL, else embedded)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--seconds", type=int, default=10, help="pgbench run time")
    args = parser.parse_args()
    with server_dsn(args.dsn) as dsn:
        return asyncio.run(main_async(args, dsn))


if __name__ == "__main__":
    sys.exit(main())
