"""``catalog sync``: what Kie.ai's catalog says now, against ``models/``.

Kie adds, renames and retires ids constantly (kie_api.md §9.14), and its discovery endpoints
share one budget of 1 request/s per account (§6.5), so every call first waits for the ``Pacer``
and calls are kept few: one listing — which already carries each model's pricingDesc, so the
price endpoint is asked only when the listing lacks one — then one schema per model both sides
know, and one per new model only when drafts are wanted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import AnyHttpUrl, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.schema.catalog import ModelEntry
from engine.settings import config_problems
from plugins.catalog import drafts
from plugins.catalog.drift import FieldChange, PriceCheck, check_price, compare_inputs
from plugins.catalog.importer import ImporterMissing, not_models
from plugins.catalog.openapi import InputSchema, OpenApiError, input_schema
from plugins.integrations.kie.client import DEFAULT_BASE_URL, KieClient
from plugins.integrations.kie.errors import KieAuthError, KieError, KieValidationError
from plugins.integrations.kie.records import ModelCatalog, ModelInfo

DEFAULT_SPACING = 1.1  # seconds between discovery calls: Kie allows 1/s, keep a margin
ANNOUNCE_AFTER = 5.0  # tell the user how long the schemas take when it is at least this long

T = TypeVar("T")


class SyncError(Exception):
    """Ends the sync with exit code 2. Its text is safe to print: it never holds the key."""


class KieSettings(BaseSettings):
    """KIE_API_KEY and KIE_API_URL, read as ``app.config`` reads them (environment, .env)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    kie_api_key: SecretStr | None = None
    kie_api_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_BASE_URL)


def read_credentials(api_key: str | None = None, api_url: str | None = None) -> tuple[str, str]:
    """Key and base URL: the options given, else the environment. Problems never echo a value."""
    given = {"kie_api_key": api_key, "kie_api_url": api_url}
    try:
        settings = KieSettings.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(config_problems(exc))
        raise SyncError(problems.replace("KIE_API_URL:", "--api-url:") if api_url else problems) from None
    key = settings.kie_api_key.get_secret_value().strip() if settings.kie_api_key else ""
    if not key:
        raise SyncError("no Kie.ai API key: set KIE_API_KEY (or pass --api-key)")
    return key, str(settings.kie_api_url)


class Pacer:
    """Spaces calls at least ``spacing`` seconds apart, start to start."""

    def __init__(
        self,
        spacing: float = DEFAULT_SPACING,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if spacing < 0:
            raise ValueError("spacing must not be negative")
        self.spacing = spacing
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    async def wait(self) -> None:
        if self._last is not None:
            delay = self._last + self.spacing - self._clock()
            if delay > 0:
                await self._sleep(delay)
        self._last = self._clock()


class Discovery:
    """Kie's catalog endpoints behind the pacer. A refused key or an unreachable Kie ends the
    sync (``SyncError``); a model Kie cannot describe (404/422) raises ``KieValidationError``."""

    def __init__(self, client: KieClient, pacer: Pacer) -> None:
        self.client = client
        self.pacer = pacer

    async def models(self) -> ModelCatalog:
        try:
            return await self._call("model listing", self.client.list_models)
        except KieValidationError as exc:
            raise SyncError(f"Kie.ai refused the model listing: {exc}") from None

    async def schema(self, model: str) -> dict[str, Any] | None:
        found = await self._call(f"schema of {model}", lambda: self.client.model_schema(model))
        return found.openapi

    async def price(self, model: str) -> str | None:
        found = await self._call(f"price of {model}", lambda: self.client.model_price(model))
        return found.pricing_desc

    async def _call(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        await self.pacer.wait()
        try:
            return await request()
        except KieAuthError as exc:
            raise SyncError(
                f"Kie.ai refused the API key ({exc.code} {exc.message}); check KIE_API_KEY or --api-key"
            ) from None
        except KieValidationError:
            raise
        except KieError as exc:
            raise SyncError(f"Kie.ai {what} failed: {exc}") from None


# ------------------------------------------------------------------ report


@dataclass(frozen=True)
class NewModel:
    id: str
    title: str | None
    provider: str | None
    task_types: tuple[str, ...]
    pricing_desc: str | None

    @classmethod
    def of(cls, info: ModelInfo) -> NewModel:
        return cls(info.model, info.title, info.provider, info.task_types, info.pricing_desc)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "provider": self.provider,
            "task_types": list(self.task_types),
            "pricing_desc": self.pricing_desc,
        }


@dataclass(frozen=True)
class KnownNonModel:
    """An id Kie lists that ``scripts/known/not_models.yaml`` says is not a model."""

    id: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "reason": self.reason}


