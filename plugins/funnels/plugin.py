"""The ``funnels`` namespace: the admin console's funnel, drop-off and A/B split reports,
the funnel chart sent as a picture, and ending a split by picking its winner (audited)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, NoArgs, Plugin, action, query
from plugins.admin import audit
from plugins.admin.roles import Role, RoleBook, passes
from plugins.admin.views import DISPLAY_ZONE, show_time
from plugins.funnels import report
from plugins.funnels.views import (
    ArmLine,
    CompareArgs,
    CompareView,
    ExitLine,
    ExitsArgs,
    ExitsView,
    FunnelView,
    Period,
    PeriodArgs,
    PickArgs,
    Picked,
    ReportArgs,
    ScreenItem,
    Sent,
    SourceItem,
    SplitArgs,
    SplitItem,
    VariantItem,
)

if TYPE_CHECKING:
    from aiogram import Bot

    from engine.runtime.interpreter import Runtime

FUNNEL_TEXTS: dict[str, dict[str, Any]] = {
    "admin.funnels.error.forbidden": {},
    "admin.funnels.error.no_split": {},
    "admin.funnels.chart.title": {"since": str},
    "admin.funnels.chart.started": {},
    "admin.funnels.chart.card": {},
    "admin.funnels.chart.generation": {},
    "admin.funnels.chart.topup": {},
    "admin.funnels.chart.second": {},
}


def period_start(period: Period, now: datetime) -> datetime:
    """Today from midnight in the owner's zone; otherwise 7, 30 or 90 days back."""
    if period == "today":
        return now.astimezone(DISPLAY_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    return now - timedelta(days={"week": 7, "month": 30, "quarter": 90}[period])


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}\xa0%"


