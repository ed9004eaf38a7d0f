"""The job runner: one step of a job's life each time the lease loop hands it a job.

A job's life: submit to Kie.ai (uploading the user's files first), poll with backoff until
it ends or its deadline passes, settle its money (capture on success, release otherwise),
deliver the result or explain the failure. Each of these is recorded in the job row before
the next begins, so after a crash or restart the runner picks up exactly where it stopped.
Where and when a step runs (leases, concurrency) is ``LeaseLoop``'s.

createTask is the one step that cannot simply be repeated: it spends money and Kie.ai has no
idempotency key. So the job is marked ``submitting`` before the request leaves, and a job found
in that state (its answer lost to a crash or a dropped connection) is never sent again. The task,
if Kie.ai made one, announces itself on the job's callback URL and is adopted once ``recordInfo``
confirms it (``adopt``). Otherwise the job is resolved by rule (``_unresolved``): without a
callback URL nothing can ever name the task, so at once; with one, when the job's deadline and a
grace for Kie.ai's callback retries have passed. Either way the user's money is released then:
a task still unseen by that time is one we could never deliver or charge for.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from engine.loader.bundle import Bundle
from engine.storage.connection import Connection
from engine.telegram.pace import SendPace
from plugins.generation.adoption import adoption_refusal
from plugins.generation.breaker import Breakers
from plugins.generation.delivery import Delivery
from plugins.generation.inputs import InputBuilder, InputError
from plugins.generation.job import FailureKind, Job, JobState
from plugins.generation.lease_loop import LeaseLoop
from plugins.generation.outcome import apply_record
from plugins.generation.status_cadence import STATUS_EVERY, StatusCadence
from plugins.generation.store import JobStore
from plugins.generation.timing import MAX_ATTEMPTS, UNKNOWN_GRACE, UNKNOWN_RECHECK, poll_delay, retry_delay
from plugins.integrations.kie.client import KieClient
from plugins.integrations.kie.errors import (
    KieAuthError,
    KieCreateUncertain,
    KieError,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieRateLimited,
    KieTaskNotVisible,
    KieUnavailable,
    KieValidationError,
)

log = logging.getLogger(__name__)

Money = Callable[[Job, Connection], Awaitable[Any]]


class JobRunner(LeaseLoop):
    def __init__(
        self,
        store: JobStore,
        client: KieClient,
        inputs: InputBuilder,
        delivery: Delivery,
        bundle: Bundle,
        *,
        settle_success: Money,
        settle_failure: Money,
        callback_url: Callable[[Job], str | None] | None = None,
        breakers: Breakers | None = None,
        concurrency: int = 1000,
        batch: int = 200,
        idle_sleep: float = 0.5,
        lease: timedelta = timedelta(seconds=90),
        unknown_grace: timedelta = UNKNOWN_GRACE,
        poll_delay: Callable[[float], float] = poll_delay,
        retry_delay: Callable[[int], float] = retry_delay,
        status_every: float = STATUS_EVERY,
        pace: SendPace | None = None,
    ) -> None:
        super().__init__(
            store,
            concurrency=concurrency,
            batch=batch,
            idle_sleep=idle_sleep,
            lease=lease,
            retry_delay=retry_delay,
        )
        self.client = client
        self.inputs = inputs
        self.delivery = delivery
        self.bundle = bundle
        self.settle_success = settle_success
        self.settle_failure = settle_failure
        self.callback_url = callback_url or (lambda job: None)
        self.breakers = breakers
        #: told (synchronously: keep them cheap) of each job once it has settled, e.g. the
        #: Kie.ai low-balance check, since a job is what spends credits
        self.finished_hooks: list[Callable[[Job], None]] = []
        self.unknown_grace = unknown_grace
        self.poll_delay = poll_delay
        self.cadence = StatusCadence(store, delivery, status_every, pace)

    def wake(self, job_id: uuid.UUID | None = None) -> None:
        """A job became due (created, or called back): look now rather than after a nap."""
        if job_id is not None:
            self.cadence.clear_due(job_id)
        super().wake()

    async def step(self, job: Job) -> datetime:
        """Move the job as far as it can go now; returns when to look at it again."""
        now = datetime.now(UTC)
        between = await self.cadence.between_steps(job, now)
        if between is not None:
            return between
        if job.state is JobState.CREATED:
            job, wait = await self._submit(job, now)
            if not job.state.terminal:
                return self.cadence.next_look(job, now, wait)
        elif job.state is JobState.SUBMITTING:
            job, wait = await self._unresolved(job, now)
            if not job.state.terminal:
                return self.cadence.next_look(job, now, wait)
        elif job.state in (JobState.SUBMITTED, JobState.RUNNING):
            job, wait = await self._poll(job, now)
            if not job.state.terminal:
                return self.cadence.next_look(job, now, wait)
        self.cadence.clear_due(job.id)
        if not job.settled:
            await self._settle(job)
            job = await self.store.get(job.id) or job
            if self.breakers is not None:
                await self.breakers.finished(job)
            for hook in self.finished_hooks:
                hook(job)
        if not job.delivered:
            await self._deliver(job)
        self.cadence.clear_posted(job.id)
        return now + timedelta(days=3650)

    async def _fail(
        self, job: Job, kind: FailureKind, message: str, state: JobState = JobState.FAILED
    ) -> Job:
        moved = await self.store.move(
            job.id, {job.state}, state, error_code=kind.value, error_message=message[:500]
        )
        return moved or (await self.store.get(job.id) or job)

    async def _submit(self, job: Job, now: datetime) -> tuple[Job, float]:
        if job.status_message_id is None:
            job = await self.cadence.show(job)
        if now >= job.deadline_at:
            return await self._fail(
                job, FailureKind.SERVICE_BUSY, "not accepted before deadline", JobState.TIMED_OUT
            ), 0
        entry = self.bundle.models.get(job.model)
        if entry is None:
            return await self._fail(job, FailureKind.INTERNAL, "model left the catalog"), 0
        try:
            kie_input = job.kie_input or await self.inputs.build(entry.entry, job.input)
            if job.kie_input is None:
                await self.store.note_input(job.id, kie_input)
            marked = await self.store.move(
                job.id, {JobState.CREATED}, JobState.SUBMITTING, submit_started_at=now
            )
            if marked is None:  # cancelled, or another instance took it: nothing is sent
                return await self.store.get(job.id) or job, 0
            job = marked  # from here on a crash leaves it "submitting": never resent
            task_id = await self.client.create_task(job.model, kie_input, self.callback_url(job))
        except InputError as exc:
            return await self._fail(job, FailureKind.BAD_INPUT, str(exc)), 0
        except (KieRateLimited, KieUnavailable) as exc:  # refused: nothing was created
            attempts = job.attempts + 1
            back = await self.store.move(job.id, {job.state}, JobState.CREATED, attempts=attempts)
            if back is None:  # cancelled while its files were uploaded
                return await self.store.get(job.id) or job, 0
            log.info("job %s not accepted yet (%s); attempt %s", job.id, exc, attempts)
            if attempts == 1:  # now waiting on Kie.ai: offer to cancel
                await self.cadence.show(back)
            return back, self.retry_delay(attempts)
        except KieCreateUncertain as exc:
            log.warning("job %s: createTask outcome unknown (%s); it is not sent again", job.id, exc)
            return await self._unresolved(job, now)
        except KieValidationError as exc:
            return await self._fail(job, FailureKind.BAD_INPUT, str(exc)), 0
        except (KieAuthError, KieInsufficientCredits) as exc:
            log.error("job %s: our Kie.ai account cannot pay or is refused: %s", job.id, exc)
            if isinstance(exc, KieInsufficientCredits) and self.breakers is not None:
                await self.breakers.out_of_credits()  # no other order is taken until it can pay
            return await self._fail(job, FailureKind.SERVICE_BUSY, str(exc)), 0
        except KieGenerationFailed as exc:  # 501: Kie.ai says the generation failed, not that it is busy
            return await self._fail(job, FailureKind.GENERATION_FAILED, exc.message), 0
        except KieError as exc:
            return await self._fail(job, FailureKind.SERVICE_BUSY, str(exc)), 0
        except ValueError as exc:  # refused by the client before anything was sent
            return await self._fail(job, FailureKind.INTERNAL, str(exc)), 0
        moved = await self.store.move(job.id, {JobState.SUBMITTING}, JobState.SUBMITTED, kie_task_id=task_id)
        if moved is None:
            current = await self.store.get(job.id) or job
            if current.kie_task_id != task_id:
                log.warning(
                    "job %s left %s while its task %s was created", job.id, JobState.SUBMITTING.value, task_id
                )
            return current, self.poll_delay(0)  # else its callback came first and adopted it
        if job.attempts:  # the cancel button was offered: it no longer applies
            await self.cadence.show(moved)
        return moved, self.poll_delay(0)

    async def _unresolved(self, job: Job, now: datetime) -> tuple[Job, float]:
        """A job whose createTask answer was lost: wait for its task to announce itself, or
        resolve it by the rule in the module's docstring. It is never sent again."""
        if self.callback_url(job) is None:
            return await self._fail(
                job, FailureKind.UNCERTAIN, "createTask answer lost; no callback URL can name the task"
            ), 0
        give_up_at = job.deadline_at + self.unknown_grace
        if now >= give_up_at:
            return await self._fail(
                job,
                FailureKind.UNCERTAIN,
                "createTask answer lost; no task announced itself in time",
                JobState.TIMED_OUT,
            ), 0
        return job, min(UNKNOWN_RECHECK, (give_up_at - now).total_seconds())

    async def adopt(self, job: Job, task_id: str) -> Job:
        """A task called back on the URL of a job that has no task id: take it as the job's
        task if the job's createTask answer was lost and ``recordInfo`` confirms the task was
        made for it; then apply what Kie.ai says of it. Returns the job as it now stands."""
        if job.state is not JobState.SUBMITTING:
            log.warning(
                "task %s called back for job %s, which is %s without a task: not adopted"
                " (if Kie.ai ran it, we pay for it)",
                task_id,
                job.id,
                job.state.value,
            )
            return job
        try:
            record = await self.client.record_info(task_id)
        except KieError as exc:  # not confirmed (yet): Kie.ai retries the callback
            log.warning("job %s: could not confirm announced task %s (%s)", job.id, task_id, exc)
            return job
        refusal = adoption_refusal(job, record, self.callback_url(job))
        if refusal is not None:
            log.warning("job %s: task %s not adopted: %s", job.id, task_id, refusal)
            return job
        try:
            adopted = await self.store.move(
                job.id, {JobState.SUBMITTING}, JobState.SUBMITTED, kie_task_id=task_id
            )
        except asyncpg.UniqueViolationError:
            log.warning("job %s: task %s already belongs to another job", job.id, task_id)
            return job
        if adopted is None:  # its own createTask answer (or another callback) came first
            return await self.store.get(job.id) or job
        log.info("job %s adopted task %s, announced by its callback", job.id, task_id)
        applied = await apply_record(self.store, self.delivery, adopted, record)
        await self.store.due_now(job.id)
        self.wake()
        return applied or adopted

    async def _poll(self, job: Job, now: datetime) -> tuple[Job, float]:
        elapsed = (now - job.created_at).total_seconds()
        if now >= job.deadline_at:
            return await self._fail(
                job, FailureKind.TIMEOUT, "no result before the deadline", JobState.TIMED_OUT
            ), 0
        assert job.kie_task_id is not None
        try:
            record = await self.client.record_info(job.kie_task_id)
        except (KieTaskNotVisible, KieRateLimited, KieUnavailable):
            return job, self.poll_delay(elapsed)
        except KieError as exc:
            log.warning("job %s: polling failed (%s)", job.id, exc)
            await self.store.note(job.id, attempts=job.attempts + 1)
            if job.attempts + 1 >= MAX_ATTEMPTS:
                return await self._fail(job, FailureKind.SERVICE_BUSY, str(exc)), 0
            return job, self.retry_delay(job.attempts + 1)
        moved = await apply_record(self.store, self.delivery, job, record)
        current = moved or job
        if not current.state.terminal:
            await self.cadence.keep_user_posted(current, changed=current.state != job.state)
        return current, self.poll_delay(elapsed)

    async def _settle(self, job: Job) -> None:
        money = self.settle_success if job.state is JobState.SUCCEEDED else self.settle_failure
        await self.store.settle(job, lambda conn: money(job, conn))

    async def _deliver(self, job: Job) -> None:
        await self.cadence.show(job)
        if job.state is JobState.SUCCEEDED:
            await self.delivery.result(job, lambda sent: self.store.note(job.id, sent_parts=sent))
        elif job.state is not JobState.CANCELLED:
            money_key = "generation.free_returned" if job.free else "generation.money_returned"
            code = job.error_code
            kind = (
                FailureKind(code)
                if code is not None and code in FailureKind._value2member_map_
                else FailureKind.INTERNAL
            )
            await self.delivery.failure(job, kind, money_key)
        await self.store.mark_delivered(job.id)
