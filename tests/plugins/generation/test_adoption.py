"""Which announced task may be taken as a job's task: Kie.ai's record must fit the job."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from plugins.generation.adoption import CLOCK_SKEW, adoption_refusal
from plugins.generation.job import Job, JobState
from plugins.integrations.kie.records import TaskParam, TaskRecord, TaskState

STARTED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
URL = "https://bot.example/kie/callback/abc/sig"


def job() -> Job:
    return Job(
        id=uuid.uuid4(),
        user_id=1,
        chat_id=1,
        language="ru",
        model="m/one",
        category="",
        input={},
        kie_input=None,
        price_kopecks=100,
        free=False,
        state=JobState.SUBMITTING,
        kie_task_id=None,
        result_urls=[],
        error_code=None,
        error_message=None,
        attempts=0,
        polls=0,
        next_run_at=STARTED,
        submit_started_at=STARTED,
        deadline_at=STARTED + timedelta(minutes=10),
        status_message_id=None,
        settled=False,
        delivered=False,
        created_at=STARTED,
        updated_at=STARTED,
        finished_at=None,
    )


def record(**fields: Any) -> TaskRecord:
    values: dict[str, Any] = {
        "task_id": "t1",
        "model": "m/one",
        "state": TaskState.GENERATING,
        "create_time": STARTED + timedelta(seconds=1),
        "param": TaskParam(model="m/one", callback_url=URL),
    }
    return TaskRecord(**{**values, **fields})


def test_a_record_that_fits_is_adopted() -> None:
    assert adoption_refusal(job(), record(), URL) is None


def test_kie_may_leave_out_what_it_echoes() -> None:
    assert adoption_refusal(job(), record(model=None, param=None, create_time=None), URL) is None


def test_another_model_is_refused() -> None:
    assert "runs m/two" in (adoption_refusal(job(), record(model="m/two"), URL) or "")


def test_another_callback_url_is_refused() -> None:
    other = record(param=TaskParam(callback_url=URL + "x"))
    assert "another callback URL" in (adoption_refusal(job(), other, URL) or "")


def test_a_task_older_than_the_submit_is_refused() -> None:
    old = record(create_time=STARTED - CLOCK_SKEW - timedelta(seconds=1))
    assert "older" in (adoption_refusal(job(), old, URL) or "")
    skewed = record(create_time=STARTED - CLOCK_SKEW + timedelta(seconds=1))
    assert adoption_refusal(job(), skewed, URL) is None
