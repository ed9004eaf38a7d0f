"""Whether a Kie.ai task may be taken as the task of a job whose createTask answer was lost.

Kie.ai has no idempotency key and no task listing: when the answer to createTask never arrives
(a crash, a dropped connection), the only way to learn the task's id is the task itself calling
back on the job's callback URL. That call is trusted only as far as Kie.ai's own ``recordInfo``
confirms it: the task exists in our account, runs the job's model, was created for this job's
callback URL (when Kie.ai echoes it), and not before this job's submit began.
"""

from __future__ import annotations

from datetime import timedelta

from plugins.generation.job import Job
from plugins.integrations.kie.records import TaskRecord

#: how far Kie.ai's clock may be behind ours when comparing a task's creation with our submit
CLOCK_SKEW = timedelta(minutes=10)


def adoption_refusal(job: Job, record: TaskRecord, callback_url: str | None) -> str | None:
    """Why ``record`` cannot be ``job``'s task, or None when it can."""
    if record.model is not None and record.model != job.model:
        return f"the task runs {record.model}, the job {job.model}"
    echoed = record.param.callback_url if record.param is not None else None
    if echoed is not None and echoed != callback_url:
        return "the task was created for another callback URL"
    started = job.submit_started_at
    if record.create_time is not None and started is not None and record.create_time < started - CLOCK_SKEW:
        return "the task is older than the job's submit"
    return None
