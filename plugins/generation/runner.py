"""The job runner: every instance runs one; jobs are leased, so each step runs in one place.

A step holds its job's lease and renews it while it works (a big result downloaded and sent
can take minutes), so no other instance takes the job from a live one, however long the step;
a dead instance stops renewing, and its jobs go to the others once ``lease`` has passed.

A job's life: submit to Kie.ai (uploading the user's files first), poll with backoff until
it ends or its deadline passes, settle its money (capture on success, release otherwise),
deliver the result or explain the failure. Each of these is recorded in the job row before
the next begins, so after a crash or restart the runner picks up exactly where it stopped.

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

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from engine.loader.bundle import Bundle
from engine.log_context import bind
from engine.storage.connection import Connection
from engine.telegram.pace import Priority, SendPace, priority
from plugins.generation.adoption import adoption_refusal
from plugins.generation.breaker import Breakers
from plugins.generation.delivery import Delivery
from plugins.generation.inputs import InputBuilder, InputError
from plugins.generation.job import FailureKind, Job, JobState
from plugins.generation.store import JobStore
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
from plugins.integrations.kie.records import TaskRecord, TaskState

log = logging.getLogger(__name__)

Money = Callable[[Job, Connection], Awaitable[Any]]
MAX_ATTEMPTS = 6
STATUS_EVERY = 3.0  # seconds between edits of the status message's elapsed time
CHAT_ACTION_EVERY = 4.5  # Telegram shows a chat action for 5 s
UNKNOWN_GRACE = timedelta(minutes=2)  # after the deadline: Kie.ai retries a callback 3 times
UNKNOWN_RECHECK = 30.0  # seconds between looks at a job whose createTask answer was lost
POLICY_CODES = {"400", "422", "451"}
POLICY_WORDS = ("policy", "flagged", "prohibited", "sensitive", "nsfw", "moderation", "safety")


def poll_delay(elapsed: float) -> float:
    """Often at first, then less: Kie.ai's own guidance (2–3 s, then 5–10 s, then 15–30 s)."""
    if elapsed < 30:
        return 2.0
    if elapsed < 120:
        return 5.0
    return 15.0


def retry_delay(attempt: int) -> float:
    return min(60.0, 2.0 * 2.0 ** max(0, attempt - 1))


def failure_kind(code: str | None, message: str | None) -> FailureKind:
    """Why a task Kie.ai ran ended in ``fail``. Not "busy": the task was accepted and the model
    failed on it ("Generation failed", 501, or an upstream error), so the user is told so."""
    text = (message or "").lower()
    if any(word in text for word in POLICY_WORDS):
        return FailureKind.CONTENT_POLICY
    if code in POLICY_CODES:
        return FailureKind.BAD_INPUT
    return FailureKind.GENERATION_FAILED


