"""The lease loop: every instance runs one; jobs are leased, so each step runs in one place.

A step holds its job's lease and renews it while it works (a big result downloaded and sent
can take minutes), so no other instance takes the job from a live one, however long the step;
a dead instance stops renewing, and its jobs go to the others once ``lease`` has passed.
What a step does is the subclass's (``JobRunner``); this is only when and where it runs.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from engine.log_context import bind
from plugins.generation.job import Job
from plugins.generation.store import JobStore

log = logging.getLogger(__name__)


class LeaseLoop(abc.ABC):
    def __init__(
        self,
        store: JobStore,
        *,
        concurrency: int,
        batch: int,
        idle_sleep: float,
        lease: timedelta,
        retry_delay: Callable[[int], float],
    ) -> None:
        self.store = store
        self.batch = batch
        self.idle_sleep = idle_sleep
        self.lease = lease
        self.retry_delay = retry_delay
        self.concurrency = concurrency
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        #: whose leases are this runner's: a restarted process has a new one, so its
        #: predecessor's leases lapse to whichever instance comes first
        self.owner = uuid.uuid4()
        #: looks for due jobs so far: a test waits for the next look instead of sleeping
        self.ticks = 0

    @abc.abstractmethod
    async def step(self, job: Job) -> datetime:
        """Move the job as far as it can go now; returns when to look at it again."""

    def wake(self) -> None:
        """A job became due: look now rather than after a nap."""
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                found = await self.tick()
            except (OSError, asyncpg.PostgresError):
                log.exception("job runner could not reach the database; retrying")
                found = 0
            if found == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_sleep)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)

    async def tick(self) -> int:
        """Lease due jobs (as many as free slots allow) and start a step for each."""
        free = self.concurrency - len(self._tasks)
        if free <= 0:
            return 0
        jobs = await self.store.lease(min(self.batch, free), self.lease, self.owner)
        for job in jobs:
            task = asyncio.create_task(self._guarded(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self.ticks += 1
        return len(jobs)

    @property
    def in_flight(self) -> int:
        """Job steps started and not yet finished."""
        return len(self._tasks)

    async def _guarded(self, job: Job) -> None:
        with bind(job_id=job.id.hex, user_id=job.user_id):
            await self._step_logged(job)

    async def _step_logged(self, job: Job) -> None:
        keeping = asyncio.create_task(self._keep_lease(job.id))
        try:
            next_run = await self.step(job)
        except Exception:
            log.exception("job %s step failed; it will be retried", job.id)
            next_run = datetime.now(UTC) + timedelta(seconds=self.retry_delay(job.attempts + 1))
            with contextlib.suppress(Exception):
                await self.store.note(job.id, attempts=job.attempts + 1)
        finally:
            keeping.cancel()
        with contextlib.suppress(Exception):
            await self.store.release_lease(job.id, self.owner, next_run, job.next_run_at)

    async def _keep_lease(self, job_id: uuid.UUID) -> None:
        """Renew the lease every third of it while the step runs, until it is lost."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                if not await self.store.renew_lease(job_id, self.owner, self.lease):
                    log.warning("job %s: lease lost to another instance while its step ran", job_id)
                    return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("job %s: lease not renewed (database unreachable)", job_id)
