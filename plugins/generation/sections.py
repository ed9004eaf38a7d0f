"""A section of an earlier track (Suno "replace a section"): checked before any charge.

The docs: ``infill_start_s`` below ``infill_end_s``, and the section 60 s at most (a node config
transcribing them, see ``scripts/verified/audio.yaml``); the end must lie inside the source track,
whose length is read from the user's own finished job (the track the follow-up was opened on).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from engine.plugin import ActionError
from engine.schema.catalog import FromJob, ModelEntry
from plugins.generation.job import Job
from plugins.integrations.kie.items import ResultItem

START, END = "infill_start_s", "infill_end_s"
MAX_SECTION_SECONDS = 60.0
REFUSAL = "generation.bad_section"


def has_section(entry: ModelEntry) -> bool:
    return START in entry.input and END in entry.input


async def check_section(
    entry: ModelEntry, values: dict[str, Any], job_of_task: Callable[[str], Awaitable[Job | None]]
) -> None:
    """ActionError(``generation.bad_section``) unless start < end, the section is at most 60 s
    and it ends inside the source track (when the track's length is known)."""
    if not has_section(entry) or START not in values or END not in values:
        return
    try:
        start, end = float(values[START]), float(values[END])
    except (TypeError, ValueError):
        raise ActionError(REFUSAL, length="?") from None
    length = await _track_length(entry, values, job_of_task)
    shown = "?" if length is None else f"{length:g}"
    if not 0 <= start < end or end - start > MAX_SECTION_SECONDS:
        raise ActionError(REFUSAL, length=shown)
    if length is not None and end > length:
        raise ActionError(REFUSAL, length=shown)


async def _track_length(
    entry: ModelEntry, values: dict[str, Any], job_of_task: Callable[[str], Awaitable[Job | None]]
) -> float | None:
    fields = {source: name for name, source in entry.job_fields.items()}
    task, track = values.get(fields.get(FromJob.TASK_ID, "")), values.get(fields.get(FromJob.TRACK_ID, ""))
    if not task or not track:
        return None
    job = await job_of_task(str(task))
    if job is None:
        return None
    for raw in job.result_items:
        item = ResultItem.model_validate(raw)
        if item.id == track:
            return item.duration
    return None