@dataclass(frozen=True)
class RetiredModel:
    id: str
    enabled: bool

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "enabled": self.enabled}


@dataclass(frozen=True)
class ChangedModel:
    id: str
    changes: tuple[FieldChange, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "changes": [c.as_json() for c in self.changes]}


@dataclass(frozen=True)
class Note:
    """Something to know that is not a difference: a schema not published, not readable …"""

    id: str
    text: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "note": self.text}


@dataclass(frozen=True)
class DraftResult:
    id: str
    path: Path | None
    problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "path": None if self.path is None else str(self.path), "problem": self.problem}


@dataclass
class SyncReport:
    listed: int
    ours: int
    new: list[NewModel] = field(default_factory=list)
    non_models: list[KnownNonModel] = field(default_factory=list)
    retired: list[RetiredModel] = field(default_factory=list)
    changed: list[ChangedModel] = field(default_factory=list)
    prices: list[PriceCheck] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    errors: list[Note] = field(default_factory=list)  # models that could not be checked
    drafts: list[DraftResult] = field(default_factory=list)

    @property
    def mismatches(self) -> list[PriceCheck]:
        return [p for p in self.prices if p.verdict == "mismatch"]

    @property
    def in_sync(self) -> bool:
        """Nothing an editor must act on (notes and prices to judge by eye do not count)."""
        return not (self.new or self.retired or self.changed or self.mismatches or self.errors)

    def as_json(self) -> dict[str, Any]:
        return {
            "in_sync": self.in_sync,
            "kie_models": self.listed,
            "our_models": self.ours,
            "new": [m.as_json() for m in self.new],
            "known_non_models": [m.as_json() for m in self.non_models],
            "retired": [m.as_json() for m in self.retired],
            "changed": [m.as_json() for m in self.changed],
            "prices": [p.as_json() for p in self.prices],
            "notes": [n.as_json() for n in self.notes],
            "errors": [n.as_json() for n in self.errors],
            "drafts": [d.as_json() for d in self.drafts],
        }


# ------------------------------------------------------------------ the sync