class JobRunner:
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
        self.store = store
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
        self.batch = batch
        self.idle_sleep = idle_sleep
        self.lease = lease
        self.unknown_grace = unknown_grace
        self.poll_delay = poll_delay
        self.retry_delay = retry_delay
        self.concurrency = concurrency
        self._tasks: set[asyncio.Task[None]] = set()
        self._posted: dict[uuid.UUID, tuple[float, float]] = {}  # job → last status, action
        #: job → when its next real step is due (monotonic); until then it wakes every
        #: ``status_every`` only to move its status message (see ``_between_steps``)
        self._due: dict[uuid.UUID, float] = {}
        self.status_every = status_every
        #: the bot's outgoing rate limit: status edits go as progress (after replies to users,
        #: within its progress cap), and an elapsed-time edit is skipped while sends queue
        self.pace = pace
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        #: whose leases are this runner's: a restarted process has a new one, so its
        #: predecessor's leases lapse to whichever instance comes first
        self.owner = uuid.uuid4()
        #: looks for due jobs so far: a test waits for the next look instead of sleeping
        self.ticks = 0

    # ---------------------------------------------------------------------- the loop
    def wake(self, job_id: uuid.UUID | None = None) -> None:
        """A job became due (created, or called back): look now rather than after a nap."""
        if job_id is not None:
            self._due.pop(job_id, None)
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

    # ---------------------------------------------------------------------- one step
    async def step(self, job: Job) -> datetime:
        """Move the job as far as it can go now; returns when to look at it again."""
        now = datetime.now(UTC)
        between = await self._between_steps(job, now)
        if between is not None:
            return between
        if job.state is JobState.CREATED:
            job, wait = await self._submit(job, now)
            if not job.state.terminal:
                return self._next_look(job, now, wait)
        elif job.state is JobState.SUBMITTING:
            job, wait = await self._unresolved(job, now)
            if not job.state.terminal:
                return self._next_look(job, now, wait)
        elif job.state in (JobState.SUBMITTED, JobState.RUNNING):
            job, wait = await self._poll(job, now)
            if not job.state.terminal:
                return self._next_look(job, now, wait)
        self._due.pop(job.id, None)
        if not job.settled:
            await self._settle(job)
            job = await self.store.get(job.id) or job
            if self.breakers is not None:
                await self.breakers.finished(job)
            for hook in self.finished_hooks:
                hook(job)
        if not job.delivered:
            await self._deliver(job)
        self._posted.pop(job.id, None)
        return now + timedelta(days=3650)

    def _next_look(self, job: Job, now: datetime, wait: float) -> datetime:
        """When to look at a waiting job again: its next real step is ``wait`` away, but the
        user's status message moves every ``status_every`` seconds until then."""
        if job.status_message_id is None or wait <= self.status_every:
            self._due.pop(job.id, None)
            return now + timedelta(seconds=wait)
        self._due[job.id] = time.monotonic() + wait
        return now + timedelta(seconds=self.status_every)

    async def _between_steps(self, job: Job, now: datetime) -> datetime | None:
        """A job woken before its next real step (see ``_next_look``): only its status message
        is edited (elapsed time), and the next look is returned. None: do the real step."""
        due = self._due.get(job.id)
        if due is None or job.state.terminal or job.status_message_id is None:
            return None
        left = due - time.monotonic()
        if left <= 0.05:
            self._due.pop(job.id, None)
            return None
        await self._keep_user_posted(job, changed=False)
        return now + timedelta(seconds=min(left, self.status_every))

    async def _show_status(self, job: Job) -> Job:
        message_id = await self.delivery.status(job)
        if message_id != job.status_message_id:
            await self.store.note(job.id, status_message_id=message_id)
            job = job.model_copy(update={"status_message_id": message_id})
        return job

    async def _fail(
        self, job: Job, kind: FailureKind, message: str, state: JobState = JobState.FAILED
    ) -> Job:
        moved = await self.store.move(
            job.id, {job.state}, state, error_code=kind.value, error_message=message[:500]
        )
        return moved or (await self.store.get(job.id) or job)

    async def _submit(self, job: Job, now: datetime) -> tuple[Job, float]:
        if job.status_message_id is None:
            job = await self._show_status(job)
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
                await self._show_status(back)
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
            await self._show_status(moved)
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
        applied = await self.apply_record(adopted, record)
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
        moved = await self.apply_record(job, record)
        current = moved or job
        if not current.state.terminal:
            await self._keep_user_posted(current, changed=current.state != job.state)
        return current, self.poll_delay(elapsed)

    async def _keep_user_posted(self, job: Job, changed: bool) -> None:
        """The status message (state, elapsed time) and the chat action, not more often than
        they are useful: every poll would flood Telegram with hundreds of jobs in flight."""
        now = time.monotonic()
        status_at, action_at = self._posted.get(job.id, (0.0, 0.0))
        crowded = self.pace is not None and self.pace.crowded(Priority.PROGRESS)
        with priority(Priority.PROGRESS):
            if changed or (now - status_at >= self.status_every and not crowded):
                await self._show_status(job)
                status_at = now
            if now - action_at >= CHAT_ACTION_EVERY and not crowded:
                await self.delivery.working(job)
                action_at = now
        self._posted[job.id] = (status_at, action_at)

    async def apply_record(self, job: Job, record: TaskRecord) -> Job | None:
        """What Kie.ai's recordInfo says about the task moves the job once (a callback only
        makes the job due for a poll: its body is not trusted, see callbacks)."""
        active = {JobState.SUBMITTED, JobState.RUNNING}
        if record.state is TaskState.SUCCESS:
            if record.result_urls:  # files; their ids too when they have some (Suno tracks)
                refused = await self.delivery.vet(job, list(record.result_urls))
                if refused is not None:  # not public, or not what the model makes: refunded
                    log.warning("job %s: %s", job.id, refused)
                    return await self.store.move(
                        job.id,
                        active,
                        JobState.FAILED,
                        error_code=FailureKind.SERVICE_BUSY.value,
                        error_message=refused[:500],
                    )
                return await self.store.move(
                    job.id,
                    active,
                    JobState.SUCCEEDED,
                    result_urls=list(record.result_urls),
                    result_items=[i.model_dump() for i in record.result_items],
                )
            if record.result_object:  # a text result (lyrics …), delivered as chat text
                return await self.store.move(
                    job.id, active, JobState.SUCCEEDED, result_object=record.result_object
                )
            return await self.store.move(
                job.id,
                active,
                JobState.FAILED,
                error_code=FailureKind.SERVICE_BUSY.value,
                error_message="success without a result",
            )
        if record.state is TaskState.FAIL:
            kind = failure_kind(record.fail_code, record.fail_msg)
            return await self.store.move(
                job.id,
                active,
                JobState.FAILED,
                error_code=kind.value,
                error_message=(record.fail_msg or "")[:500],
            )
        if record.state is TaskState.GENERATING and job.state is JobState.SUBMITTED:
            return await self.store.move(job.id, {JobState.SUBMITTED}, JobState.RUNNING)
        return None

    async def _settle(self, job: Job) -> None:
        money = self.settle_success if job.state is JobState.SUCCEEDED else self.settle_failure
        await self.store.settle(job, lambda conn: money(job, conn))

    async def _deliver(self, job: Job) -> None:
        await self._show_status(job)
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
