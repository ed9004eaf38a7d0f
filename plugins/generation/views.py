"""What templates see of a job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from engine.loader.bundle import Bundle
from engine.plugin import PluginModel
from plugins.generation.job import Job
from plugins.generation.store import JobStore
from plugins.wallet.money import format_rub
from plugins.wallet.views import show_date


class JobView(PluginModel):
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


def job_view(
    job: Job,
    bundle: Bundle,
    language: str | None = None,
    date: Callable[[datetime], str] = show_date,
) -> JobView:
    """The one way a job is shown, in history and in the messages about it: in ``language``
    (the reader's; the job's own by default) with dates as ``date`` writes them (the reader's
    time zone)."""
    language = language or job.language
    return JobView(
        id=job.id.hex,
        model=job.model,
        model_name=model_name(bundle, job.model, language),
        price=format_rub(job.price_kopecks, language),
        free=job.free,
        state=job.state.value,
        elapsed=elapsed_text(job),
        created=date(job.created_at),
        error=job.error_code or "",
    )


def job_names(store: JobStore, bundle: Bundle) -> Callable[[list[str], str], Awaitable[dict[str, str]]]:
    """Model names of jobs by their ids (as the ledger keeps them), for the wallet's operations."""

    async def names(job_ids: list[str], language: str) -> dict[str, str]:
        models = await store.models_of(job_ids)
        return {job_id: model_name(bundle, model, language) for job_id, model in models.items()}

    return names
