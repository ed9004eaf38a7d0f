"""Two instances' job runners on one database: a step that outlasts the lease is not taken and
done again by the other (its runner renews the lease while it works), and a job leased by an
instance that died is taken over once its lease lapses."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

from plugins.generation.delivery import Delivery, Progress
from plugins.generation.job import Job, JobState
from plugins.generation.runner import JobRunner
from tests.plugins.generation.conftest import PRICE, START_BALANCE, USER, Rig, model_of

LEASE = timedelta(seconds=0.3)
SENDING = 1.2  # seconds a result takes to send: four leases


class SlowDelivery(Delivery):
    """Results that take ``SENDING`` to go out, as a big video downloaded and uploaded does."""

    async def result(self, job: Job, progress: Progress) -> None:
        await asyncio.sleep(SENDING)
        await super().result(job, progress)


def instance(rig: Rig, delivery: Delivery) -> JobRunner:
    """Another instance's runner: the rig's collaborators, its own lease and delivery."""
    runner = rig.runner
    return JobRunner(
        rig.store,
        runner.client,
        runner.inputs,
        delivery,
        rig.bundle,
        settle_success=runner.settle_success,
        settle_failure=runner.settle_failure,
        idle_sleep=0.02,
        lease=LEASE,
        poll_delay=lambda elapsed: 0.05,
        retry_delay=lambda attempt: 0.05,
    )


@contextlib.asynccontextmanager
async def running(*runners: JobRunner) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(r.run()) for r in runners]
    try:
        yield
    finally:
        for runner in runners:
            await runner.stop()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def settled_down(rig: Rig, job: Job, *runners: JobRunner) -> Job:
    """Once the job is done and no runner is still working on it (a second delivery would be
    under way then)."""
    done = await rig.finished(job)
    deadline = time.monotonic() + 10
    while any(r.in_flight for r in runners) or await rig.pool.fetchval(
        "SELECT lease_until IS NOT NULL FROM jobs WHERE id = $1", job.id
    ):
        assert time.monotonic() < deadline, "a runner kept working on a finished job"
        await asyncio.sleep(0.02)
    return done


def photos(rig: Rig) -> list[str]:
    return [m.media_kind for m in rig.emulator.bot_messages(USER) if m.media_kind]


async def test_a_step_longer_than_the_lease_is_not_done_again_elsewhere(rig: Rig) -> None:
    await rig.runner.stop()  # two instances of its own instead
    old = rig.runner.delivery
    slow = SlowDelivery(old.bot, old.client, old.bundle, old.fetcher)
    first, second = instance(rig, slow), instance(rig, slow)
    job = await rig.new_job(model_of(rig.bundle, "text-to-image"))
    async with running(first, second):
        done = await settled_down(rig, job, first, second)
    assert done.state is JobState.SUCCEEDED
    assert photos(rig) == ["photo"], "the result was sent by both instances"
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()
    assert rig.sandbox.create_calls() == 1


async def test_a_dead_instances_job_is_taken_over_when_its_lease_lapses(rig: Rig) -> None:
    await rig.runner.stop()
    job = await rig.new_job(model_of(rig.bundle, "text-to-image"))
    dead = uuid.uuid4()  # leased it, then died: nobody renews that lease
    [leased] = await rig.store.lease(1, LEASE, dead)
    assert leased.id == job.id
    alive = instance(rig, rig.runner.delivery)
    started = time.monotonic()
    async with running(alive):
        done = await settled_down(rig, job, alive)
        waited = time.monotonic() - started
    assert done.state is JobState.SUCCEEDED and photos(rig) == ["photo"]
    assert waited >= LEASE.total_seconds() - 0.05, "taken while the dead instance's lease held"
    assert not await rig.store.release_lease(job.id, dead, job.next_run_at), "the dead one's lease came back"


async def test_a_wake_during_a_step_is_not_hidden_by_the_steps_next_look(rig: Rig) -> None:
    """A task calls back (``due_now``) while the runner's step on its job still runs and plans
    its next look in 30 s: the job stays due now, not in 30 s."""
    await rig.runner.stop()
    job = await rig.new_job(model_of(rig.bundle, "text-to-image"))
    owner = uuid.uuid4()
    [leased] = await rig.store.lease(1, LEASE, owner)
    await rig.store.due_now(job.id)  # the callback, while the step runs
    later = leased.next_run_at + timedelta(seconds=30)
    assert await rig.store.release_lease(job.id, owner, later, leased.next_run_at)
    released = await rig.store.get(job.id)
    assert released is not None and released.next_run_at < later, "the callback's wake was lost"
    # with nobody asking meanwhile, the step's own plan holds
    [again] = await rig.store.lease(1, LEASE, owner)
    assert await rig.store.release_lease(job.id, owner, later, again.next_run_at)
    kept = await rig.store.get(job.id)
    assert kept is not None and kept.next_run_at == later
