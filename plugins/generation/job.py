"""A generation job as stored: its state machine and what each state means to the user."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import ConfigDict, Field

from engine.plugin import PluginModel


class JobState(StrEnum):
    CREATED = "created"  # paid (reserved), not yet accepted by Kie.ai
    SUBMITTING = "submitting"  # createTask sent, its answer not (yet) recorded: never resent
    SUBMITTED = "submitted"  # Kie.ai has the task; waiting or queued there
    RUNNING = "running"  # Kie.ai is generating
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.TIMED_OUT, JobState.CANCELLED})
ACTIVE = frozenset(JobState) - TERMINAL


class FailureKind(StrEnum):
    """Why a job failed, in the categories the user is told about."""

    CONTENT_POLICY = "content_policy"
    BAD_INPUT = "bad_input"
    SERVICE_BUSY = "service_busy"  # Kie.ai refused or could not be reached: try later
    GENERATION_FAILED = "generation_failed"  # the task ran and the model failed on it
    UNCERTAIN = "uncertain"
    TIMEOUT = "timeout"
    INTERNAL = "internal"


JSON_COLUMNS = ("input", "kie_input", "result_urls", "result_object", "result_items")


class Job(PluginModel):
    model_config = ConfigDict(frozen=True)

    id: UUID
    user_id: int
    chat_id: int
    language: str
    model: str
    category: str
    input: dict[str, Any]
    kie_input: dict[str, Any] | None
    price_kopecks: int
    free: bool
    state: JobState
    kie_task_id: str | None
    result_urls: list[str]
    result_object: dict[str, Any] | None = None  # a text result (lyrics …)
    # items with ids (Suno tracks): ResultItem
    result_items: list[dict[str, Any]] = Field(default_factory=list)
    sent_parts: int = 0  # result messages already sent (a retry skips them)
    error_code: str | None
    error_message: str | None
    attempts: int
    polls: int
    next_run_at: datetime
    submit_started_at: datetime | None = None  # when createTask was (last) about to be sent
    deadline_at: datetime
    status_message_id: int | None
    settled: bool
    delivered: bool
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Job:
        data = dict(row)
        for key in JSON_COLUMNS:
            if isinstance(data.get(key), str):
                data[key] = json.loads(data[key])
        data.pop("lease_until", None)  # the runner's bookkeeping, not the job's
        data.pop("lease_owner", None)
        return cls.model_validate(data)
