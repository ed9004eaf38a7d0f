"""What a user pays once admins have set a model's markup or fixed price, and the free tier."""

from decimal import Decimal

from plugins.catalog.overrides import Override, Overrides
from plugins.catalog.prices import Pricing, cost_kopecks, free_models, model_kopecks
from plugins.wallet.settings import WalletSettings

SETTINGS = WalletSettings(fx_rub_per_usd=Decimal("100"), markup=Decimal("2"), free_models_count=2)


def pricing(*overrides: Override) -> Pricing:
    return Pricing(SETTINGS, Overrides(by_model={o.model_id: o for o in overrides}))


def test_the_cost_is_the_price_at_markup_one() -> None:
    # 10 credits × 0.005 USD × 100 RUB = 5 RUB
    assert cost_kopecks(10, SETTINGS) == 500


def test_the_global_markup_applies_without_an_override() -> None:
    assert model_kopecks("a", 10, Decimal(10), pricing()) == 1_000


def test_a_models_own_markup_replaces_the_global_one() -> None:
    own = Override(model_id="a", markup=Decimal("3.5"))
    assert model_kopecks("a", 10, Decimal(10), pricing(own)) == 1_750
    assert model_kopecks("b", 10, Decimal(10), pricing(own)) == 1_000


def test_a_fixed_price_is_the_cheapest_choice_and_the_others_follow_in_proportion() -> None:
    fixed = Override(model_id="a", fixed_price_kopecks=700)
    assert model_kopecks("a", 10, Decimal(10), pricing(fixed)) == 700
    assert model_kopecks("a", 25, Decimal(10), pricing(fixed)) == 1_750
    assert model_kopecks("a", 11, Decimal(30), pricing(fixed)) == 550  # never below cost


def test_the_free_tier_is_the_cheapest_until_admins_set_a_list() -> None:
    credits = {"a": Decimal(1), "b": Decimal(2), "c": Decimal(3)}
    assert free_models(credits, pricing()) == {"a", "b"}
    off = Override(model_id="a", enabled=False)
    assert free_models(credits, pricing(off)) == {"b", "c"}
    chosen = Override(model_id="c", free=True)
    assert free_models(credits, pricing(chosen)) == {"c"}
    assert free_models(credits, pricing(Override(model_id="c", free=True, enabled=False))) == frozenset()
