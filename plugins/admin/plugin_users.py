"""Users in the admin console: find one, their card, ledger and jobs; block and message them."""

from __future__ import annotations

from typing import Any

from engine.plugin import ActionError, CallContext, action, query
from plugins.admin.console import Refused
from plugins.admin.plugin_base import AdminOps
from plugins.admin.roles import Role
from plugins.admin.views import (
    BlockArgs,
    BlockState,
    Done,
    FindArgs,
    Found,
    JobArgs,
    JobItem,
    MessageArgs,
    OperationItem,
    UserArgs,
    UserCard,
    show_time,
)
from plugins.admin.watch import BlockList
from plugins.generation.job import JobState
from plugins.wallet.ledger import Kind


class UserOps(AdminOps):
    """The users part of ``AdminPlugin`` (its operations are the plug-in's)."""

    blocks: BlockList

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
