"""The ``money`` namespace: money operations in the admin console (flows/admin/money.yaml).

Receipts (support and up): pending and decided, with who decided and when; approve as
claimed or with a corrected amount (a confirm step shows what the user gets); reject with a
reason the user reads. A receipt is decided once: the second decision (a double press, a
second admin) is told who decided it and when.

Stars refunds (admin and up) are the other half, in ``plugins.admin.money_stars``. Each
action asks the roles table itself, so a stale cache or a forged press never grants it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, Plugin, action, query
from plugins.admin.money_stars import StarsRefundOps
from plugins.admin.money_views import (
    AmountArgs,
    ApproveArgs,
    ApprovePreview,
    Decision,
    ParsedAmount,
    Pending,
    PreviewArgs,
    ReceiptArgs,
    ReceiptCard,
    ReceiptRow,
    ReceiptsArgs,
    RejectArgs,
)
from plugins.admin.roles import Role, RoleBook
from plugins.admin.views import show_time
from plugins.payments.notices import Notices
from plugins.payments.refunds import AskTelegram, telegram_asker
from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.receipts import Receipt, ReceiptStatus
from plugins.wallet.service import Wallet
from plugins.wallet.star_refunds import StarRefunds

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot

#: a rejection's reason is read by the user: at least a few letters, at most a short paragraph
REASON_MIN, REASON_MAX = 3, 500


class MoneyPlugin(StarsRefundOps, Plugin):
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
        admins = {r.decided_by for r in found if r.decided_by is not None}
        names = await self._names(admins)
        return [
            ReceiptRow(
                id=r.id,
                user_id=r.user_id,
                status=r.status.value,
                amount_text=format_rub(r.credited_kopecks or r.amount_kopecks, ctx.language),
                date=show_time(r.created_at),
                decided_at=show_time(r.decided_at) if r.decided_at else "",
                decided_by=names.get(r.decided_by, "") if r.decided_by is not None else "",
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

    @query(guard="support", at_most=1)
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
