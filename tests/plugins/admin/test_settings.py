"""Typed answers read by each setting's kind, refusals with their figures in the unit, and
values shown as an admin reads them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.admin import settings as kinds
from plugins.wallet.settings import SETTING_KEYS, WalletSettings

DEFAULTS = WalletSettings()


@pytest.mark.parametrize(
    ("key", "typed", "value"),
    [
        ("welcome_bonus_kopecks", "200", 20_000),
        ("welcome_bonus_kopecks", "149,90 ₽", 14_990),
        ("welcome_bonus_kopecks", "1 000", 100_000),
        ("markup", "2,5", Decimal("2.5")),
        ("markup", "×3", Decimal("3")),
        ("fx_rub_per_usd", "92.75", Decimal("92.75")),
        ("kie_usd_per_credit", "0,004", Decimal("0.004")),
        ("kie_low_balance_credits", "5 000", 5_000),
        ("free_daily_limit", "12", 12),
        ("kie_balance_check_minutes", "15", 15),
        ("support_contact", "@kie_help", "@kie_help"),
        ("support_contact", "kie_help", "@kie_help"),
        ("support_contact", "https://t.me/kie_help/", "@kie_help"),
        ("support_contact", "https://example.com/support", "https://example.com/support"),
        ("support_contact", "-", ""),
        ("bank_details", "  ООО «Ромашка»  \n р/с 407  ", "ООО «Ромашка»\n р/с 407"),
        ("bank_details", "—", ""),
    ],
)
def test_a_typed_answer_is_read_by_its_kind(key: str, typed: str, value: object) -> None:
    assert kinds.read(key, typed, DEFAULTS, "ru") == value


@pytest.mark.parametrize(
    ("key", "typed", "code", "params"),
    [
        ("welcome_bonus_kopecks", "двести", "not_money", {}),
        ("welcome_bonus_kopecks", "200000", "out_of_range", {"min": "0\xa0₽", "max": "100\xa0000\xa0₽"}),
        ("markup", "0,9", "out_of_range", {"min": "1", "max": "100"}),
        ("markup", "2.123456", "too_precise", {"places": 4}),
        ("fx_rub_per_usd", "0", "out_of_range", {"strict": True}),
        ("free_daily_limit", "2.5", "not_whole", {}),
        ("free_hourly_limit", "6", "hourly_above_daily", {"daily": 5}),
        ("free_daily_limit", "1", "daily_below_hourly", {"hourly": 2}),
        ("topup_min_kopecks", "60000", "min_above_max", {"max": "50\xa0000\xa0₽"}),
        ("topup_max_kopecks", "50", "max_below_min", {"min": "100\xa0₽"}),
        ("topup_max_kopecks", "0,5", "out_of_range", {"min": "1\xa0₽"}),
        ("support_contact", "напишите Ивану", "not_contact", {}),
        ("support_contact", "@abc", "not_contact", {}),
        ("bank_details", "x" * 1001, "too_long", {"max": 1000, "length": 1001}),
        ("kie_balance_check_minutes", "0", "out_of_range", {"min": "1"}),
        ("welcome_bonus_kopecks", "   ", "empty", {}),
    ],
)
def test_a_bad_answer_is_refused_with_its_reason(
    key: str, typed: str, code: str, params: dict[str, object]
) -> None:
    with pytest.raises(kinds.Refusal) as refused:
        kinds.read(key, typed, DEFAULTS, "ru")
    assert refused.value.code == code
    assert params.items() <= refused.value.params.items()
    assert code in kinds.REFUSALS


def test_every_setting_has_a_kind_and_a_value_the_model_takes() -> None:
    assert set(kinds.KINDS) == set(SETTING_KEYS)
    for key in SETTING_KEYS:
        value = getattr(DEFAULTS, key)
        kind = kinds.KINDS[key]
        shown = kinds.unit_vars(kind, value, "ru")["value"]
        assert shown or kind in kinds.TEXT_KINDS, key


def test_values_are_shown_in_their_unit() -> None:
    assert kinds.unit_vars("money", 20_000, "ru")["value"] == "200\xa0₽"
    assert kinds.unit_vars("markup", Decimal("2.5"), "en") == {"value": "2.5", "n": 2, "percent": "150\xa0%"}
    assert kinds.unit_vars("credit_price", Decimal("0.005"), "ru")["percent"] == "5"
    assert kinds.unit_vars("credits", 1_000, "ru") == {"value": "1\xa0000", "n": 1000, "percent": ""}
    assert kinds.number(Decimal("95.00"), "ru") == "95"
    assert kinds.number(Decimal("1234.5"), "en") == "1,234.5"
