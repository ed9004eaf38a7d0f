"""The 30-day chart: its data from a known ledger, day by day, agreeing with the dashboard;
a PNG drawn from it; and matplotlib never imported until a chart is drawn."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg

from plugins.admin import chart, dashboard
from plugins.admin.views import DISPLAY_ZONE
from tests.plugins.admin.test_dashboard import FX, NOW, known_days  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[3]


def day(moment: datetime) -> object:
    return moment.astimezone(DISPLAY_ZONE).date()


async def test_each_day_holds_that_days_figures(known_days: asyncpg.Pool) -> None:  # noqa: F811
    days = await chart.daily(known_days, NOW, FX)
    assert len(days) == 30 and days[-1].day == day(NOW)
    assert [d.day for d in days] == sorted(d.day for d in days)
    topups: Counter[object] = Counter()
    topups[day(NOW - timedelta(hours=1))] += 50_000
    topups[day(NOW - timedelta(hours=2))] += 123_450
    topups[day(NOW - timedelta(days=5))] += 30_000  # the 40-day-old top-up is out
    spent: Counter[object] = Counter()
    spent[day(NOW)] += 4_000 + 9_500  # captured as the fixture ran
    spent[day(NOW - timedelta(days=5))] += 95_000
    runs: Counter[object] = Counter()
    for seconds in (60, 30, 120, 20, 10):  # today's five orders
        runs[day(NOW - timedelta(minutes=1, seconds=seconds))] += 1
    runs[day(NOW - timedelta(days=5, seconds=300))] += 1
    cost: Counter[object] = Counter()
    cost[day(NOW - timedelta(minutes=1))] += 903  # 19 credits × 47.5 kopecks, half up
    cost[day(NOW - timedelta(days=5))] += 4_750  # 100 credits
    for d in days:
        assert (d.topups, d.spent, d.runs, d.kie_cost) == (
            topups[d.day],
            spent[d.day],
            runs[d.day],
            cost[d.day],
        ), d


async def test_the_days_add_up_to_the_dashboard(known_days: asyncpg.Pool) -> None:  # noqa: F811
    days = await chart.daily(known_days, NOW, FX)
    f = await dashboard.figures(known_days, chart.first_day(NOW), FX)
    assert sum(d.topups for d in days) == f.topups
    assert sum(d.spent for d in days) == f.spent
    assert sum(d.kie_cost for d in days) == 903 + 4_750  # per day, rounded per day
    assert f.kie_cost == 5_653


def test_a_png_is_drawn() -> None:
    days = [
        chart.Day(NOW.date() - timedelta(days=29 - i), i * 1000, i * 700, i * 300, i % 4) for i in range(30)
    ]
    labels = chart.Labels("Последние 30 дней", "₽", "Пополнения", "Потрачено", "Kie.ai", "Запуски")
    png = chart.draw(days, labels)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_the_bot_and_the_linter_start_without_matplotlib() -> None:
    code = (
        "import sys\n"
        "import app.assembly, app.project, plugins.admin.chart, plugins.admin.plugin\n"
        "from engine.cli import main\n"
        "main(['lint'])\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported too early'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
