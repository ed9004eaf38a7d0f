"""Rows and counts of the model catalog, for the ``catalog`` command and admin screens."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from engine.loader.bundle import Bundle
from engine.schema.catalog import ModelEntry
from plugins.catalog.pricing import PricingError, price_basis, price_from, usd

#: how ``price_basis`` kinds read after a unit price
#: how an importer note marking a model unconfirmed begins (scripts/catalog_import/not_models.py)
UNCONFIRMED = "unconfirmed since "
BASIS_TEXT = {"characters": "chars of", "seconds": "s of", "items": "files in", "entries": "items of"}


@dataclass(frozen=True)
class CatalogRow:
    id: str
    category: str
    tasks: tuple[str, ...]
    enabled: bool
    reason: str | None
    price_from: Decimal | None
    price_from_usd: Decimal | None
    per: str | None
    required: int
    optional: int
    location: str
    unconfirmed_since: str | None = None

    @property
    def status(self) -> str:
        if not self.enabled:
            return f"disabled: {reason_group(self.reason)}"
        return f"enabled, unconfirmed since {self.unconfirmed_since}" if self.unconfirmed_since else "enabled"

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "category": self.category,
            "tasks": list(self.tasks),
            "enabled": self.enabled,
            "disabled_reason": self.reason,
            "price_from_credits": plain(self.price_from),
            "price_from_usd": plain(self.price_from_usd),
            "per": self.per,
            "required_fields": self.required,
            "optional_fields": self.optional,
            "location": self.location,
            "unconfirmed_since": self.unconfirmed_since,
        }


@dataclass(frozen=True)
class CatalogSummary:
    total: int
    enabled: int
    disabled_by_reason: dict[str, int] = field(default_factory=dict)
    enabled_by_task: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "enabled": self.enabled,
            "disabled": self.total - self.enabled,
            "disabled_by_reason": self.disabled_by_reason,
            "enabled_by_task": self.enabled_by_task,
        }


def reason_group(reason: str | None) -> str:
    """The short cause before the colon: "no price", "id only", "low-confidence schema" …"""
    return (reason or "unspecified").split(":", 1)[0].strip()


def catalog_rows(bundle: Bundle) -> list[CatalogRow]:
    """One row per model, in catalog id order."""
    return [_row(m.entry, str(m.locate())) for _, m in sorted(bundle.models.items())]


def _row(entry: ModelEntry, location: str) -> CatalogRow:
    credits: Decimal | None = None
    per: str | None = None
    if entry.price is not None:
        try:
            credits = price_from(entry)
        except PricingError:
            credits = None
        basis = price_basis(entry)
        if basis is not None:
            unit = "" if basis.unit == 1 else f"{plain(basis.unit)} "
            per = f"{unit}{BASIS_TEXT[basis.kind]} {basis.field}"
    required = sum(f.required for f in entry.input.values())
    unconfirmed = next(
        (n.removeprefix(UNCONFIRMED).split(":", 1)[0] for n in entry.notes if n.startswith(UNCONFIRMED)), None
    )
    return CatalogRow(
        id=entry.id,
        category=entry.category,
        tasks=tuple(entry.tasks),
        enabled=entry.enabled,
        reason=entry.disabled_reason,
        price_from=credits,
        price_from_usd=None if credits is None else usd(credits),
        per=per,
        required=required,
        optional=len(entry.input) - required,
        location=location,
        unconfirmed_since=unconfirmed,
    )


def summarize(rows: list[CatalogRow], task_order: list[str] | None = None) -> CatalogSummary:
    by_reason = Counter(reason_group(r.reason) for r in rows if not r.enabled)
    by_task = Counter(t for r in rows if r.enabled for t in r.tasks)
    order = task_order or sorted(by_task)
    return CatalogSummary(
        total=len(rows),
        enabled=sum(r.enabled for r in rows),
        disabled_by_reason=dict(by_reason.most_common()),
        enabled_by_task={t: by_task[t] for t in order if by_task[t]},
    )


def plain(value: Decimal | None) -> str | None:
    """A Decimal without exponent or trailing zeros: 67.50 → "67.5", 40 → "40"."""
    return None if value is None else format(value.normalize(), "f")
