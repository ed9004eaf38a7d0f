"""A task's state as Kie.ai's ``recordInfo`` reports it, turned into a move of its job,
and, for a failed task, the kind of failure the user is told of."""

from __future__ import annotations

import logging

from plugins.generation.delivery import Delivery
from plugins.generation.job import FailureKind, Job, JobState
from plugins.generation.store import JobStore
from plugins.integrations.kie.records import TaskRecord, TaskState

log = logging.getLogger(__name__)

POLICY_CODES = {"400", "422", "451"}
POLICY_WORDS = ("policy", "flagged", "prohibited", "sensitive", "nsfw", "moderation", "safety")


def failure_kind(code: str | None, message: str | None) -> FailureKind:
    """Why a task Kie.ai ran ended in ``fail``. Not "busy": the task was accepted and the model
    failed on it ("Generation failed", 501, or an upstream error), so the user is told so."""
    text = (message or "").lower()
    if any(word in text for word in POLICY_WORDS):
        return FailureKind.CONTENT_POLICY
    if code in POLICY_CODES:
        return FailureKind.BAD_INPUT
    return FailureKind.GENERATION_FAILED


async def apply_record(store: JobStore, delivery: Delivery, job: Job, record: TaskRecord) -> Job | None:
    """What Kie.ai's recordInfo says about the task moves the job once (a callback only
    makes the job due for a poll: its body is not trusted, see callbacks)."""
    active = {JobState.SUBMITTED, JobState.RUNNING}
    if record.state is TaskState.SUCCESS:
        if record.result_urls:  # files; their ids too when they have some (Suno tracks)
            refused = await delivery.vet(job, list(record.result_urls))
            if refused is not None:  # not public, or not what the model makes: refunded
                log.warning("job %s: %s", job.id, refused)
                return await store.move(
                    job.id,
                    active,
                    JobState.FAILED,
                    error_code=FailureKind.SERVICE_BUSY.value,
                    error_message=refused[:500],
                )
            return await store.move(
                job.id,
                active,
                JobState.SUCCEEDED,
                result_urls=list(record.result_urls),
                result_items=[i.model_dump() for i in record.result_items],
            )
        if record.result_object:  # a text result (lyrics …), delivered as chat text
            return await store.move(job.id, active, JobState.SUCCEEDED, result_object=record.result_object)
        return await store.move(
            job.id,
            active,
            JobState.FAILED,
            error_code=FailureKind.SERVICE_BUSY.value,
            error_message="success without a result",
        )
    if record.state is TaskState.FAIL:
        kind = failure_kind(record.fail_code, record.fail_msg)
        return await store.move(
            job.id,
            active,
            JobState.FAILED,
            error_code=kind.value,
            error_message=(record.fail_msg or "")[:500],
        )
    if record.state is TaskState.GENERATING and job.state is JobState.SUBMITTED:
        return await store.move(job.id, {JobState.SUBMITTED}, JobState.RUNNING)
    return None
