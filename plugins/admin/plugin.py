"""The ``admin`` namespace: roles as guards, and the console's queries and actions.

Every action names the guard it needs (the runtime refuses anyone else, and the linter
refuses a flow that calls it from a screen without that guard); each action that changes
something also asks the roles table itself, so a stale cache never grants a power.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, GuardCheck, NoArgs, Plugin, action, query
from plugins.admin import audit, chart, dashboard
from plugins.admin.audit import AuditEntry
from plugins.admin.audit_view import TEXTS as AUDIT_TEXTS
from plugins.admin.audit_view import AuditView
from plugins.admin.console import Console, Refused
from plugins.admin.roles import GUARD_IMPLIES, Role, RoleBook, passes
from plugins.admin.settings import KINDS as SETTING_KINDS
from plugins.admin.users import Directory
from plugins.admin.views import (
    CARD_SCREEN,
    AdjustArgs,
    Adjusted,
    Amount,
    AmountArgs,
    AuditArgs,
    AuditItem,
    BlockArgs,
    BlockState,
    Dashboard,
    DashboardArgs,
    Done,
    EntryArgs,
    FindArgs,
    Found,
    GrantArgs,
    JobArgs,
    JobItem,
    MessageArgs,
    ModelLine,
    OperationItem,
    PrepareArgs,
    Prepared,
    Preview,
    PreviewArgs,
    Refunded,
    StaffItem,
    UserArgs,
    UserCard,
    show_time,
)
from plugins.admin.watch import BlockList
from plugins.generation.job import JobState
from plugins.integrations.kie.errors import KieError
from plugins.wallet.ledger import Kind
from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.service import Wallet

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot
    from aiogram.types import Message

    from engine.runtime.interpreter import Runtime

log = logging.getLogger(__name__)

#: Kie.ai's credit endpoint (``KieClient.credits``)
KieBalance = Callable[[], Awaitable[Decimal]]
#: how long the dashboard waits for Kie.ai's balance before showing it as unknown
KIE_BALANCE_TIMEOUT = 5.0

ADMIN_TEXTS: dict[str, dict[str, Any]] = {
    "admin.alerts.model_paused": {"model": str, "failures": int, "minutes": int},
    "admin.alerts.no_credits": {"model": str, "failures": int, "minutes": int},
    "admin.error.forbidden": {},
    "admin.error.not_found": {},
    "admin.error.amount_invalid": {},
    "admin.error.zero_amount": {},
    "admin.error.insufficient": {"balance": str},
    "admin.error.already_done": {},
    "admin.error.job_not_found": {},
    "admin.error.not_charged": {},
    "admin.error.already_refunded": {},
    "admin.error.cannot_block_staff": {},
    "admin.error.owner_is_configured": {},
    "admin.error.bot_blocked": {},
    "admin.error.reason_short": {},
    "admin.blocked_notice": {},
    "admin.message_to_user": {"text": str},
    "admin.forward_hidden": {},
    "admin.dashboard.chart.title": {},
    "admin.dashboard.chart.money": {},
    "admin.dashboard.chart.topups": {},
    "admin.dashboard.chart.spent": {},
    "admin.dashboard.chart.kie_cost": {},
    "admin.dashboard.chart.runs": {},
    "admin.dashboard.chart.caption": {"topups": str, "spent": str, "kie_cost": str, "runs": int},
    **AUDIT_TEXTS,
}


class AdminPlugin(Plugin):
    namespace = "admin"
    texts = ADMIN_TEXTS
    guard_implies = GUARD_IMPLIES
    #: opened by a staff member's forwarded message
    screens: ClassVar[Mapping[str, Mapping[str, Any]]] = {CARD_SCREEN: {"user": int}}

    def __init__(
        self,
        pool: asyncpg.Pool,
        bundle: Bundle,
        bot: Bot,
        wallet: Wallet,
        roles: RoleBook,
        blocks: BlockList,
        kie_balance: KieBalance | None = None,
    ) -> None:
        self.kie_balance = kie_balance
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.wallet = wallet
        self.roles = roles
        self.blocks = blocks
        self.directory = Directory(pool)
        self.console = Console(pool, wallet, roles, self.directory)
        self.runtime: Runtime | None = None  # set once the interpreter exists (assembly)

    async def open_card(self, message: Message, user_id: int) -> None:
        """A staff member forwarded a message: show its author's card."""
        from engine.telegram.router import person  # aiogram: imported when a bot runs only

        assert self.runtime is not None and message.from_user is not None
        await self.runtime.open(person(message.from_user), message.chat.id, CARD_SCREEN, {"user": user_id})

    def guards(self) -> Mapping[str, GuardCheck]:
        def guard(role: Role) -> GuardCheck:
            return lambda ctx: passes(self.roles.role_of(ctx.user_id), role)

        return {role.value: guard(role) for role in Role}

    async def _require(self, ctx: CallContext, role: Role) -> None:
        """The roles table's word, not the cache's: a revoked admin can do nothing."""
        if not passes(await self.roles.current(ctx.user_id), role):
            raise ActionError("admin.error.forbidden")

    def _money(self, kopecks: int, ctx: CallContext, *, signed: bool = False) -> str:
        return format_rub(kopecks, ctx.language, signed=signed)

    def _model_name(self, model: str, language: str) -> str:
        found = self.bundle.models.get(model)
        if found is None:
            return model
        return found.entry.name.en if language == "en" else found.entry.name.ru

    # ------------------------------------------------------------------------- users
    @action(guard="support")
    async def find_user(self, ctx: CallContext, args: FindArgs) -> Found:
        """A user by id or @username."""
        await self._require(ctx, Role.SUPPORT)
        found = await self.directory.find(args.query)
        if found is None:
            raise ActionError("admin.error.not_found")
        return Found(user=found)

    @query(guard="support")
    async def user_card(self, ctx: CallContext, args: UserArgs) -> UserCard:
        """Who the user is, their money, jobs, receipts and blocks."""
        person = await self.directory.person(args.user)
        facts = await self.directory.facts(args.user)
        limits = await self.wallet.get_settings()
        role = self.roles.role_of(args.user)
        return UserCard(
            user_id=args.user,
            name=person.first_name,
            username=person.username or "",
            language=person.language or "",
            role=role.value if role else "",
            balance_text=self._money(facts.balance, ctx),
            free_hour=facts.free_hour,
            free_day=facts.free_day,
            free_hourly_limit=limits.free_hourly_limit,
            free_daily_limit=limits.free_daily_limit,
            jobs=facts.jobs,
            receipts_pending=facts.receipts_pending,
            receipts_total=facts.receipts_total,
            blocked=facts.blocked,
            block_reason=facts.block_reason,
            bot_blocked=person.bot_blocked,
            seen=show_time(person.last_seen_at) if person.last_seen_at else "",
        )

    @query(guard="support")
    async def user_operations(self, ctx: CallContext, args: UserArgs) -> list[OperationItem]:
        """The user's ledger, newest first, with model names."""
        return [
            OperationItem(
                id=op.id,
                amount_text=self._money(op.amount, ctx, signed=True),
                kind=Kind(op.kind),
                detail=self._model_name(op.model, ctx.language) if op.model else op.note,
                time=show_time(op.created_at),
            )
            for op in await self.directory.operations(args.user)
        ]

    def _job_item(self, job: Any, ctx: CallContext) -> JobItem:
        return JobItem(
            id=job.id,
            user_id=job.user_id,
            model=self._model_name(job.model, ctx.language),
            state=JobState(job.state),
            price_text=self._money(job.price, ctx),
            charged=job.hold_state == "captured" and not job.free,
            refunded=job.refunded,
            time=show_time(job.created_at),
        )

    @query(guard="support")
    async def user_jobs(self, ctx: CallContext, args: UserArgs) -> list[JobItem]:
        """The user's generations, newest first."""
        return [self._job_item(j, ctx) for j in await self.directory.jobs(args.user)]

    @query(guard="support")
    async def job_card(self, ctx: CallContext, args: JobArgs) -> JobItem:
        """One generation, with whether it was charged and refunded."""
        job = await self.directory.job(args.job)
        if job is None:
            raise ActionError("admin.error.job_not_found")
        return self._job_item(job, ctx)

    @action(guard="support")
    async def set_blocked(self, ctx: CallContext, args: BlockArgs) -> BlockState:
        """Block (one line and nothing else for them, no job starts) or unblock."""
        await self._require(ctx, Role.SUPPORT)
        try:
            await self.console.set_blocked(ctx.user_id, args.user, args.blocked)
        except Refused as exc:
            raise ActionError(f"admin.error.{exc.reason}") from None
        self.blocks.changed(args.user, args.blocked)
        return BlockState(user=args.user, blocked=args.blocked)

    @action(guard="support")
    async def message_user(self, ctx: CallContext, args: MessageArgs) -> Done:
        """Send the user a message from the bot; audited."""
        from aiogram.exceptions import TelegramForbiddenError  # only when a bot runs

        await self._require(ctx, Role.SUPPORT)
        person = await self.directory.person(args.user)
        text = self.bundle.render("admin.message_to_user", person.language or "ru", {"text": args.text})
        try:
            await self.bot.send_message(args.user, text, parse_mode=None)
        except TelegramForbiddenError:
            await self.directory.mark_bot_blocked(args.user, True)
            raise ActionError("admin.error.bot_blocked") from None
        await self.console.note_message(ctx.user_id, args.user, args.text)
        return Done(user=args.user)

    # ------------------------------------------------------------------------- money
    @action(guard="admin")
    async def parse_amount(self, ctx: CallContext, args: AmountArgs) -> Amount:
        """``+500``, ``-120,50`` → signed kopecks."""
        text = args.amount.strip().replace("−", "-")
        sign = -1 if text.startswith("-") else 1
        try:
            kopecks = sign * parse_rub(text.lstrip("+-"))
        except ValueError:
            raise ActionError("admin.error.amount_invalid") from None
        if kopecks == 0:
            raise ActionError("admin.error.zero_amount")
        return Amount(kopecks=kopecks, text=self._money(kopecks, ctx, signed=True))

    @action(guard="admin")
    async def prepare_adjustment(self, ctx: CallContext, args: PrepareArgs) -> Prepared:
        """Check the reason and give the adjustment its once-only key."""
        reason = " ".join(args.reason.split())
        if len(reason) < 3:
            raise ActionError("admin.error.reason_short")
        return Prepared(nonce=uuid.uuid4().hex, reason=reason)

    @query(guard="admin")
    async def adjustment_preview(self, ctx: CallContext, args: PreviewArgs) -> Preview:
        """The balance before and after, for the confirm step."""
        before = await self.wallet.balance(args.user)
        return Preview(
            amount_text=self._money(args.amount, ctx, signed=True),
            before_text=self._money(before, ctx),
            after_text=self._money(before + args.amount, ctx),
        )

    @action(guard="admin")
    async def adjust_balance(self, ctx: CallContext, args: AdjustArgs) -> Adjusted:
        """Move the balance by a ledger entry of its own kind, once; audited."""
        await self._require(ctx, Role.ADMIN)
        try:
            before, after = await self.console.adjust(
                ctx.user_id, args.user, args.amount, args.reason, args.nonce
            )
        except Refused as exc:
            params = {k: self._money(v, ctx) if isinstance(v, int) else v for k, v in exc.params.items()}
            raise ActionError(f"admin.error.{exc.reason}", **params) from None
        return Adjusted(before_text=self._money(before, ctx), after_text=self._money(after, ctx))

    @action(guard="admin")
    async def refund_job(self, ctx: CallContext, args: JobArgs) -> Refunded:
        """Give back what a charged job cost, once; audited."""
        await self._require(ctx, Role.ADMIN)
        try:
            user, amount = await self.console.refund(ctx.user_id, args.job)
        except Refused as exc:
            raise ActionError(f"admin.error.{exc.reason}") from None
        return Refunded(user=user, amount_text=self._money(amount, ctx))

    # ------------------------------------------------------------------------- dashboard
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

    # ------------------------------------------------------------------------- roles
    @query(guard="owner")
    async def staff(self, ctx: CallContext, args: NoArgs) -> list[StaffItem]:
        """Owners and everyone given a role."""
        await self.roles.refresh()
        items = []
        for user_id, role in self.roles.staff():
            person = await self.directory.person(user_id)
            items.append(StaffItem(user_id=user_id, role=role.value, name=person.first_name))
        return items

    @query(guard="owner")
    async def role_card(self, ctx: CallContext, args: UserArgs) -> StaffItem:
        """One person's role (empty when they have none)."""
        role = await self.roles.current(args.user)
        person = await self.directory.person(args.user)
        return StaffItem(user_id=args.user, role=role.value if role else "", name=person.first_name)

    @action(guard="owner")
    async def grant_role(self, ctx: CallContext, args: GrantArgs) -> Done:
        """Give a role (owner only); audited."""
        await self._require(ctx, Role.OWNER)
        try:
            await self.console.grant(ctx.user_id, args.user, Role(args.role))
        except Refused as exc:
            raise ActionError(f"admin.error.{exc.reason}") from None
        return Done(user=args.user)

    @action(guard="owner")
    async def revoke_role(self, ctx: CallContext, args: UserArgs) -> Done:
        """Take a role away (owner only); audited."""
        await self._require(ctx, Role.OWNER)
        try:
            await self.console.revoke(ctx.user_id, args.user)
        except Refused as exc:
            raise ActionError(f"admin.error.{exc.reason}") from None
        return Done(user=args.user)

    # ------------------------------------------------------------------------- audit
    @query(guard="admin")
    async def audit(self, ctx: CallContext, args: AuditArgs) -> list[AuditItem]:
        """Admin actions, newest first; only one admin's, or only about one user."""
        found = await audit.entries(self.pool, admin_id=args.admin, target_user=args.user)
        return [self._audit_item(e, ctx.language) for e in found]

    @query(guard="admin")
    async def audit_entry(self, ctx: CallContext, args: EntryArgs) -> AuditItem:
        """One audit row in full."""
        found = await audit.entry(self.pool, args.entry)
        if found is None:
            raise ActionError("admin.error.not_found")
        return self._audit_item(found, ctx.language)

    def _audit_item(self, e: AuditEntry, language: str) -> AuditItem:
        view = AuditView(self.bundle)

        def who(name: str, user: int | None) -> str:
            return "" if user is None else f"{name} ({user})" if name else str(user)

        subject = e.subject
        if e.action.startswith("model.") and subject in self.bundle.models:
            subject = self._model_name(subject, language)
        elif e.action == "wallet.setting" and e.subject in SETTING_KINDS:
            subject = self.bundle.render(f"admin.config.keys.{e.subject}.name", language, {})
        return AuditItem(
            id=e.id,
            admin_id=e.admin_id,
            action=e.action,
            target_user=e.target_user,
            subject=e.subject,
            old_value=e.old_value or "",
            new_value=e.new_value or "",
            note=view.note(e.action, e.note, language),
            time=show_time(e.created_at),
            action_text=view.action(e.action, language),
            admin_text=who(e.admin_name, e.admin_id),
            target_text=who(e.target_name, e.target_user),
            subject_text=subject,
            old_text=view.value(e.action, e.subject, e.old_value, language),
            new_text=view.value(e.action, e.subject, e.new_value, language),
        )


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