async def sync_catalog(
    entries: Mapping[str, ModelEntry],
    kie: Discovery,
    *,
    drafts_dir: Path | None = None,
    today: date | None = None,
    announce: Callable[[str], None] | None = None,
) -> SyncReport:
    """Compare Kie's catalog with ``entries``; with ``drafts_dir``, write drafts there."""
    listed = {m.model: m for m in (await kie.models()).models}
    report = SyncReport(listed=len(listed), ours=len(entries))
    both = sorted(i for i in entries if i in listed)
    new = sorted(i for i in listed if i not in entries)
    new = await _set_aside_non_models(kie, listed, new, report)
    report.retired = [RetiredModel(i, entries[i].enabled) for i in sorted(entries) if i not in listed]
    calls = len(both) + (len(new) if drafts_dir is not None else 0)
    if announce and calls * kie.pacer.spacing >= ANNOUNCE_AFTER:
        announce(
            f"Kie.ai lists {len(listed)} models; reading {calls} schemas, one request per "
            f"{kie.pacer.spacing:g} s (about {calls * kie.pacer.spacing:.0f} s)…"
        )
    written: list[dict[str, Any]] = []
    for model_id in both:
        entry, info = entries[model_id], listed[model_id]
        pricing = info.pricing_desc or await _price(kie, model_id, report)
        report.prices.append(check_price(entry, pricing))
        schema, _ = await _schema(kie, model_id, report)
        if schema is None:
            continue
        try:
            comparison = compare_inputs(entry, schema)
            if comparison.changes:
                report.changed.append(ChangedModel(model_id, comparison.changes))
                if drafts_dir is not None:
                    written.append(drafts.changed_model_draft(entry, comparison, pricing))
        except ImporterMissing:
            raise
        except Exception as exc:  # one odd schema must not hide the rest of the report
            report.errors.append(Note(model_id, f"fields not compared ({type(exc).__name__}: {exc})"))
    for model_id in new:
        report.new.append(NewModel.of(listed[model_id]))
        if drafts_dir is None:
            continue
        schema, published = await _schema(kie, model_id, report)
        if schema is None and published:
            continue  # unavailable, unreadable or not a createTask model: nothing to draft from
        try:
            written.append(drafts.new_model_draft(listed[model_id], schema))
        except ImporterMissing:
            raise
        except Exception as exc:
            report.errors.append(Note(model_id, f"no draft ({type(exc).__name__}: {exc})"))
    if drafts_dir is not None:
        report.drafts = [_write(drafts_dir, d, today or date.today()) for d in written]
    return report


async def _set_aside_non_models(
    kie: Discovery, listed: Mapping[str, ModelInfo], new: list[str], report: SyncReport
) -> list[str]:
    """Known non-models among the new ids go to ``report.non_models`` with their reasons; one
    is news again only once Kie prices it (in the listing, else on its price endpoint)."""
    known = not_models()
    still_new = []
    for model_id in new:
        if model_id not in known:
            still_new.append(model_id)
            continue
        pricing = listed[model_id].pricing_desc or await _quiet_price(kie, model_id)
        if pricing:
            still_new.append(model_id)
            report.notes.append(
                Note(model_id, f"listed as not a model ({known[model_id]}), but Kie now prices it: {pricing}")
            )
        else:
            report.non_models.append(KnownNonModel(model_id, known[model_id]))
    return still_new


async def _quiet_price(kie: Discovery, model_id: str) -> str | None:
    try:
        return await kie.price(model_id)
    except (KieValidationError, ValueError):  # unpriced: what a non-model is expected to be
        return None


async def _price(kie: Discovery, model_id: str, report: SyncReport) -> str | None:
    try:
        return await kie.price(model_id)
    except (KieValidationError, ValueError) as exc:
        report.notes.append(Note(model_id, f"price unavailable: {exc}"))
        return None


async def _schema(kie: Discovery, model_id: str, report: SyncReport) -> tuple[InputSchema | None, bool]:
    """The model's input fields and whether Kie published a schema at all; when there are no
    fields to compare, a note (or an error, for a document we cannot read) says why."""
    try:
        doc = await kie.schema(model_id)
    except (KieValidationError, ValueError) as exc:
        report.notes.append(Note(model_id, f"schema unavailable: {exc}"))
        return None, True
    if doc is None:
        report.notes.append(Note(model_id, "schema not published"))
        return None, False
    try:
        schema = input_schema(doc)
    except OpenApiError as exc:
        report.errors.append(Note(model_id, f"schema unreadable: {exc}"))
        return None, True
    if not schema.task_based:
        report.notes.append(Note(model_id, "not a createTask model (a chat-style endpoint)"))
        return None, True
    return schema, True


def _write(directory: Path, entry: dict[str, Any], day: date) -> DraftResult:
    try:
        return DraftResult(entry["id"], drafts.write(directory, entry, day))
    except drafts.DraftError as exc:
        return DraftResult(entry["id"], None, str(exc))
    except OSError as exc:
        raise SyncError(f"cannot write drafts to {directory}: {exc.strerror or exc}") from None
