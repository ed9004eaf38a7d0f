import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from plugins.wallet import price_kopecks
from plugins.wallet.money import format_rub, parse_rub

D = Decimal


@pytest.mark.parametrize(
    ("credits", "fx", "markup", "kopecks"),
    [
        (D(18), D("95.00"), D("2.0"), 1710),  # 0.09 $ × 95 × 2 = 17.10 ₽ exactly
        (D(1), D(95), D(2), 95),
        (D(3), D("92.37"), D("1.5"), 208),  # 207.8325 → up
        (D(160), D("95.1234"), D("2.5"), 19025),  # 19024.68 → up
        (D("0.1"), D(1), D(1), 1),  # 0.05 kopeck → 1, never 0 for a paid model
        (D(0), D(95), D(2), 0),
        (D(12), D("81.4"), D("1.7"), 831),  # 830.28 → up
        (D(1000), D("100"), D("1"), 50000),  # exact: not 50001
        (7, 95, 3, 998),  # plain ints are exact too: 997.5 → up
    ],
)
def test_exact_prices(credits: Decimal, fx: Decimal, markup: Decimal, kopecks: int) -> None:
    assert price_kopecks(credits, fx, markup) == kopecks


def test_an_exact_price_is_not_rounded_up_where_floats_would() -> None:
    # 280 credits × 0.005 × 54.3 × 3 = 228.06 ₽ exactly; in floats the product lands a hair
    # above 22806 and ceil() would charge 22807
    assert math.ceil(280 * 0.005 * 54.3 * 3.0 * 100) == 22807
    assert price_kopecks(D(280), D("54.3"), D("3.0")) == 22806


def test_inputs_are_refused_rather_than_guessed() -> None:
    with pytest.raises(TypeError):
        price_kopecks(1.5, D(95), D(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        price_kopecks(D(1), 95.0, D(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        price_kopecks(D(1), D(95), True)
    with pytest.raises(ValueError):
        price_kopecks(D(-1), D(95), D(2))
    with pytest.raises(ValueError):
        price_kopecks(D(1), D(0), D(2))
    with pytest.raises(ValueError):
        price_kopecks(D(1), D(95), D(0))
    for bad in (D("NaN"), D("Infinity")):
        with pytest.raises(ValueError):
            price_kopecks(bad, D(95), D(2))


def _random_decimal(rng: random.Random, top: int, max_places: int) -> Decimal:
    return Decimal(rng.randrange(0, top)).scaleb(-rng.randrange(0, max_places + 1))


def test_prices_match_an_exact_fraction_reference_over_random_inputs() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        credits = _random_decimal(rng, 10**7, 6)
        fx = _random_decimal(rng, 10**7, 5) + Decimal("0.00001")
        markup = Decimal(1) + _random_decimal(rng, 10**5, 4)
        expected = math.ceil(Fraction(credits) * Fraction(1, 200) * Fraction(fx) * Fraction(markup) * 100)
        got = price_kopecks(credits, fx, markup)
        assert got == expected, (credits, fx, markup)
        assert (got > 0) == (credits > 0)


def test_prices_never_fall_when_the_cost_rises() -> None:
    rng = random.Random(11)
    for _ in range(2_000):
        fx, markup = _random_decimal(rng, 10**6, 3) + 1, 1 + _random_decimal(rng, 1000, 2)
        low = _random_decimal(rng, 10**5, 3)
        high = low + _random_decimal(rng, 1000, 3)
        assert price_kopecks(low, fx, markup) <= price_kopecks(high, fx, markup)


def test_roubles_format_and_parse_exactly() -> None:
    assert format_rub(123456) == "1\u00a0234,56\u00a0₽"
    assert format_rub(123456, "en") == "1,234.56\u00a0₽"
    assert format_rub(20000) == "200\u00a0₽"
    assert format_rub(-3540, signed=True) == "−35,40\u00a0₽"
    assert format_rub(5, signed=True) == "+0,05\u00a0₽"
    assert parse_rub("1 500,50") == 150050
    assert parse_rub("99.9 ₽") == 9990
    assert parse_rub("500") == 50000
    assert parse_rub("0.01") == 1
    for bad in ("", "abc", "1.005", "-5", "1e3", "1,2,3", "nan"):
        with pytest.raises(ValueError):
            parse_rub(bad)
