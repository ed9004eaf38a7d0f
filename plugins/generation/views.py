"""What templates see of a job."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from engine.loader.bundle import Bundle
from plugins.generation.job import Job
from plugins.wallet.money import format_rub
from plugins.wallet.views import show_date


class JobView(BaseModel):
    """A job as texts see it."""

    id: str
    model: str
    model_name: str
    price: str
    free: bool
    state: str
    elapsed: str
    created: str
    error: str = ""


def elapsed_text(job: Job, now: datetime | None = None) -> str:
    end = job.finished_at or now or datetime.now(UTC)
    seconds = max(0, int((end - job.created_at).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def model_name(bundle: Bundle, model: str, language: str) -> str:
    found = bundle.models.get(model)
    return found.entry.name.get(language) if found is not None else model


def job_view(job: Job, bundle: Bundle, language: str | None = None) -> JobView:
    """The one way a job is shown, in history and in the messages about it: in ``language``
    (the reader's), else in the language the job was ordered in."""
    language = language or job.language
    return JobView(
        id=job.id.hex,
        model=job.model,
        model_name=model_name(bundle, job.model, language),
        price=format_rub(job.price_kopecks, language),
        free=job.free,
        state=job.state.value,
        elapsed=elapsed_text(job),
        created=show_date(job.created_at),
        error=job.error_code or "",
    )
