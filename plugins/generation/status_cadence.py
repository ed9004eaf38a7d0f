"""How often a waiting job's status message and chat action move.

A job's real step (a poll, a retry) may be many seconds away, but the user's status message
shows the elapsed time, so the job is looked at every ``status_every`` seconds in between
only to edit it.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

from engine.telegram.pace import Priority, SendPace, priority
from plugins.generation.delivery import Delivery
from plugins.generation.job import Job
from plugins.generation.store import JobStore

STATUS_EVERY = 3.0  # seconds between edits of the status message's elapsed time
CHAT_ACTION_EVERY = 4.5  # Telegram shows a chat action for 5 s


class StatusCadence:
    def __init__(
        self, store: JobStore, delivery: Delivery, status_every: float, pace: SendPace | None
    ) -> None:
        self.store = store
        self.delivery = delivery
        self.status_every = status_every
        #: the bot's outgoing rate limit: status edits go as progress (after replies to users,
        #: within its progress cap), and an elapsed-time edit is skipped while sends queue
        self.pace = pace
        self._posted: dict[uuid.UUID, tuple[float, float]] = {}  # job → last status, action
        #: job → when its next real step is due (monotonic); until then it wakes every
        #: ``status_every`` only to move its status message (see ``between_steps``)
        self._due: dict[uuid.UUID, float] = {}

    def clear_due(self, job_id: uuid.UUID) -> None:
        """The job's next look does its real step (it was woken, or it has ended)."""
        self._due.pop(job_id, None)

    def clear_posted(self, job_id: uuid.UUID) -> None:
        """The job is done: forget when its status was last posted."""
        self._posted.pop(job_id, None)

    def next_look(self, job: Job, now: datetime, wait: float) -> datetime:
        """When to look at a waiting job again: its next real step is ``wait`` away, but the
        user's status message moves every ``status_every`` seconds until then."""
        if job.status_message_id is None or wait <= self.status_every:
            self._due.pop(job.id, None)
            return now + timedelta(seconds=wait)
        self._due[job.id] = time.monotonic() + wait
        return now + timedelta(seconds=self.status_every)

    async def between_steps(self, job: Job, now: datetime) -> datetime | None:
        """A job woken before its next real step (see ``next_look``): only its status message
        is edited (elapsed time), and the next look is returned. None: do the real step."""
        due = self._due.get(job.id)
        if due is None or job.state.terminal or job.status_message_id is None:
            return None
        left = due - time.monotonic()
        if left <= 0.05:
            self._due.pop(job.id, None)
            return None
        await self.keep_user_posted(job, changed=False)
        return now + timedelta(seconds=min(left, self.status_every))

    async def show(self, job: Job) -> Job:
        """Send or edit the job's status message; the job as it now stands (its message id)."""
        message_id = await self.delivery.status(job)
        if message_id != job.status_message_id:
            await self.store.note(job.id, status_message_id=message_id)
            job = job.model_copy(update={"status_message_id": message_id})
        return job

    async def keep_user_posted(self, job: Job, changed: bool) -> None:
        """The status message (state, elapsed time) and the chat action, not more often than
        they are useful: every poll would flood Telegram with hundreds of jobs in flight."""
        now = time.monotonic()
        status_at, action_at = self._posted.get(job.id, (0.0, 0.0))
        crowded = self.pace is not None and self.pace.crowded(Priority.PROGRESS)
        with priority(Priority.PROGRESS):
            if changed or (now - status_at >= self.status_every and not crowded):
                await self.show(job)
                status_at = now
            if now - action_at >= CHAT_ACTION_EVERY and not crowded:
                await self.delivery.working(job)
                action_at = now
        self._posted[job.id] = (status_at, action_at)
