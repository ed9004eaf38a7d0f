"""The dashboard's 30-day chart: revenue, spend and runs per day, drawn as a PNG.

The figures are the dashboard's own (``plugins.admin.dashboard``) split by day in the owner's
zone: top-ups (ledger ``topup_*`` rows), spent on generations (holds captured), what Kie.ai
charged (credits of jobs that succeeded × the credit price × FX) and runs (jobs ordered).
Summed over the days they equal the dashboard's figures from the first day's midnight.

matplotlib is imported only inside ``draw`` (with the Agg backend, no display): the bot and
the linter start without it, and the first chart pays its import once.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from plugins.admin.dashboard import kie_cost_kopecks
from plugins.admin.views import DISPLAY_ZONE
from plugins.wallet.ledger import Kind
from plugins.wallet.settings import WalletSettings

DAYS = 30


@dataclass(frozen=True)
class Day:
    day: date
    topups: int  # kopecks
    spent: int  # kopecks
    kie_cost: int  # kopecks
    runs: int


_TOPUPS = f"""
SELECT width_bucket(created_at, $2::timestamptz[]) AS day, sum(amount) AS value FROM ledger
 WHERE kind IN ('{Kind.TOPUP_STARS.value}', '{Kind.TOPUP_RECEIPT.value}') AND created_at >= $1
 GROUP BY 1
"""
_SPENT = """
SELECT width_bucket(settled_at, $2::timestamptz[]) AS day, sum(amount) AS value FROM holds
 WHERE state = 'captured' AND settled_at >= $1
 GROUP BY 1
"""
_CREDITS = """
SELECT width_bucket(finished_at, $2::timestamptz[]) AS day, sum(kie_credits) AS value FROM jobs
 WHERE finished_at IS NOT NULL AND finished_at >= $1 AND state = 'succeeded'
 GROUP BY 1
"""
_RUNS = """
SELECT width_bucket(created_at, $2::timestamptz[]) AS day, count(*) AS value FROM jobs
 WHERE created_at >= $1
 GROUP BY 1
"""
#: every query the chart runs (the benchmark times each)
QUERIES = {"chart.topups": _TOPUPS, "chart.spent": _SPENT, "chart.kie_credits": _CREDITS, "chart.runs": _RUNS}


def first_day(now: datetime, days: int = DAYS) -> datetime:
    """Midnight, in the owner's zone, of the first of ``days`` days ending today."""
    local = now.astimezone(DISPLAY_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    return local - timedelta(days=days - 1)


def midnights(since: datetime, days: int) -> list[datetime]:
    """Each day's start in the owner's zone (wall-clock days: right across a DST change too).
    The queries put a row in its day with ``width_bucket`` over these, a binary search, which
    is much cheaper per row than converting every timestamp to the zone."""
    return [since + timedelta(days=i) for i in range(days)]


async def daily(pool: asyncpg.Pool, now: datetime, settings: WalletSettings, days: int = DAYS) -> list[Day]:
    """One row per day, oldest first, days without anything included as zeros."""
    since = first_day(now, days)
    bounds = midnights(since, days)
    found = await asyncio.gather(*(pool.fetch(sql, since, bounds) for sql in QUERIES.values()))
    per: dict[str, dict[int, Any]] = {
        name: {r["day"]: r["value"] for r in rows} for name, rows in zip(QUERIES, found, strict=True)
    }
    out = []
    for i, midnight in enumerate(bounds, start=1):  # width_bucket counts from 1
        day = midnight.date()
        credits = Decimal(str(per["chart.kie_credits"].get(i) or 0))
        out.append(
            Day(
                day=day,
                topups=int(per["chart.topups"].get(i) or 0),
                spent=int(per["chart.spent"].get(i) or 0),
                kie_cost=kie_cost_kopecks(credits, settings),
                runs=int(per["chart.runs"].get(i) or 0),
            )
        )
    return out


@dataclass(frozen=True)
class Labels:
    """The chart's words in the admin's language (locale texts)."""

    title: str
    money: str  # the money axis, e.g. "₽"
    topups: str
    spent: str
    kie_cost: str
    runs: str


def draw(days: list[Day], labels: Labels) -> bytes:
    """The chart as PNG bytes. CPU-bound: call it in a thread."""
    import matplotlib

    matplotlib.use("Agg")  # no display; the only backend the bot ever needs
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in a thread

    x = [d.day for d in days]
    figure = Figure(figsize=(9, 6), dpi=100, layout="constrained")
    money, runs = figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    money.set_title(labels.title)
    for values, label, style in (
        ([d.topups / 100 for d in days], labels.topups, "-o"),
        ([d.spent / 100 for d in days], labels.spent, "-s"),
        ([d.kie_cost / 100 for d in days], labels.kie_cost, "-^"),
    ):
        money.plot(x, values, style, label=label, markersize=3)
    money.set_ylabel(labels.money)
    money.grid(alpha=0.3)
    money.legend(loc="upper left")
    runs.bar(x, [d.runs for d in days], color="tab:gray", label=labels.runs)
    runs.set_ylabel(labels.runs)
    runs.grid(alpha=0.3, axis="y")
    figure.autofmt_xdate()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