class FunnelsPlugin(Plugin):
    namespace = "funnels"
    texts = FUNNEL_TEXTS

    def __init__(self, pool: asyncpg.Pool, bundle: Bundle, bot: Bot, roles: RoleBook) -> None:
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.roles = roles
        self.runtime: Runtime | None = None  # set once the interpreter exists (assembly)

    def _range(self, period: Period) -> tuple[datetime, datetime]:
        now = datetime.now(UTC)
        return period_start(period, now), now

    async def _funnel(self, args: ReportArgs) -> tuple[report.Funnel, datetime]:
        since, until = self._range(args.period)
        return await report.funnel(self.pool, since, until, args.source), since

    @query(guard="support")
    async def report(self, ctx: CallContext, args: ReportArgs) -> FunnelView:
        """The funnel of users who started in the period (of one source, or all)."""
        found, since = await self._funnel(args)
        counts = found.counts
        return FunnelView(
            since=show_time(since),
            started=counts[0],
            card=counts[1],
            generation=counts[2],
            topup=counts[3],
            second=counts[4],
            card_rate=percent(found.conversion(1)),
            generation_rate=percent(found.conversion(2)),
            topup_rate=percent(found.conversion(3)),
            second_rate=percent(found.conversion(4)),
            overall_rate=percent(counts[4] / counts[0] if counts[0] else None),
        )

    @query(guard="support")
    async def sources(self, ctx: CallContext, args: PeriodArgs) -> list[SourceItem]:
        """The period's sources, biggest first."""
        since, until = self._range(args.period)
        return [SourceItem(id=s, users=n) for s, n in await report.sources(self.pool, since, until)]

    @action(guard="support")
    async def send_chart(self, ctx: CallContext, args: ReportArgs) -> Sent:
        """The funnel as a picture, sent to the admin's chat."""
        from aiogram.types import BufferedInputFile  # only when a bot runs

        from plugins.funnels.chart import funnel_png

        found, since = await self._funnel(args)

        def text(key: str, **params: Any) -> str:
            return self.bundle.render(f"admin.funnels.chart.{key}", ctx.language, params)

        png = funnel_png(
            text("title", since=show_time(since)), [text(step) for step in report.STEPS], found.counts
        )
        await self.bot.send_photo(ctx.chat_id, BufferedInputFile(png, filename="funnel.png"))
        return Sent(sent=True)

    @query(guard="support")
    async def busiest(self, ctx: CallContext, args: PeriodArgs) -> list[ScreenItem]:
        """The screens most users saw in the period."""
        since, until = self._range(args.period)
        return [ScreenItem(id=s, users=n) for s, n in await report.busiest_screens(self.pool, since, until)]

    @query(guard="support")
    async def exits(self, ctx: CallContext, args: ExitsArgs) -> ExitsView:
        """Where the screen's visitors went next, and how many left the bot there."""
        since, until = self._range(args.period)
        found = await report.exits(self.pool, args.screen, since, until)
        visitors = await self.pool.fetchval(
            "SELECT count(DISTINCT user_id) FROM flow_events"
            " WHERE kind = 'view' AND screen = $1 AND at >= $2 AND at < $3",
            args.screen,
            since,
            until,
        )
        return ExitsView(
            since=show_time(since),
            visitors=visitors,
            left=sum(e.users for e in found if e.screen is None),
            next=[ExitLine(screen=e.screen, users=e.users) for e in found if e.screen is not None],
        )

    # ------------------------------------------------------------------------ splits
    async def _winners(self) -> Mapping[str, str]:
        rows = await self.pool.fetch("SELECT split, variant FROM split_winners")
        return {r["split"]: r["variant"] for r in rows}

    @query(guard="support")
    async def splits(self, ctx: CallContext, args: NoArgs) -> list[SplitItem]:
        """The flows' splits, with the winner of those an admin ended."""
        winners = await self._winners()
        return [
            SplitItem(id=s.id, screen=s.screen, winner=winners.get(s.id, ""))
            for s in self.bundle.splits.values()
        ]

    @query(guard="support")
    async def variants(self, ctx: CallContext, args: SplitArgs) -> list[VariantItem]:
        split = self.bundle.splits.get(args.split)
        if split is None:
            raise ActionError("admin.funnels.error.no_split")
        return [VariantItem(id=v, split=split.id) for v in split.variants]

    @query(guard="support")
    async def compare(self, ctx: CallContext, args: CompareArgs) -> CompareView:
        """Each variant's users and the share that reached the goal, with a 95 % interval."""
        if args.split not in self.bundle.splits:
            raise ActionError("admin.funnels.error.no_split")
        since, until = self._range(args.period)
        lines = []
        for arm in await report.arms(self.pool, args.split, args.goal, since, until):
            low, high = arm.interval()
            lines.append(
                ArmLine(
                    variant=arm.variant,
                    users=arm.users,
                    reached=arm.reached,
                    share=percent(arm.share),
                    low=percent(low),
                    high=percent(high),
                )
            )
        return CompareView(
            since=show_time(since), winner=await report.winner(self.pool, args.split) or "", arms=lines
        )

    @action(guard="admin")
    async def pick_winner(self, ctx: CallContext, args: PickArgs) -> Picked:
        """End a split: everyone gets ``variant`` from now on, on every instance (audited)."""
        if not passes(await self.roles.current(ctx.user_id), Role.ADMIN):
            raise ActionError("admin.funnels.error.forbidden")
        split = self.bundle.splits.get(args.split)
        if split is None or args.variant not in split.variants:
            raise ActionError("admin.funnels.error.no_split")
        async with self.pool.acquire() as conn, conn.transaction():
            old = await conn.fetchval(
                "SELECT variant FROM split_winners WHERE split = $1 FOR UPDATE", split.id
            )
            await conn.execute(
                "INSERT INTO split_winners (split, variant, chosen_by) VALUES ($1, $2, $3)"
                " ON CONFLICT (split) DO UPDATE SET variant = $2, chosen_by = $3, chosen_at = now()",
                split.id,
                args.variant,
                ctx.user_id,
            )
            await audit.record(conn, ctx.user_id, "split_winner", subject=split.id, old=old, new=args.variant)
        if self.runtime is not None:
            self.runtime.splits.forget()  # this instance at once; the others within seconds
        return Picked(split=split.id, variant=args.variant)
