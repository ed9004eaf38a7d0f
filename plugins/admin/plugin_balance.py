"""A user's balance in the admin console: adjust it by a typed amount, refund a charged job.

An adjustment is read, given a reason and a once-only key, previewed, then applied; each
step is an operation so the flow (flows/admin) can show a confirm screen between them.
"""

from __future__ import annotations

import uuid

from engine.plugin import ActionError, CallContext, action, query
from plugins.admin.console import Refused
from plugins.admin.plugin_base import AdminOps
from plugins.admin.roles import Role
from plugins.admin.views import (
    AdjustArgs,
    Adjusted,
    Amount,
    AmountArgs,
    JobArgs,
    PrepareArgs,
    Prepared,
    Preview,
    PreviewArgs,
    Refunded,
)
from plugins.wallet.money import parse_rub


class BalanceOps(AdminOps):
    """The balance part of ``AdminPlugin`` (its operations are the plug-in's)."""

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
