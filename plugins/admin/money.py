"""The ``money`` namespace: money operations in the admin console (flows/admin/money.yaml).

Receipts (support and up): pending and decided, with who decided and when; approve as
claimed or with a corrected amount (a confirm step shows what the user gets); reject with a
reason the user reads. A receipt is decided once: the second decision (a double press, a
second admin) is told who decided it and when.

Stars refunds (admin and up): ``refundStarPayment`` with the top-up taken back from the
balance in the transaction that records the refund (``plugins.payments.refunds``); refused,
with the balance and the amount shown, when the money was spent. Each action asks the roles
table itself, so a stale cache or a forged press never grants it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, Plugin, action, query
from plugins.admin.money_views import (
    AmountArgs,
    ApproveArgs,
    ApprovePreview,
    Decision,
    ParsedAmount,
    PaymentArgs,
    Pending,
    PreviewArgs,
    ReceiptArgs,
    ReceiptCard,
    ReceiptRow,
    ReceiptsArgs,
    Refundable,
    RejectArgs,
    StarCard,
    StarRow,
    StarsRefunded,
    UserArgs,
)
from plugins.admin.roles import Role, RoleBook, passes
from plugins.admin.views import show_time
from plugins.payments.notices import Notices
from plugins.payments.refunds import AskTelegram, refund_stars, settle_pending, telegram_asker
from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.receipts import Receipt, ReceiptStatus
from plugins.wallet.service import Wallet
from plugins.wallet.star_refunds import RefundRefused, RefundStatus, StarPayment, StarRefunds

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot

log = logging.getLogger(__name__)

#: a rejection's reason is read by the user: at least a few letters, at most a short paragraph
REASON_MIN, REASON_MAX = 3, 500


class MoneyPlugin(Plugin):
    namespace = "money"
    texts: ClassVar[dict[str, dict[str, Any]]] = {
        "money.error.forbidden": {},
        "money.error.receipt_not_found": {},
        "money.error.already_decided": {"by": str, "at": str, "status": str},
        "money.error.amount_invalid": {},
        "money.error.amount_out_of_range": {"min": str, "max": str},
        "money.error.reason_short": {"min": int},
        "money.error.reason_long": {"max": int},
        "money.error.payment_not_found": {},
        "money.error.not_credited": {},
        "money.error.already_refunded": {"by": str, "at": str},
        "money.error.not_covered": {"balance": str, "amount": str},
        "money.error.telegram_refused": {"error": str},
        "money.error.telegram_silent": {},
    }

    def __init__(
        self,
        pool: asyncpg.Pool,
        bundle: Bundle,
        bot: Bot,
        wallet: Wallet,
        roles: RoleBook,
        ask_telegram: AskTelegram | None = None,
    ) -> None:
        self.pool = pool
        self.wallet = wallet
        self.roles = roles
        self.refunds = StarRefunds(pool)
        self.notices = Notices(pool, bundle, bot)
        self.ask_telegram = ask_telegram or telegram_asker(bot)

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

    async def _receipt(self, receipt_id: int) -> Receipt:
        receipt = await self.wallet.receipts.get(receipt_id)
        if receipt is None:
            raise ActionError("money.error.receipt_not_found")
        return receipt

    # ------------------------------------------------------------------------- receipts
    @query(guard="support")
    async def receipts(self, ctx: CallContext, args: ReceiptsArgs) -> list[ReceiptRow]:
        """Pending receipts oldest first, or decided ones latest decision first."""
        store = self.wallet.receipts
        found = await (store.pending(200) if args.status == "pending" else store.decided())
        return [
            ReceiptRow(
                id=r.id,
                user_id=r.user_id,
                status=r.status.value,
                amount_text=format_rub(r.credited_kopecks or r.amount_kopecks, ctx.language),
                date=show_time(r.created_at),
                decided_at=show_time(r.decided_at) if r.decided_at else "",
            )
            for r in found
        ]

    @query(guard="support")
    async def receipt(self, ctx: CallContext, args: ReceiptArgs) -> ReceiptCard:
        """One receipt: the claim, and once decided, who decided, when, what was credited."""
        r = await self._receipt(args.receipt)
        credited = r.credited_kopecks
        return ReceiptCard(
            id=r.id,
            user_id=r.user_id,
            user_name=await self._name(r.user_id),
            status=r.status.value,
            claimed_text=format_rub(r.amount_kopecks, ctx.language),
            credited_text=format_rub(credited, ctx.language) if credited else "",
            corrected=credited is not None and credited != r.amount_kopecks,
            date=show_time(r.created_at),
            decided_by=await self._name(r.decided_by) if r.decided_by is not None else "",
            decided_at=show_time(r.decided_at) if r.decided_at else "",
            reason=r.reason,
            balance_text=format_rub(await self.wallet.balance(r.user_id), ctx.language),
        )

    @query(guard="support")
    async def if_pending(self, ctx: CallContext, args: ReceiptArgs) -> list[Pending]:
        """The receipt while it waits for a decision, else nothing (its decision buttons)."""
        r = await self._receipt(args.receipt)
        if r.status is not ReceiptStatus.PENDING:
            return []
        return [Pending(id=r.id, amount_text=format_rub(r.amount_kopecks, ctx.language))]

    @action(guard="support")
    async def parse_amount(self, ctx: CallContext, args: AmountArgs) -> ParsedAmount:
        """The amount the transfer really brought, in roubles, within the top-up limits."""
        try:
            kopecks = parse_rub(args.amount)
        except ValueError:
            raise ActionError("money.error.amount_invalid") from None
        limits = await self.wallet.get_settings()
        if not 0 < kopecks <= limits.topup_max_kopecks:
            raise ActionError(
                "money.error.amount_out_of_range",
                min=format_rub(1, ctx.language),
                max=format_rub(limits.topup_max_kopecks, ctx.language),
            )
        return ParsedAmount(kopecks=kopecks, text=format_rub(kopecks, ctx.language))

    @query(guard="support")
    async def approve_preview(self, ctx: CallContext, args: PreviewArgs) -> ApprovePreview:
        """What the user will be credited, against what they claimed, and their balance."""
        r = await self._receipt(args.receipt)
        balance = await self.wallet.balance(r.user_id)
        return ApprovePreview(
            user_id=r.user_id,
            claimed_text=format_rub(r.amount_kopecks, ctx.language),
            credited_text=format_rub(args.amount, ctx.language),
            balance_text=format_rub(balance, ctx.language),
            after_text=format_rub(balance + args.amount, ctx.language),
        )

    async def _already_decided(self, receipt_id: int, ctx: CallContext) -> ActionError:
        r = await self._receipt(receipt_id)
        return ActionError(
            "money.error.already_decided",
            by=await self._name(r.decided_by) if r.decided_by is not None else "?",
            at=show_time(r.decided_at) if r.decided_at else "?",
            status=r.status.value,
        )

    @action(guard="support")
    async def approve_receipt(self, ctx: CallContext, args: ApproveArgs) -> Decision:
        """Credit a pending receipt, as claimed or corrected, once; the user is told."""
        await self._require(ctx, Role.SUPPORT)
        r = await self._receipt(args.receipt)
        if args.amount is not None and args.amount <= 0:
            raise ActionError("money.error.amount_invalid")
        corrected = args.amount is not None and args.amount != r.amount_kopecks
        note = f"claimed {r.amount_kopecks}, credited {args.amount}" if corrected else ""
        if not await self.wallet.receipts.approve(
            args.receipt, ctx.user_id, amount_kopecks=args.amount, note=note
        ):
            raise await self._already_decided(args.receipt, ctx)
        await self.notices.receipt_decided(await self._receipt(args.receipt))
        return Decision(receipt=args.receipt)

    @action(guard="support")
    async def reject_receipt(self, ctx: CallContext, args: RejectArgs) -> Decision:
        """Refuse a pending receipt with a reason the user reads, once; the user is told."""
        await self._require(ctx, Role.SUPPORT)
        reason = " ".join(args.reason.split())
        if len(reason) < REASON_MIN:
            raise ActionError("money.error.reason_short", min=REASON_MIN)
        if len(reason) > REASON_MAX:
            raise ActionError("money.error.reason_long", max=REASON_MAX)
        await self._receipt(args.receipt)
        if not await self.wallet.receipts.reject(args.receipt, ctx.user_id, reason):
            raise await self._already_decided(args.receipt, ctx)
        await self.notices.receipt_decided(await self._receipt(args.receipt))
        return Decision(receipt=args.receipt)

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
