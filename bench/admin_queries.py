"""Every query of the admin dashboard and of the user card, timed on a big database.

100,000 users and 1,000,000 ledger rows (plus 300,000 jobs, their holds, free runs, receipts,
audit rows and one heavy user with 20,000 operations) are generated inside PostgreSQL with
``generate_series`` in a few seconds, in a throwaway database created and dropped by the run.
Each query is then run as the bot runs it (the plug-ins' own SQL, through their own code
where it is a single statement): a warm-up, then ``--reps`` runs; the median and the worst
are printed. The target is every query under 200 ms (its median: on 2 shared cores a single
run can stall behind someone else's work); the exit code is 1 if one is not. "chart: all of
it" is the four chart queries one after another, for information.

    .venv/bin/python bench/admin_queries.py [--dsn postgresql://…] [--users 100000]
        [--ledger 1000000] [--jobs 300000] [--reps 7]

DSN: --dsn, else TEST_DATABASE_URL, else an embedded server (pgserver).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file or a module

from bench.databases import server_dsn, temporary_database
from engine.storage.migrations import migrate
from plugins.admin import audit, chart, dashboard
from plugins.admin.users import Directory
from plugins.wallet.ledger import Ledger
from plugins.wallet.receipts import Receipts
from plugins.wallet.settings import SettingsStore

TARGET_MS = 200.0
FIRST_USER = 1_000_000
WHALE = 999_999  # one heavy user: the card's worst case
MODELS = [f"vendor/model-{i}" for i in range(40)]

# Triggers (balance bookkeeping, append-only guards, blocked users) are off while loading
# (session_replication_role = replica); balances are set from the ledger at the end.
LOAD = [
    (
        "users",
        """INSERT INTO users (user_id, first_name, username, language, created_at, last_seen_at)
           SELECT $1 + i, 'User ' || i, 'user_' || i, CASE WHEN i % 5 = 0 THEN 'en' ELSE 'ru' END,
                  now() - random() * interval '120 days', now() - random() * interval '40 days'
             FROM generate_series(0, $2 - 1) AS i""",
    ),
    (
        "wallets",
        "INSERT INTO wallets (user_id) SELECT user_id FROM users",
    ),
    (
        "jobs",
        """INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, free, state, settled,
                             delivered, deadline_at, created_at, finished_at, kie_credits)
           SELECT gen_random_uuid(), u, u, ($4::text[])[1 + (i % 40)], '{}', 500 + (i % 50) * 100,
                  i % 10 = 0, s, true, true, c + interval '10 minutes', c,
                  c + (5 + random() * 300) * interval '1 second', (i % 60) + 1
             FROM (SELECT i, $1 + (i::bigint * 7919) % $2 AS u,
                          CASE WHEN i % 20 = 0 THEN 'failed' WHEN i % 50 = 1 THEN 'timed_out'
                               ELSE 'succeeded' END AS s,
                          now() - random() * interval '60 days' AS c
                     FROM generate_series(0, $3 - 1) AS i) AS g""",
    ),
    (
        "holds",
        """INSERT INTO holds (job_id, user_id, amount, state, created_at, settled_at)
           SELECT id::text, user_id, price_kopecks,
                  CASE WHEN state = 'succeeded' THEN 'captured' ELSE 'released' END,
                  created_at, finished_at
             FROM jobs WHERE NOT free""",
    ),
    (
        "free_uses",
        """INSERT INTO free_uses (job_id, user_id, model_id, used_at, returned_at)
           SELECT id::text, user_id, model, created_at,
                  CASE WHEN state = 'succeeded' THEN NULL ELSE finished_at END
             FROM jobs WHERE free""",
    ),
    (
        "ledger: holds",
        """INSERT INTO ledger (user_id, amount, kind, idempotency_key, job_id, note, created_at)
           SELECT user_id, -amount, 'hold', 'hold:' || job_id, job_id, 'model', created_at FROM holds""",
    ),
    (
        "ledger: releases",
        """INSERT INTO ledger (user_id, amount, kind, idempotency_key, job_id, created_at)
           SELECT user_id, amount, 'release', 'release:' || job_id, job_id, settled_at
             FROM holds WHERE state = 'released'""",
    ),
    (
        "ledger: welcome",
        """INSERT INTO ledger (user_id, amount, kind, idempotency_key, created_at)
           SELECT user_id, 20000, 'welcome', 'welcome:' || user_id, created_at FROM users""",
    ),
    (
        "ledger: top-ups and the rest",
        """INSERT INTO ledger (user_id, amount, kind, idempotency_key, created_at)
           SELECT $1 + (i::bigint * 104729) % $2, 10000 + (i % 40) * 2500,
                  (ARRAY['topup_stars', 'topup_stars', 'topup_receipt', 'adjustment', 'refund'])[1 + i % 5],
                  'bench:' || i, now() - random() * interval '120 days'
             FROM generate_series(1, greatest($3 - (SELECT count(*) FROM ledger), 0)) AS i""",
    ),
    (
        "the heavy user",
        """WITH w AS (INSERT INTO users (user_id, first_name, username) VALUES ($1, 'Whale', 'whale')
                      RETURNING user_id),
                x AS (INSERT INTO wallets (user_id) SELECT user_id FROM w RETURNING user_id),
                j AS (INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, state,
                                        settled, delivered, deadline_at, created_at, finished_at,
                                        kie_credits)
                      SELECT gen_random_uuid(), $1, $1, 'vendor/model-1', '{}', 1000, 'succeeded',
                             true, true, now(), now() - i * interval '1 minute',
                             now() - i * interval '1 minute' + interval '30 seconds', 4
                        FROM generate_series(1, 5000) AS i RETURNING id, created_at)
           INSERT INTO ledger (user_id, amount, kind, idempotency_key, job_id, created_at)
           SELECT $1, -1000, 'hold', 'hold:' || id::text, id::text, created_at FROM j
           UNION ALL
           SELECT $1, 5000, 'topup_stars', 'whale:' || i, NULL, now() - i * interval '1 hour'
             FROM generate_series(1, 15000) AS i""",
    ),
    (
        "receipts",
        """INSERT INTO receipts (user_id, amount_kopecks, file_id, file_kind, status, decided_by,
                                 credited_kopecks, decided_at, created_at)
           SELECT $1 + (i * 31) % $2, 150000, 'file-' || i, 'photo',
                  CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'approved' END,
                  CASE WHEN i % 100 = 0 THEN NULL ELSE 9001 END,
                  CASE WHEN i % 100 = 0 THEN NULL ELSE 150000 END,
                  CASE WHEN i % 100 = 0 THEN NULL ELSE now() END, now() - random() * interval '90 days'
             FROM generate_series(1, $2 / 5) AS i""",
    ),
    (
        "admin audit",
        """INSERT INTO admin_audit (admin_id, action, target_user, subject, created_at)
           SELECT 9001, 'balance.adjust', $1 + (i * 13) % $2, 'x', now() - random() * interval '90 days'
             FROM generate_series(1, $2 / 2) AS i""",
    ),
    (
        "per-model days (the trigger is off)",
        """INSERT INTO job_model_days (day, model, runs, finished, failed)
           SELECT (created_at AT TIME ZONE 'Europe/Moscow')::date, model, count(*),
                  count(*) FILTER (WHERE state IN ('succeeded', 'failed', 'timed_out')),
                  count(*) FILTER (WHERE state IN ('failed', 'timed_out'))
             FROM jobs GROUP BY 1, 2""",
    ),
    (
        "balances",
        """UPDATE wallets w SET balance = greatest(s.total, 0)
             FROM (SELECT user_id, sum(amount) AS total FROM ledger GROUP BY user_id) s
            WHERE s.user_id = w.user_id""",
    ),
]


async def load(conn: asyncpg.Connection, users: int, ledger: int, jobs: int) -> None:
    await conn.execute("SET session_replication_role = replica")
    params: dict[str, tuple[Any, ...]] = {
        "users": (FIRST_USER, users),
        "jobs": (FIRST_USER, users, jobs, MODELS),
        "ledger: top-ups and the rest": (FIRST_USER, users, ledger),
        "the heavy user": (WHALE,),
        "receipts": (FIRST_USER, users),
        "admin audit": (FIRST_USER, users),
    }
    for name, sql in LOAD:
        started = time.perf_counter()
        await conn.execute(sql, *params.get(name, ()))
        print(f"  loaded {name:<30} {time.perf_counter() - started:6.2f} s", flush=True)
    await conn.execute("SET session_replication_role = DEFAULT")
    started = time.perf_counter()
    await conn.execute("VACUUM ANALYZE")
    print(f"  vacuum analyze                        {time.perf_counter() - started:6.2f} s", flush=True)


async def queries(pool: asyncpg.Pool) -> dict[str, Callable[[], Awaitable[object]]]:
    """Every query the dashboard and the user card run, by name."""
    now = datetime.now(UTC)
    settings = await SettingsStore(pool).load()
    directory, ledger, receipts = Directory(pool), Ledger(pool), Receipts(pool, SettingsStore(pool))
    average = FIRST_USER + 4242
    job_id = await pool.fetchval("SELECT id::text FROM jobs WHERE user_id = $1 LIMIT 1", WHALE)
    found: dict[str, Callable[[], Awaitable[object]]] = {}
    periods: tuple[dashboard.Period, ...] = ("today", "week", "month")
    for period in periods:
        since = dashboard.period_start(period, now)
        found[f"dashboard {period}: top-ups"] = partial(pool.fetchrow, dashboard._TOPUPS, since)
        found[f"dashboard {period}: spending"] = partial(pool.fetchrow, dashboard._SPENDING, since)
        found[f"dashboard {period}: people"] = partial(pool.fetchrow, dashboard._PEOPLE, since)
        found[f"dashboard {period}: Stars refunds, given away"] = partial(
            pool.fetchrow, dashboard._OTHER, since
        )
        found[f"dashboard {period}: Kie.ai credits"] = partial(pool.fetchrow, dashboard._KIE, since)
        found[f"dashboard {period}: per model"] = partial(dashboard.models, pool, since)
    first = chart.first_day(now)
    bounds = chart.midnights(first, chart.DAYS)
    for name, sql in chart.QUERIES.items():
        found[f"dashboard 30-day {name}"] = partial(pool.fetch, sql, first, bounds)
    found["dashboard month: all of it"] = lambda: dashboard.figures(
        pool, dashboard.period_start("month", now), settings
    )
    found["dashboard chart: all of it"] = lambda: chart.daily(pool, now, settings)
    for who, user in (("average", average), ("heavy", WHALE)):
        found[f"card {who}: find by id"] = partial(directory.find, str(user))
        found[f"card {who}: person"] = partial(directory.person, user)
        found[f"card {who}: facts"] = partial(directory.facts, user)
        found[f"card {who}: operations (200)"] = partial(directory.operations, user)
        found[f"card {who}: jobs (200)"] = partial(directory.jobs, user)
        found[f"card {who}: audit about the user"] = partial(audit.entries, pool, target_user=user)
        found[f"wallet {who}: operations listing (15)"] = partial(ledger.recent, user, 15)
    found["card: find by @username"] = lambda: directory.find("@user_4242")
    found["card: one job"] = lambda: directory.job(job_id)
    found["receipts: pending"] = lambda: receipts.pending()
    found["audit: everything"] = lambda: audit.entries(pool)
    return found


async def time_all(pool: asyncpg.Pool, reps: int) -> list[tuple[str, float, float]]:
    results = []
    for name, run in (await queries(pool)).items():
        await run()  # warm the cache: the bot's steady state
        times = []
        for _ in range(reps):
            started = time.perf_counter()
            await run()
            times.append((time.perf_counter() - started) * 1000)
        results.append((name, statistics.median(times), max(times)))
    return results


async def main_async(args: argparse.Namespace, dsn: str) -> int:
    async with temporary_database(dsn, "adminbench") as db:
        conn = await asyncpg.connect(db)
        try:
            await migrate(conn)
            sizes = f"{args.users:,} users, {args.ledger:,} ledger rows, {args.jobs:,} jobs"
            print(f"generating {sizes}", flush=True)
            started = time.perf_counter()
            await load(conn, args.users, args.ledger, args.jobs)
            rows = await conn.fetchval("SELECT count(*) FROM ledger")
            print(f"generated in {time.perf_counter() - started:.1f} s ({rows:,} ledger rows)\n", flush=True)
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(db, min_size=1, max_size=2)
        try:
            results = await time_all(pool, args.reps)
        finally:
            await pool.close()
    width = max(len(name) for name, _, _ in results)
    print(f"{'query':<{width}}  median ms  worst ms")
    slow = 0
    for name, median, worst in results:
        over = median > TARGET_MS and not name.endswith("all of it")
        slow += over
        print(f"{name:<{width}}  {median:9.2f}  {worst:8.2f}{'  OVER 200 ms' if over else ''}")
    print(f"\n{len(results) - slow} of {len(results)} under {TARGET_MS:.0f} ms (median of {args.reps} runs)")
    return 1 if slow else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="PostgreSQL server (default: TEST_DATABASE_URL, else embedded)")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=300_000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    with server_dsn(args.dsn) as dsn:
        return asyncio.run(main_async(args, dsn))


if __name__ == "__main__":
    sys.exit(main())
