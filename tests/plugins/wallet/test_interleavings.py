"""1,000 seeded random money events — reserve, capture, release, duplicates of earlier events,
and events whose caller transaction fails after the money call — run concurrently in batches
over many users and jobs. Whatever the interleaving, no kopeck may appear or vanish."""

import asyncio
import random
from collections import Counter
from dataclasses import dataclass

import asyncpg

from plugins.wallet import Hold, HoldConflict, InsufficientFunds, Wallet
from tests.plugins.wallet.books import assert_books_balance

SEED = 20240917
EVENTS = 1_000
BATCH = 25
USERS = 12
JOBS = 160


class Injected(Exception):
    """The caller's own work failed after the money call; its transaction rolls back."""


@dataclass(frozen=True)
class Event:
    op: str  # reserve | capture | release
    job: str
    inject: bool  # run in a caller transaction that then fails


@dataclass
class Outcome:
    event: Event
    committed: bool
    result: object


async def _run(
    wallet: Wallet, pool: asyncpg.Pool, event: Event, owner: dict[str, tuple[int, int]]
) -> Outcome:
    user, amount = owner[event.job]

    async def call(conn: asyncpg.Connection | None) -> object:
        if event.op == "reserve":
            try:
                return await wallet.reserve(user, event.job, amount, conn=conn)
            except InsufficientFunds as exc:
                assert 0 <= exc.balance < amount and exc.needed == amount
                return exc
        if event.op == "capture":
            return await wallet.capture(event.job, conn=conn)
        return await wallet.release(event.job, "failed", conn=conn)

    if not event.inject:
        return Outcome(event, True, await call(None))
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                result = await call(conn)
                raise Injected
        except Injected:
            return Outcome(event, False, result)


def _events(rng: random.Random) -> list[Event]:
    events: list[Event] = []
    for _ in range(EVENTS):
        if events and rng.random() < 0.15:
            events.append(rng.choice(events))  # a redelivered / retried event
            continue
        op = rng.choices(["reserve", "capture", "release"], weights=[45, 30, 25])[0]
        events.append(Event(op, f"job-{rng.randrange(JOBS)}", rng.random() < 0.12))
    return events


async def test_random_interleavings_neither_lose_nor_invent_money(wallet: Wallet, pool: asyncpg.Pool) -> None:
    rng = random.Random(SEED)
    initial = {u: rng.randrange(500, 3_000) for u in range(1, USERS + 1)}
    for user, amount in initial.items():
        await wallet.credit(user, amount, "adjustment", f"initial:{user}")
    owner = {f"job-{j}": (rng.randrange(1, USERS + 1), rng.randrange(50, 700)) for j in range(JOBS)}
    events = _events(rng)

    outcomes: list[Outcome] = []
    for start in range(0, len(events), BATCH):
        batch = events[start : start + BATCH]
        outcomes += await asyncio.gather(*(_run(wallet, pool, e, owner) for e in batch))

    # the books balance, per wallet, and match the holds
    balances = await assert_books_balance(pool)
    holds = {r["job_id"]: r for r in await pool.fetch("SELECT * FROM holds")}
    for user, start_amount in initial.items():
        kept = sum(
            h["amount"] for h in holds.values() if h["user_id"] == user and h["state"] in ("held", "captured")
        )
        assert balances[user] == start_amount - kept, user

    # each hold has exactly its ledger rows: hold always, release iff released
    ledger = Counter(
        (r["job_id"], r["kind"], r["amount"])
        for r in await pool.fetch("SELECT * FROM ledger WHERE job_id IS NOT NULL")
    )
    for job, h in holds.items():
        assert ledger.pop((job, "hold", -h["amount"])) == 1
        if h["state"] == "released":
            assert ledger.pop((job, "release", h["amount"])) == 1
        assert h["user_id"] == owner[job][0] and h["amount"] == owner[job][1]
    assert not ledger, f"ledger rows without a matching hold: {ledger}"

    # what callers were told agrees with what committed: each job captured or released at
    # most once, never both, and only jobs a committed reserve created have holds
    told = Counter(
        (o.event.op, o.event.job)
        for o in outcomes
        if o.committed and (o.result is True or (isinstance(o.result, Hold) and o.result.is_new))
    )
    for job in owner:
        state = holds[job]["state"] if job in holds else None
        assert told[("reserve", job)] == (state is not None), job
        assert told[("capture", job)] == (state == "captured"), job
        assert told[("release", job)] == (state == "released"), job
    assert not any(isinstance(o.result, HoldConflict) for o in outcomes)

    # the run did exercise every path
    kinds = Counter((o.event.op, o.committed, type(o.result).__name__) for o in outcomes)
    assert kinds[("reserve", True, "InsufficientFunds")] > 0
    assert kinds[("reserve", False, "Hold")] > 0
    assert {h["state"] for h in holds.values()} == {"held", "captured", "released"}

    # redelivering every event that took effect (a retry storm after a crash) changes nothing
    snapshot = (balances, await pool.fetchval("SELECT count(*) FROM ledger"))
    took_effect = [Event(op, job, False) for op, job in told]
    replies = []
    for start in range(0, len(took_effect), BATCH):
        replies += await asyncio.gather(
            *(_run(wallet, pool, e, owner) for e in took_effect[start : start + BATCH])
        )
    assert all(r.result is False or (isinstance(r.result, Hold) and not r.result.is_new) for r in replies)
    assert (await assert_books_balance(pool), await pool.fetchval("SELECT count(*) FROM ledger")) == snapshot
