"""``python -m engine catalog [ROOT] [--format table|json]``: the catalog at a glance."""

from __future__ import annotations

import json

from engine.catalog.listing import CatalogRow, CatalogSummary, catalog_rows, plain, summarize
from engine.loader.bundle import Bundle

COLUMNS = ("ID", "CATEGORY", "TASKS", "STATUS", "FROM CR", "FROM USD", "PER", "REQ/OPT")


def run(bundle: Bundle, fmt: str = "table") -> int:
    """Print the catalog; the exit code is 0 (listing is not a check — ``lint`` is)."""
    rows = catalog_rows(bundle)
    summary = summarize(rows, list(bundle.tasks))
    print(format_json(rows, summary) if fmt == "json" else format_table(rows, summary))
    return 0


def format_json(rows: list[CatalogRow], summary: CatalogSummary) -> str:
    return json.dumps({"models": [r.as_json() for r in rows], "summary": summary.as_json()},
                      ensure_ascii=False, indent=2)


def format_table(rows: list[CatalogRow], summary: CatalogSummary) -> str:
    cells = [COLUMNS] + [_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(COLUMNS))).rstrip() for c in cells]
    return "\n".join([*lines, "", summary_line(summary)])


def summary_line(summary: CatalogSummary) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in summary.disabled_by_reason.items())
    tasks = ", ".join(f"{k} {v}" for k, v in summary.enabled_by_task.items())
    disabled = summary.total - summary.enabled
    return (f"{summary.total} models: {summary.enabled} enabled, {disabled} disabled"
            + (f" ({reasons})" if reasons else "")
            + (f"\nenabled per task: {tasks}" if tasks else ""))


def _cells(row: CatalogRow) -> tuple[str, ...]:
    credits = plain(row.price_from) or "-"
    dollars = "-" if row.price_from_usd is None else f"${row.price_from_usd:.4f}"
    return (row.id, row.category, ",".join(row.tasks) or "-", row.status, credits, dollars,
            row.per or "", f"{row.required}/{row.optional}")

