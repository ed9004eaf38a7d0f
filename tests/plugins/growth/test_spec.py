"""An admin's one-line promo code: each kind read, anything malformed refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.plugin import ActionError
from plugins.growth.promo import PromoKind
from plugins.growth.spec import parse_spec

NOW = datetime(2026, 12, 1, tzinfo=UTC)
MODELS = {"google/nano-banana"}


def test_each_kind() -> None:
    bonus = parse_spec(PromoKind.BONUS, "spring 150,50 100 30 new", MODELS, NOW)
    assert (bonus.code, bonus.amount_kopecks, bonus.max_uses, bonus.new_users_only) == (
        "SPRING",
        15_050,
        100,
        True,
    )
    assert bonus.expires_at == NOW + timedelta(days=30)
    percent = parse_spec(PromoKind.TOPUP_PERCENT, "PLUS20 20 500 50 14", MODELS, NOW)
    assert (percent.percent, percent.cap_kopecks, percent.new_users_only) == (20, 50_000, False)
    runs = parse_spec(PromoKind.FREE_RUNS, "TRY3 google/nano-banana 3 200 7", MODELS, NOW)
    assert (runs.model, runs.runs, runs.max_uses) == ("google/nano-banana", 3, 200)


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (PromoKind.BONUS, ""),
        (PromoKind.BONUS, "SPRING 150"),
        (PromoKind.BONUS, "SP 150 1 1"),  # too short a code
        (PromoKind.BONUS, "SPR!NG 150 1 1"),
        (PromoKind.BONUS, "SPRING 0 1 1"),
        (PromoKind.BONUS, "SPRING -5 1 1"),
        (PromoKind.BONUS, "SPRING 150 0 1"),
        (PromoKind.BONUS, "SPRING 150 1 0"),
        (PromoKind.BONUS, "SPRING 150 1.5 1"),
        (PromoKind.TOPUP_PERCENT, "PLUS 101 500 1 1"),
        (PromoKind.TOPUP_PERCENT, "PLUS 20 1 1"),
        (PromoKind.FREE_RUNS, "TRY google/nano-banana 0 1 1"),
    ],
)
def test_malformed_lines_are_refused(kind: PromoKind, line: str) -> None:
    with pytest.raises(ActionError) as refused:
        parse_spec(kind, line, MODELS, NOW)
    assert refused.value.text_key == "growth.admin.bad_spec"


def test_an_unknown_model_is_named() -> None:
    with pytest.raises(ActionError) as refused:
        parse_spec(PromoKind.FREE_RUNS, "TRY google/nano-bananas 1 1 1", MODELS, NOW)
    assert refused.value.text_key == "growth.admin.unknown_model"
    assert refused.value.params == {"model": "google/nano-bananas"}
