"""Stars refunds in the admin console (the ``money`` namespace, with receipts in
``plugins.admin.money``), and what both parts share: the roles check and admins' names.

An admin (not support) refunds a Stars top-up with ``refundStarPayment``; the top-up is taken
back from the balance in the transaction that records the refund (``plugins.payments.refunds``),
and refused, with the balance and the amount shown, when the money was spent. Refunds a crash
left pending are settled when the bot starts (this plug-in is also a service).
"""

from __future__ import annotations

import logging
from datetime import datetime

import asyncpg

from engine.plugin import ActionError, CallContext, action, query
from plugins.admin.money_views import PaymentArgs, Refundable, StarCard, StarRow, StarsRefunded, UserArgs
from plugins.admin.roles import Role, RoleBook, passes
from plugins.admin.views import show_time
from plugins.payments.notices import Notices
from plugins.payments.refunds import AskTelegram, refund_stars, settle_pending
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet
from plugins.wallet.star_refunds import RefundRefused, RefundStatus, StarPayment, StarRefunds

log = logging.getLogger(__name__)


class StarsRefundOps:
    """The Stars half of ``MoneyPlugin`` (its operations are the plug-in's)."""

    pool: asyncpg.Pool
    wallet: Wallet
    roles: RoleBook
    refunds: StarRefunds
    notices: Notices
    ask_telegram: AskTelegram

    # the start-up sweep (a service): refunds a crash left pending are asked again
    async def run(self) -> None:
        try:
            outcomes = await settle_pending(self.refunds, self.ask_telegram)
        except Exception:  # the sweep must never stop the bot; the admin can retry by hand
            log.exception("pending Stars refunds could not be settled at start-up")
            return
        for outcome in outcomes:
            if outcome.status is RefundStatus.DONE:
                balance = await self.wallet.balance(outcome.refund.user_id)
                await self.notices.stars_refunded(outcome.refund, balance)

    async def stop(self) -> None:
        return None

    async def _require(self, ctx: CallContext, role: Role) -> None:
        """The roles table's word, not the cache's: a revoked admin can do nothing."""
        if not passes(await self.roles.current(ctx.user_id), role):
            raise ActionError("money.error.forbidden")

    async def _name(self, user_id: int) -> str:
        name = await self.pool.fetchval("SELECT first_name FROM users WHERE user_id = $1", user_id)
        return f"{name} ({user_id})" if name else str(user_id)

    async def _names(self, user_ids: set[int]) -> dict[int, str]:
        rows = await self.pool.fetch(
            "SELECT user_id, first_name FROM users WHERE user_id = ANY($1)", list(user_ids)
        )
        known = {r["user_id"]: r["first_name"] for r in rows}
        return {u: known.get(u) or str(u) for u in user_ids}

    # ------------------------------------------------------------------------- Stars refunds
    def _state(self, p: StarPayment) -> str:
        if p.status != "credited":
            return "refused"
        if p.refund is None:
            return "credited"
        return {"pending": "pending", "done": "refunded", "failed": "failed"}[p.refund.status.value]

    @query(guard="support")
    async def stars_payments(self, ctx: CallContext, args: UserArgs) -> list[StarRow]:
        """The user's Stars top-ups, newest first, with their refund state."""
        return [
            StarRow(
                id=p.id,
                stars=p.stars,
                amount_text=format_rub(p.kopecks, ctx.language),
                date=show_time(p.created_at),
                state=self._state(p),
            )
            for p in await self.refunds.payments_of(args.user)
        ]

    async def _payment(self, payment_id: int) -> StarPayment:
        found = await self.refunds.payment(payment_id)
        if found is None:
            raise ActionError("money.error.payment_not_found")
        return found

    @query(guard="support")
    async def stars_payment(self, ctx: CallContext, args: PaymentArgs) -> StarCard:
        """One Stars top-up: what it brought, its refund, and whether the balance covers one."""
        p = await self._payment(args.payment)
        balance = await self.wallet.balance(p.user_id)
        refund = p.refund
        return StarCard(
            id=p.id,
            user_id=p.user_id,
            stars=p.stars,
            amount_text=format_rub(p.kopecks, ctx.language),
            charge_id=p.charge_id,
            date=show_time(p.created_at),
            state=self._state(p),
            refunded_by=await self._name(refund.requested_by) if refund else "",
            refunded_at=show_time(refund.finished_at or refund.created_at) if refund else "",
            error=refund.error if refund else "",
            balance_text=format_rub(balance, ctx.language),
            covered=balance >= p.kopecks,
        )

    @query(guard="support")
    async def if_refundable(self, ctx: CallContext, args: PaymentArgs) -> list[Refundable]:
        """The payment while a refund may start (or be asked again), else nothing."""
        p = await self._payment(args.payment)
        state = self._state(p)
        if state not in ("credited", "failed", "pending"):
            return []
        return [Refundable(id=p.id, stars=p.stars, retry=state == "pending")]

    @action(guard="admin")
    async def refund_stars(self, ctx: CallContext, args: PaymentArgs) -> StarsRefunded:
        """Refund a Stars top-up with Telegram and take it back from the balance, once."""
        await self._require(ctx, Role.ADMIN)
        try:
            outcome = await refund_stars(self.refunds, self.ask_telegram, args.payment, ctx.user_id)
        except RefundRefused as exc:
            raise await self._refused(exc, ctx) from None
        if outcome.status is RefundStatus.FAILED:
            raise ActionError("money.error.telegram_refused", error=outcome.error)
        if outcome.status is RefundStatus.PENDING:
            raise ActionError("money.error.telegram_silent")
        refund = outcome.refund
        await self.notices.stars_refunded(refund, await self.wallet.balance(refund.user_id))
        return StarsRefunded(payment=refund.payment_id, user=refund.user_id)

    async def _refused(self, exc: RefundRefused, ctx: CallContext) -> ActionError:
        p = exc.params
        if exc.reason == "not_covered":
            return ActionError(
                "money.error.not_covered",
                balance=format_rub(int(str(p["balance"])), ctx.language),
                amount=format_rub(int(str(p["amount"])), ctx.language),
            )
        if exc.reason == "already_refunded":
            at, by = p.get("at"), p.get("by")
            return ActionError(
                "money.error.already_refunded",
                by=await self._name(by) if isinstance(by, int) else "?",
                at=show_time(at) if isinstance(at, datetime) else "?",
            )
        return ActionError(f"money.error.{exc.reason}")
