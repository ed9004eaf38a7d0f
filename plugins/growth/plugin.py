"""The ``growth`` namespace: the referral link and its figures, promo codes (redeemed by
users, created and disabled by admins) and, through the ``/start`` hook, deep links:
``ref_<code>`` ties a new user to their referrer, ``promo_<CODE>`` redeems a code, anything
else is a traffic source."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import (
    ActionError,
    CallContext,
    CommandEvent,
    CommandResult,
    NoArgs,
    Plugin,
    action,
    query,
)
from plugins.growth import payloads
from plugins.growth.promo import PromoCode, PromoCodes, PromoKind, Redeemed
from plugins.growth.referrals import Referrals, Tie
from plugins.growth.sources import record_source
from plugins.growth.spec import parse_spec
from plugins.growth.views import (
    CodeArgs,
    CreatePromoArgs,
    PromoDetail,
    PromoItem,
    PromoOutcome,
    RedeemArgs,
    RedemptionItem,
    ReferralView,
)

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot
from plugins.wallet.money import format_rub
from plugins.wallet.views import show_date

_PROMO_ERRORS = ("unknown", "disabled", "expired", "already", "not_new", "used_up")
GROWTH_TEXTS: dict[str, dict[str, Any]] = {
    **{f"growth.promo.{key}": {} for key in _PROMO_ERRORS},
    "growth.promo.done_notice": {"promo": PromoOutcome},
    "growth.ref_self": {},
    "growth.ref_tied": {},
    "growth.reward_notice": {"amount": str},
    "growth.admin.bad_spec": {},
    "growth.admin.code_taken": {"code": str},
    "growth.admin.unknown_model": {"model": str},
}
WALLET_SCREEN = "wallet.balance"


def _outcome(r: Redeemed, language: str) -> PromoOutcome:
    return PromoOutcome(
        code=r.code,
        kind=r.kind.value,
        amount_text=format_rub(r.amount_kopecks, language),
        percent=r.percent,
        cap_text=format_rub(r.cap_kopecks, language),
        runs=r.runs,
        model=r.model or "",
    )


def _item(c: PromoCode, language: str) -> dict[str, Any]:
    return {
        "code": c.code,
        "kind": c.kind.value,
        "amount_text": format_rub(c.amount_kopecks, language),
        "percent": c.percent,
        "cap_text": format_rub(c.cap_kopecks, language),
        "runs": c.runs,
        "model": c.model or "",
        "used": c.used,
        "max_uses": c.max_uses,
        "expires": show_date(c.expires_at),
        "new_users_only": c.new_users_only,
        "disabled": c.disabled,
        "expired": c.expires_at <= datetime.now(UTC),
        "cost_text": format_rub(c.cost_kopecks, language),
    }


class GrowthPlugin(Plugin):
    namespace = "growth"
    texts = GROWTH_TEXTS
    command_hooks = ("start", "promo")
    #: /promo CODE lands on the wallet once the code is used
    screens: ClassVar[Mapping[str, Mapping[str, Any]]] = {WALLET_SCREEN: {}}

    def __init__(self, pool: asyncpg.Pool, bundle: Bundle, bot: Bot) -> None:
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.referrals = Referrals(pool)
        self.codes = PromoCodes(pool)

    # ------------------------------------------------------------------ deep links
    async def on_command(self, ctx: CallContext, event: CommandEvent) -> CommandResult | None:
        if event.command == "promo":
            if not event.payload.strip():
                return None  # the command's own screen asks for the code
            return await self._redeem_notice(ctx, event.payload.split()[0][:64], land=True)
        found = payloads.parse(event.payload)
        if found.kind == "ref":
            tie = await self.referrals.tie(ctx.user_id, found.value, first_visit=event.first_visit)
            if tie is Tie.SELF:
                return CommandResult("growth.ref_self")
            return CommandResult("growth.ref_tied") if tie is Tie.TIED else None
        if found.kind == "promo":
            return await self._redeem_notice(ctx, found.value, land=False)
        if found.kind == "source":
            await record_source(self.pool, ctx.user_id, found.value, first_visit=event.first_visit)
        return None

    async def _redeem_notice(self, ctx: CallContext, code: str, *, land: bool) -> CommandResult:
        try:
            redeemed = await self.codes.redeem(ctx.user_id, code)
        except ActionError as err:
            return CommandResult(err.text_key, err.params)
        notice = {"promo": _outcome(redeemed, ctx.language)}
        return CommandResult("growth.promo.done_notice", notice, screen=WALLET_SCREEN if land else None)

    # ------------------------------------------------------------------------ users
    @query
    async def referral(self, ctx: CallContext, args: NoArgs) -> ReferralView:
        """The user's referral link, a share link for it, and what it brought."""
        code = await self.referrals.code(ctx.user_id)
        me = await self.bot.me()
        link = f"https://t.me/{me.username}?start={payloads.REF_PREFIX}{code}"
        stats = await self.referrals.stats(ctx.user_id)
        return ReferralView(
            link=link,
            share_url=f"https://t.me/share/url?url={quote(link, safe='')}",
            invited=stats.invited,
            paying=stats.paying,
            earned_text=format_rub(stats.earned_kopecks, ctx.language),
        )

    @action
    async def redeem(self, ctx: CallContext, args: RedeemArgs) -> PromoOutcome:
        """Use a promo code, once; refusals say why."""
        code = args.code.strip().split()[0] if args.code.strip() else ""
        return _outcome(await self.codes.redeem(ctx.user_id, code[:64]), ctx.language)

    # ----------------------------------------------------------------------- admins
    @query(guard="admin")
    async def promo_codes(self, ctx: CallContext, args: NoArgs) -> list[PromoItem]:
        """Every promo code, newest first."""
        return [PromoItem(**_item(c, ctx.language)) for c in await self.codes.all()]

    @query(guard="admin")
    async def promo_code(self, ctx: CallContext, args: CodeArgs) -> PromoDetail:
        """One code: its terms, uses, what it cost, its latest redemptions."""
        found = await self.codes.get(args.code)
        if found is None:
            raise ActionError("growth.promo.unknown")
        rows = await self.codes.redemptions(found.code)
        return PromoDetail(
            **_item(found, ctx.language),
            redemptions=[
                RedemptionItem(
                    user_id=r.user_id,
                    date=show_date(r.created_at),
                    bonus_text=format_rub(r.bonus_kopecks, ctx.language),
                    runs_left=r.runs_left,
                    applied=r.applied,
                )
                for r in rows
            ],
        )

    @action(guard="admin")
    async def create_promo(self, ctx: CallContext, args: CreatePromoArgs) -> PromoItem:
        """Create a code from one line (see plugins/growth/spec.py); audited."""
        models = {
            key
            for key, m in self.bundle.models.items()
            if m.entry.enabled and m.entry.price is not None and m.entry.follow_up is None
        }
        spec = parse_spec(PromoKind(args.kind), args.spec, models)
        return PromoItem(**_item(await self.codes.create(ctx.user_id, spec), ctx.language))

    @action(guard="admin")
    async def disable_promo(self, ctx: CallContext, args: CodeArgs) -> PromoItem:
        """Stop a code from being redeemed (what was given stays given); audited."""
        return PromoItem(**_item(await self.codes.disable(ctx.user_id, args.code), ctx.language))
