"""The owner's dashboard in the admin console: figures for a period, and a 30-day chart.

Support may see it (it is read-only). Kie.ai's credit balance is asked live with a time
limit, so a slow or failing Kie.ai shows it as unknown instead of holding the screen.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.plugin import CallContext, NoArgs, action, query
from plugins.admin import chart, dashboard
from plugins.admin.kie_alert import KieBalance
from plugins.admin.plugin_base import AdminOps
from plugins.admin.views import Dashboard, DashboardArgs, ModelLine, show_time
from plugins.integrations.kie.errors import KieError

log = logging.getLogger(__name__)

#: how long the dashboard waits for Kie.ai's balance before showing it as unknown
KIE_BALANCE_TIMEOUT = 5.0


class DashboardOps(AdminOps):
    """The dashboard part of ``AdminPlugin`` (its operations are the plug-in's)."""

    kie_balance: KieBalance | None

    @query(guard="support")
    async def dashboard(self, ctx: CallContext, args: DashboardArgs) -> Dashboard:
        """Money, people and models for today, 7 or 30 days (read-only: support may see it)."""
        since = dashboard.period_start(args.period, datetime.now(UTC))
        settings = await self.wallet.get_settings()
        f = await dashboard.figures(self.pool, since, settings)
        lines = [
            ModelLine(
                name=self._model_name(m.model, ctx.language),
                runs=m.runs,
                failed=m.failed,
                failure_percent=_percent(m.failure_rate, ctx.language),
                median=_duration(m.median_seconds),
            )
            for m in await dashboard.models(self.pool, since)
        ]
        money = self._money
        return Dashboard(
            since=show_time(since),
            topups_text=money(f.topups, ctx),
            topup_stars_text=money(f.topup_stars, ctx),
            topup_transfer_text=money(f.topup_transfer, ctx),
            spent_text=money(f.spent, ctx),
            kie_cost_text=money(f.kie_cost, ctx),
            kie_credits=_number(f.kie_credits, ctx.language),
            refunds_text=money(f.refunds, ctx),
            stars_refunded_text=money(f.stars_refunded, ctx),
            net_topups_text=money(f.net_topups, ctx),
            given_away_text=money(f.given_away, ctx),
            given_welcome_text=money(f.given_welcome, ctx),
            given_referral_text=money(f.given_referral, ctx),
            given_promo_text=money(f.given_promo, ctx),
            margin_text=money(f.margin, ctx),
            free_runs=f.free_runs,
            new_users=f.new_users,
            active_users=f.active_users,
            paying_users=f.paying_users,
            jobs_without_credits=f.jobs_without_credits,
            models=lines,
            kie_balance=await self._kie_balance(ctx),
        )

    @action(guard="support")
    async def dashboard_chart(self, ctx: CallContext, args: NoArgs) -> None:
        """The last 30 days (revenue, spend, runs) sent as a picture, drawn off the event loop."""
        from aiogram.types import BufferedInputFile  # only when a bot runs

        days = await chart.daily(self.pool, datetime.now(UTC), await self.wallet.get_settings())

        def text(key: str, **values: Any) -> str:
            return self.bundle.render(f"admin.dashboard.chart.{key}", ctx.language, values)

        labels = chart.Labels(*(text(k) for k in ("title", "money", "topups", "spent", "kie_cost", "runs")))
        png = await asyncio.to_thread(chart.draw, days, labels)
        caption = text(
            "caption",
            topups=self._money(sum(d.topups for d in days), ctx),
            spent=self._money(sum(d.spent for d in days), ctx),
            kie_cost=self._money(sum(d.kie_cost for d in days), ctx),
            runs=sum(d.runs for d in days),
        )
        await self.bot.send_photo(
            ctx.chat_id, BufferedInputFile(png, "dashboard-30-days.png"), caption=caption
        )

    async def _kie_balance(self, ctx: CallContext) -> str:
        """Kie.ai's credit balance, or empty when it cannot be read now."""
        if self.kie_balance is None:
            return ""
        try:
            credits = await asyncio.wait_for(self.kie_balance(), KIE_BALANCE_TIMEOUT)
        except (KieError, TimeoutError, OSError) as exc:
            log.warning("Kie.ai credit balance unavailable: %s", exc)
            return ""
        return _number(credits, ctx.language)


def _percent(rate: float, language: str) -> str:
    text = f"{rate * 100:.1f}".removesuffix(".0")
    return (text if language == "en" else text.replace(".", ",")) + "\u00a0%"


def _duration(seconds: float | None) -> str:
    """``83.4`` → ``1:23``; ``—`` when nothing finished."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _number(value: Decimal, language: str) -> str:
    """Credits as the owner reads them: ``1 234,5`` (ru) or ``1,234.5`` (en)."""
    text = f"{value.normalize():,f}" if value else "0"
    if language == "en":
        return text
    return text.replace(",", "\u00a0").replace(".", ",")
