"""The ``prices`` namespace: models and prices in the admin console (flows/admin/models.yaml).

Support staff read; admins switch a model off or on, give it its own markup or a fixed price,
and put it on the free tier. Every change is stored in ``model_overrides`` (read by the
catalog and by pricing on every instance within the overrides' cache of 2 seconds) together
with its ``admin_audit`` row. A price below what Kie.ai charges us is refused, showing it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import asyncpg
from pydantic import Field

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, ModelRef, NoArgs, Plugin, PluginModel, action, query
from engine.schema.catalog import ModelEntry
from plugins.admin.roles import Role, RoleBook, passes
from plugins.catalog.prices import ModelPrices, Pricing, cost_kopecks, free_models, model_kopecks
from plugins.catalog.pricing import PricingError, price_from
from plugins.wallet.money import format_rub, parse_rub

_FAILURES = """
SELECT model, count(*) AS failed FROM jobs
WHERE state IN ('failed', 'timed_out') AND created_at > now() - interval '1 day'
GROUP BY model
"""


class ModelArgs(PluginModel):
    model: ModelRef


class EnableArgs(ModelArgs):
    enabled: bool


class FreeArgs(ModelArgs):
    free: bool


class ValueArgs(ModelArgs):
    value: str = Field(max_length=40)


class ModelRow(PluginModel):
    id: str
    name: str
    enabled: bool
    price_text: str  # what a user pays for the cheapest choice
    cost_text: str  # what Kie.ai charges us for it
    markup_text: str  # "2" (the global one) or the model's own, or "" with a fixed price
    own_markup: bool
    fixed: bool
    free: bool  # free now: on the explicit list, or picked automatically
    listed: bool  # on the explicit list admins set
    failures: int  # failed or timed-out runs in the last 24 hours


class FreeTierView(PluginModel):
    explicit: bool  # an admin-set list; otherwise the cheapest models, automatically
    count: int
    names: list[str]


class Changed(PluginModel):
    model: str


class ModelsPlugin(Plugin):
    namespace = "prices"
    texts: ClassVar[dict[str, dict[str, Any]]] = {
        "prices.error.below_cost": {"cost": str, "price": str},
        "prices.error.markup_invalid": {},
        "prices.error.price_invalid": {},
        "prices.error.forbidden": {},
        "prices.error.no_price": {},
    }

    def __init__(self, pool: asyncpg.Pool, bundle: Bundle, prices: ModelPrices, roles: RoleBook) -> None:
        self.pool = pool
        self.bundle = bundle
        self.prices = prices
        self.roles = roles
        # what the menus can show: models/ enables them and they are not follow-ups
        self._credits_from: dict[str, Decimal] = {}
        self._entries: dict[str, ModelEntry] = {}
        for found in bundle.models.values():
            entry = found.entry
            if entry.enabled and entry.follow_up is None and entry.price is not None:
                try:
                    self._credits_from[entry.id] = price_from(entry)
                except PricingError:
                    continue
                self._entries[entry.id] = entry

    async def _require_admin(self, ctx: CallContext) -> None:
        """The roles table's word, not the cache's: a revoked admin changes nothing."""
        if not passes(await self.roles.current(ctx.user_id), Role.ADMIN):
            raise ActionError("prices.error.forbidden")

    def _entry(self, model: str) -> ModelEntry:
        entry = self._entries.get(model)
        if entry is None:
            raise ActionError("prices.error.no_price")
        return entry

    def _row(
        self, entry: ModelEntry, pricing: Pricing, free: frozenset[str], failures: int, language: str
    ) -> ModelRow:
        credits = self._credits_from[entry.id]
        override = pricing.overrides.get(entry.id)
        markup = override.markup if override.markup is not None else pricing.settings.markup
        fixed = override.fixed_price_kopecks is not None
        return ModelRow(
            id=entry.id,
            name=entry.name.get(language),
            enabled=pricing.overrides.enabled(entry.id, True),
            price_text=format_rub(model_kopecks(entry.id, credits, credits, pricing), language),
            cost_text=format_rub(cost_kopecks(credits, pricing.settings), language),
            markup_text="" if fixed else format(markup.normalize(), "f"),
            own_markup=override.markup is not None,
            fixed=fixed,
            free=entry.id in free,
            listed=override.free,
            failures=failures,
        )

    async def _failures(self) -> dict[str, int]:
        return {r["model"]: r["failed"] for r in await self.pool.fetch(_FAILURES)}

    # ------------------------------------------------------------------------- reading
    @query(guard="support")
    async def models(self, ctx: CallContext, args: NoArgs) -> list[ModelRow]:
        """Every model the menus can show, by name, switched-off ones included."""
        pricing = await self.prices.current()
        free = free_models(self._credits_from, pricing)
        failures = await self._failures()
        entries = sorted(self._entries.values(), key=lambda e: e.name.get(ctx.language).lower())
        return [self._row(e, pricing, free, failures.get(e.id, 0), ctx.language) for e in entries]

    @query(guard="support")
    async def model(self, ctx: CallContext, args: ModelArgs) -> ModelRow:
        entry = self._entry(args.model)
        pricing = await self.prices.current()
        failures = (await self._failures()).get(entry.id, 0)
        return self._row(entry, pricing, free_models(self._credits_from, pricing), failures, ctx.language)

    @query(guard="support")
    async def free_tier(self, ctx: CallContext, args: NoArgs) -> FreeTierView:
        """The whole free tier on one screen, and whether admins chose it."""
        pricing = await self.prices.current()
        free = free_models(self._credits_from, pricing)
        names = sorted(self._entries[m].name.get(ctx.language) for m in free)
        return FreeTierView(explicit=bool(pricing.overrides.free_list), count=len(names), names=names)

    # ------------------------------------------------------------------------- changing
    @action(guard="admin")
    async def set_enabled(self, ctx: CallContext, args: EnableArgs) -> Changed:
        """Switch a model off (its card disappears for users) or back on; audited."""
        await self._require_admin(ctx)
        entry = self._entry(args.model)
        await self.prices.overrides.change(ctx.user_id, entry.id, "enabled", args.enabled)
        return Changed(model=entry.id)

    @action(guard="admin")
    async def set_free(self, ctx: CallContext, args: FreeArgs) -> Changed:
        """Put a model on the explicit free tier or take it off; audited."""
        await self._require_admin(ctx)
        entry = self._entry(args.model)
        await self.prices.overrides.change(ctx.user_id, entry.id, "free", args.free)
        return Changed(model=entry.id)

    @action(guard="admin")
    async def set_markup(self, ctx: CallContext, args: ValueArgs) -> Changed:
        """The model's own markup (``2,5``); ``0`` goes back to the global one. Replaces a
        fixed price. A markup below 1 would sell below cost: refused with the cost."""
        await self._require_admin(ctx)
        entry = self._entry(args.model)
        try:
            markup = Decimal(args.value.strip().replace(",", "."))
        except InvalidOperation:
            raise ActionError("prices.error.markup_invalid") from None
        if not markup.is_finite() or not 0 <= markup <= 100 or markup != round(markup, 4):
            raise ActionError("prices.error.markup_invalid")
        pricing = await self.prices.current()
        if markup != 0 and markup < 1:
            credits = self._credits_from[entry.id]
            raise ActionError(
                "prices.error.below_cost",
                cost=format_rub(cost_kopecks(credits, pricing.settings), ctx.language),
                price=format_rub(model_kopecks(entry.id, credits, credits, pricing), ctx.language),
            )
        await self.prices.overrides.change(
            ctx.user_id,
            entry.id,
            "markup",
            None if markup == 0 else markup,
            also={"fixed_price_kopecks": None},
        )
        return Changed(model=entry.id)

    @action(guard="admin")
    async def set_price(self, ctx: CallContext, args: ValueArgs) -> Changed:
        """A fixed price for the model's cheapest choice (``150`` or ``149,90`` ₽); ``0`` goes
        back to the markup. Below what Kie.ai charges us: refused, showing that cost."""
        await self._require_admin(ctx)
        entry = self._entry(args.model)
        try:
            kopecks = parse_rub(args.value.strip())
        except ValueError:
            raise ActionError("prices.error.price_invalid") from None
        pricing = await self.prices.current()
        cost = cost_kopecks(self._credits_from[entry.id], pricing.settings)
        if kopecks and kopecks < cost:
            raise ActionError(
                "prices.error.below_cost",
                cost=format_rub(cost, ctx.language),
                price=format_rub(kopecks, ctx.language),
            )
        await self.prices.overrides.change(ctx.user_id, entry.id, "fixed_price_kopecks", kopecks or None)
        return Changed(model=entry.id)
