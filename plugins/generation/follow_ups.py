"""Follow-ups: models that work on an earlier result of the user (Suno's extend, WAV, music video,
timed lyrics), opened from buttons under that result.

Which models follow which, and which fields they take from the earlier job, is catalog data
(``follow_up`` on the model, ``from_job`` on its fields). The ids are read from the user's own
finished job in the database; a press names only the job, a follow-up and a track number, and
every one of them is checked here before a form opens.
"""

from __future__ import annotations

import hashlib
from typing import Any

from engine.loader.bundle import Bundle
from engine.plugin import ActionError
from engine.schema.catalog import FromJob, ModelEntry
from plugins.generation.job import Job, JobState
from plugins.integrations.kie.items import ResultItem

REFUSAL = "generation.no_follow_up"


def follow_up_key(model_id: str) -> str:
    """A short, stable name for a follow-up model in callback data (64 bytes at most)."""
    return hashlib.sha256(model_id.encode()).hexdigest()[:6]


class FollowUps:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self._after: dict[str, list[ModelEntry]] = {}
        for found in bundle.models.values():
            entry = found.entry
            if entry.enabled and entry.follow_up is not None:
                for source in entry.follow_up.after:
                    self._after.setdefault(source, []).append(entry)

    def offered(self, job: Job) -> list[ModelEntry]:
        """Follow-ups a finished job's result can have (those needing a track: if it has any)."""
        if job.state is not JobState.SUCCEEDED:
            return []
        return [
            e
            for e in self._after.get(job.model, [])
            if job.result_items or FromJob.TRACK_ID not in e.job_fields.values()
        ]

    def find(self, job: Job, key: str) -> ModelEntry:
        entry = next((e for e in self.offered(job) if follow_up_key(e.id) == key), None)
        if entry is None:
            raise ActionError(REFUSAL)
        return entry

    def values(self, entry: ModelEntry, job: Job, track: int) -> dict[str, str]:
        """The from_job fields of ``entry`` as taken from ``job`` (the user's own, checked by the
        caller); ActionError when the job cannot give them."""
        if (
            entry.follow_up is None
            or job.model not in entry.follow_up.after
            or job.state is not JobState.SUCCEEDED
        ):
            raise ActionError(REFUSAL)
        values: dict[str, str] = {}
        for name, source in entry.job_fields.items():
            if source is FromJob.TASK_ID:
                if not job.kie_task_id:
                    raise ActionError(REFUSAL)
                values[name] = job.kie_task_id
            else:
                values[name] = self.track(job, track).id
        return values

    @staticmethod
    def track(job: Job, index: int) -> ResultItem:
        if not 0 <= index < len(job.result_items):
            raise ActionError(REFUSAL)
        return ResultItem.model_validate(job.result_items[index])

    def track_index(self, job: Job, url: str, position: int) -> int | None:
        """Which track a delivered file is: by its URL, else by position when counts match."""
        urls = [item.get("url") for item in job.result_items]
        if url in urls:
            return urls.index(url)
        if len(job.result_items) == len(job.result_urls):
            return position
        return None


def shown_values(entry: ModelEntry, job: Job, track: int, texts: Any) -> dict[str, str]:
    """How the summary shows the filled fields: the source job and the track, not raw ids.
    ``texts(key, **params)`` renders a locale text."""
    shown: dict[str, str] = {}
    for name, source in entry.job_fields.items():
        if source is FromJob.TASK_ID:
            shown[name] = texts("generation.source_job")
        else:
            item = FollowUps.track(job, track)
            shown[name] = texts("generation.source_track", number=track + 1, title=item.title or "")
    return shown
