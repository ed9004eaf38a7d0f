"""Kie.ai credits → the user's price in kopecks, exactly.

price = credits × the credit price (0.005 USD unless an admin sets another) × FX (RUB per USD)
× markup, in kopecks, rounded up. The product
is computed in Decimal under a context that traps any inexact step, so no digit is lost
before the single rounding at the end; floats are refused at the door.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Context, Decimal, Inexact, InvalidOperation, Overflow, localcontext

USD_PER_CREDIT = Decimal("0.005")
KOPECKS_PER_RUB = 100
# Enough digits for any product of sane inputs; an input needing more raises instead of rounding.
_EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, Overflow])


def _decimal(name: str, value: Decimal | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    return result


def price_kopecks(
    credits: Decimal | int,
    fx_rub_per_usd: Decimal | int,
    markup: Decimal | int,
    usd_per_credit: Decimal | int = USD_PER_CREDIT,
) -> int:
    """The price of ``credits`` Kie.ai credits in kopecks, rounded up to the kopeck."""
    c = _decimal("credits", credits)
    fx = _decimal("fx_rub_per_usd", fx_rub_per_usd)
    m = _decimal("markup", markup)
    usd = _decimal("usd_per_credit", usd_per_credit)
    if usd <= 0:
        raise ValueError(f"the credit price must be > 0, got {usd}")
    if c < 0:
        raise ValueError(f"credits must be ≥ 0, got {c}")
    if fx <= 0 or m <= 0:
        raise ValueError(f"FX rate and markup must be > 0, got {fx} and {m}")
    with localcontext(_EXACT):
        kopecks = c * usd * fx * m * KOPECKS_PER_RUB
        return int(kopecks.to_integral_value(rounding=ROUND_CEILING))
