"""What a user pays for a model, with admins' overrides applied; what Kie.ai costs us.

- cost: credits × the credit price setting (USD) × FX (markup 1), in kopecks, rounded up;
- a model's own markup replaces the global one;
- a fixed price is the price of the model's cheapest choice; its other choices keep the same
  ratio to their cost (a 10-second video costs twice a 5-second one), rounded up;
- the free tier is the explicit list admins set, or (while it is empty) the cheapest models.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

from plugins.catalog.overrides import OverrideBook, Overrides
from plugins.wallet.free_tier import pick_free_models
from plugins.wallet.pricing import price_kopecks
from plugins.wallet.service import Wallet
from plugins.wallet.settings import WalletSettings


class Pricing(NamedTuple):
    settings: WalletSettings
    overrides: Overrides


def cost_kopecks(credits: Decimal | int, settings: WalletSettings) -> int:
    """What Kie.ai charges us for ``credits``, in kopecks (rounded up)."""
    return price_kopecks(credits, settings.fx_rub_per_usd, 1, settings.kie_usd_per_credit)


def model_kopecks(
    model_id: str, credits: Decimal | int, credits_from: Decimal | None, pricing: Pricing
) -> int:
    """The user's price of ``credits`` worth of ``model_id``."""
    override = pricing.overrides.get(model_id)
    if override.fixed_price_kopecks is not None and credits_from:
        scaled = Decimal(override.fixed_price_kopecks) * Decimal(credits) / credits_from
        return max(
            int(scaled.to_integral_value(rounding=ROUND_CEILING)), cost_kopecks(credits, pricing.settings)
        )
    markup = override.markup if override.markup is not None else pricing.settings.markup
    settings = pricing.settings
    return price_kopecks(credits, settings.fx_rub_per_usd, markup, settings.kie_usd_per_credit)


def free_models(credits_from: dict[str, Decimal], pricing: Pricing) -> frozenset[str]:
    """The explicit list when admins set one, else the cheapest enabled models."""
    explicit = pricing.overrides.free_list
    if explicit:
        return frozenset(m for m in explicit if m in credits_from and pricing.overrides.enabled(m, True))
    enabled = {m: c for m, c in credits_from.items() if pricing.overrides.enabled(m, True)}
    return pick_free_models(enabled, pricing.settings.free_models_count)


class ModelPrices:
    """The wallet's settings and the overrides, read together (both cached briefly)."""

    def __init__(self, wallet: Wallet, overrides: OverrideBook | None = None) -> None:
        self.wallet = wallet
        self.overrides = overrides or OverrideBook(wallet.pool)

    async def current(self) -> Pricing:
        return Pricing(await self.wallet.get_settings(), await self.overrides.get())
