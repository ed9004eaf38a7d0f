"""``python -m engine catalog [ROOT] [--format table|json]``: the catalog at a glance, and
``python -m engine catalog sync [ROOT] …``: the catalog against Kie.ai's (see ``sync``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.lint.linter import format_json as format_problems_json
from engine.lint.linter import format_text as format_problems_text
from engine.loader.bundle import Bundle, load_bundle
from engine.loader.errors import BundleLoadError
from engine.project import ProjectCommand
from plugins.catalog.listing import CatalogRow, CatalogSummary, catalog_rows, plain, summarize

if TYPE_CHECKING:  # the sync pulls in aiohttp; the plain listing stays quick to start
    from plugins.catalog.sync import Pacer, SyncReport

COLUMNS = ("ID", "CATEGORY", "TASKS", "STATUS", "FROM CR", "FROM USD", "PER", "REQ/OPT")
EXIT_UNLOADABLE = 2


def main(argv: list[str]) -> int:
    """``catalog [ROOT] [--format table|json]``, or ``catalog sync …``."""
    if argv[:1] == ["sync"]:  # a sub-action beside the listing's optional ROOT
        return sync_main(argv[1:])
    args = listing_parser().parse_args(argv)
    try:
        bundle = load_bundle(Path(args.root))
    except BundleLoadError as exc:
        print(
            format_problems_json(exc.problems)
            if args.format == "json"
            else format_problems_text(exc.problems)
        )
        return EXIT_UNLOADABLE
    return run(bundle, args.format)


def listing_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine catalog",
        description="List the models: status, price from, fields ('catalog sync --help': "
        "compare them with Kie.ai).",
    )
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    return parser


COMMAND = ProjectCommand(
    "catalog",
    "list the models: status, price from, fields ('catalog sync --help': compare them with Kie.ai)",
    main,
)


def run(bundle: Bundle, fmt: str = "table") -> int:
    """Print the catalog; the exit code is 0 (listing is not a check — ``lint`` is)."""
    rows = catalog_rows(bundle)
    summary = summarize(rows, list(bundle.tasks))
    print(format_json(rows, summary) if fmt == "json" else format_table(rows, summary))
    return 0


def format_json(rows: list[CatalogRow], summary: CatalogSummary) -> str:
    return json.dumps(
        {"models": [r.as_json() for r in rows], "summary": summary.as_json()}, ensure_ascii=False, indent=2
    )


def format_table(rows: list[CatalogRow], summary: CatalogSummary) -> str:
    cells = [COLUMNS] + [_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(COLUMNS))).rstrip() for c in cells]
    return "\n".join([*lines, "", summary_line(summary)])


def summary_line(summary: CatalogSummary) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in summary.disabled_by_reason.items())
    tasks = ", ".join(f"{k} {v}" for k, v in summary.enabled_by_task.items())
    disabled = summary.total - summary.enabled
    return (
        f"{summary.total} models: {summary.enabled} enabled, {disabled} disabled"
        + (f" ({reasons})" if reasons else "")
        + (f"\nenabled per task: {tasks}" if tasks else "")
    )


def _cells(row: CatalogRow) -> tuple[str, ...]:
    credits = plain(row.price_from) or "-"
    dollars = "-" if row.price_from_usd is None else f"${row.price_from_usd:.4f}"
    return (
        row.id,
        row.category,
        ",".join(row.tasks) or "-",
        row.status,
        credits,
        dollars,
        row.per or "",
        f"{row.required}/{row.optional}",
    )


# ------------------------------------------------------------------ catalog sync

EXIT_SYNCED, EXIT_DRIFT, EXIT_FAILED = 0, 1, 2


def sync_parser() -> argparse.ArgumentParser:
    from plugins.catalog.sync import DEFAULT_SPACING
    from plugins.integrations.kie.client import DEFAULT_BASE_URL

    parser = argparse.ArgumentParser(
        prog="python -m engine catalog sync",
        description="Compare models/ with Kie.ai's catalog: new and retired ids, changed input "
        "fields, price texts. Exit 0 in sync, 1 on differences, 2 on errors.",
    )
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument(
        "--api-url", help=f"Kie.ai API base URL (default: KIE_API_URL, else {DEFAULT_BASE_URL})"
    )
    parser.add_argument(
        "--api-key",
        help="Kie.ai API key (default: KIE_API_KEY; prefer it: a key "
        "on the command line shows in the process list)",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--write-drafts",
        metavar="DIR",
        type=Path,
        help="write a disabled draft YAML per new or changed model here (never into models/)",
    )
    parser.add_argument(
        "--spacing",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_SPACING,
        help=f"pause between Kie.ai discovery calls (Kie allows 1 per second per "
        f"account; default {DEFAULT_SPACING})",
    )
    return parser


def sync_main(argv: list[str]) -> int:
    parser = sync_parser()
    args = parser.parse_args(argv)
    if args.spacing < 0:
        parser.error("--spacing must not be negative")
    return asyncio.run(run_sync(args))


async def run_sync(args: argparse.Namespace, *, pacer: Pacer | None = None, today: date | None = None) -> int:
    """The ``catalog sync`` command; ``pacer`` and ``today`` are for tests."""
    from plugins.catalog.importer import ImporterMissing
    from plugins.catalog.sync import Discovery, Pacer, SyncError, read_credentials, sync_catalog
    from plugins.integrations.kie.client import KieClient

    try:
        bundle = load_bundle(Path(args.root))
    except BundleLoadError as exc:
        problems = exc.problems
        print(format_problems_json(problems) if args.format == "json" else format_problems_text(problems))
        return EXIT_FAILED
    try:
        key, url = read_credentials(args.api_key, args.api_url)
        drafts_dir = _drafts_dir(args.write_drafts, bundle.root)
        entries = {model_id: model.entry for model_id, model in bundle.models.items()}
        async with KieClient(key, base_url=url) as client:
            discovery = Discovery(client, pacer or Pacer(args.spacing))
            report = await sync_catalog(
                entries, discovery, drafts_dir=drafts_dir, today=today, announce=_to_stderr
            )
    except (SyncError, ImporterMissing) as exc:
        if args.format == "json":
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        else:
            print(f"catalog sync: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(format_sync_json(report) if args.format == "json" else format_sync_text(report))
    if report.errors:
        return EXIT_FAILED
    return EXIT_SYNCED if report.in_sync else EXIT_DRIFT


def _drafts_dir(wanted: Path | None, root: Path) -> Path | None:
    if wanted is None:
        return None
    from plugins.catalog.sync import SyncError

    target, models = wanted.resolve(), (root / "models").resolve()
    if target == models or models in target.parents:
        raise SyncError("drafts are never written into models/: pass another --write-drafts folder")
    return target


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def format_sync_json(report: SyncReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def format_sync_text(report: SyncReport) -> str:
    lines = [f"Kie.ai lists {report.listed} models; models/ has {report.ours}."]
    if report.new:
        lines += ["", f"New at Kie, not in models/ ({len(report.new)}):"]
        for new in report.new:
            about = "; ".join(filter(None, [new.provider, ", ".join(new.task_types)]))
            lines.append(
                f"  + {new.id}" + (f" — {new.title}" if new.title else "") + (f" ({about})" if about else "")
            )
            if new.pricing_desc:
                lines.append(f"      Kie price: {new.pricing_desc}")
    if report.non_models:
        lines += ["", f"Listed by Kie, known not to be models ({len(report.non_models)}):"]
        lines += [f"  · {m.id}: {m.reason}" for m in report.non_models]
    if report.retired:
        lines += ["", f"In models/, no longer listed by Kie ({len(report.retired)}):"]
        lines += [
            f"  - {m.id}" + (" (enabled: users can still pick it)" if m.enabled else "")
            for m in report.retired
        ]
    if report.changed:
        lines += ["", f"Input fields that differ from Kie's schema ({len(report.changed)}):"]
        for changed in report.changed:
            lines.append(f"  ~ {changed.id}")
            lines += [f"      {change.line()}" for change in changed.changes]
    if report.mismatches:
        lines += ["", "Prices Kie states otherwise (ours: the lowest a user can pick, in credits):"]
        for check in report.mismatches:
            ours = "?" if check.price_from is None else plain(check.price_from)
            lines.append(f"  ! {check.model}: ours from {ours}; Kie: {check.pricing_desc}")
    if report.notes:
        lines += ["", "Notes:"] + [f"  {n.id}: {n.text}" for n in report.notes]
    if report.errors:
        lines += ["", "Not checked (errors):"] + [f"  {n.id}: {n.text}" for n in report.errors]
    if report.drafts:
        lines += ["", "Drafts (disabled; review, then move into models/):"]
        lines += [f"  {d.path}" if d.path else f"  {d.id}: not written — {d.problem}" for d in report.drafts]
    lines += ["", _verdict(report)]
    return "\n".join(lines)


def _verdict(report: SyncReport) -> str:
    counts = [
        (len(report.new), "new"),
        (len(report.retired), "retired"),
        (len(report.changed), "with changed fields"),
        (len(report.mismatches), "price mismatch(es)"),
    ]
    found = ", ".join(f"{n} {what}" for n, what in counts if n)
    if report.errors:
        head = f"Incomplete: {len(report.errors)} model(s) could not be checked" + (
            f"; differences among the rest: {found}." if found else "."
        )
    elif found:
        head = f"Differences: {found}."
    else:
        head = "In sync: no new, retired or changed models, no price mismatch."
    judge = sum(p.verdict == "judge" for p in report.prices)
    unpriced = sum(p.verdict == "no_rule" for p in report.prices)
    read = [
        f"{judge} name several figures or none" if judge else "",
        f"{unpriced} are for models without a price rule here" if unpriced else "",
    ]
    if judge or unpriced:
        head += (
            f" Price texts to read by eye: {'; '.join(filter(None, read))} — --format json "
            f"lists each beside our price."
        )
    return head
