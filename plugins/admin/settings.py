"""Settings as an admin reads and types them: each has a kind that says how its value is shown
("200 ₽", "×2 (+100 %)", "10 мин") and how a typed answer is read ("200", "2,5", "@help").

The stored model (``plugins.wallet.settings.WalletSettings``) stays the one authority on what
is valid; this module checks a typed answer first, so every refusal can be told in the
admin's language (its bounds shown in the setting's own unit) rather than as pydantic's
English. Names, descriptions, units and hints are texts in ``locales/*/admin_settings.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import annotated_types

from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.settings import BANK_DETAILS_MAX, LINK, SETTING_KEYS, USERNAME, WalletSettings

Kind = Literal[
    "money",
    "rate",
    "markup",
    "credit_price",
    "models",
    "per_hour",
    "per_day",
    "credits",
    "minutes",
    "text",
    "contact",
    "percent",
    "per_second",
]

#: every setting's kind, in the order the list shows them
KINDS: dict[str, Kind] = {
    "welcome_bonus_kopecks": "money",
    "markup": "markup",
    "fx_rub_per_usd": "rate",
    "topup_min_kopecks": "money",
    "topup_max_kopecks": "money",
    "bank_details": "text",
    "support_contact": "contact",
    "free_models_count": "models",
    "free_hourly_limit": "per_hour",
    "free_daily_limit": "per_day",
    "kie_usd_per_credit": "credit_price",
    "kie_low_balance_credits": "credits",
    "kie_balance_check_minutes": "minutes",
    "broadcast_rate": "per_second",
    "referral_percent": "percent",
    "referral_fixed_kopecks": "money",
    "referral_min_topup_kopecks": "money",
    "referral_monthly_cap_kopecks": "money",
}
assert set(KINDS) == set(SETTING_KEYS), "every setting needs a kind"
ALL_KINDS: tuple[Kind, ...] = tuple(dict.fromkeys(KINDS.values()))
DECIMAL_KINDS = frozenset({"rate", "markup", "credit_price"})
TEXT_KINDS = frozenset({"text", "contact"})
#: what an admin types to empty a text setting
CLEAR = frozenset({"-", "—", "–"})


class Refusal(Exception):
    """A typed answer that cannot be taken: ``code`` names the text, ``params`` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Bounds:
    low: Any = None
    strict: bool = False  # low itself is refused (``gt``)
    high: Any = None
    places: int | None = None
    max_length: int | None = None


def bounds(key: str) -> Bounds:
    """The limits the stored model puts on ``key``, read from its field (one source of truth)."""
    low: Any = None
    high: Any = None
    strict, places, length = False, None, None
    for rule in WalletSettings.model_fields[key].metadata:
        if isinstance(rule, annotated_types.Ge):
            low = rule.ge
        elif isinstance(rule, annotated_types.Gt):
            low, strict = rule.gt, True
        elif isinstance(rule, annotated_types.Le):
            high = rule.le
        elif isinstance(rule, annotated_types.MaxLen):
            length = rule.max_length
        elif getattr(rule, "decimal_places", None) is not None:
            places = rule.decimal_places
    return Bounds(low, strict, high, places, length)


# ----------------------------------------------------------------------------- showing
def number(value: Decimal | int, language: str) -> str:
    """``1234.5`` → ``1 234,5`` (ru) or ``1,234.5`` (en); no exponent, no trailing zeros."""
    if isinstance(value, Decimal):
        value = value.normalize()
    text = f"{value:,f}" if isinstance(value, Decimal) else f"{value:,}"
    return text if language == "en" else text.replace(",", "\u00a0").replace(".", ",")


def shown(kind: Kind, value: Any, language: str) -> str:
    """The bare figure of a value in its kind (the unit's text adds the rest)."""
    if kind == "money":
        return format_rub(int(value), language)
    if kind in TEXT_KINDS:
        return str(value)
    return number(value, language)


def unit_vars(kind: Kind, value: Any, language: str) -> dict[str, Any]:
    """What the unit's text reads: ``value`` (the figure), ``n`` (for plurals), ``percent``."""
    out: dict[str, Any] = {"value": shown(kind, value, language), "n": 0, "percent": ""}
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        out["n"] = int(value) if kind != "money" else int(value) // 100
    if kind == "markup":
        out["percent"] = number((Decimal(value) - 1) * 100, language) + "\u00a0%"
    if kind == "credit_price":
        out["percent"] = number(Decimal(value) * 1000, language)  # USD per 1 000 credits
    return out


# ----------------------------------------------------------------------------- reading
_WHOLE = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")


def _decimal(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0×x$₽%]", "", text.lower())
    if not _DECIMAL.match(cleaned):
        raise Refusal("not_number")
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        raise Refusal("not_number") from None


def _whole(text: str) -> int:
    cleaned = re.sub(r"[\s\u00a0%]", "", text)
    if not _WHOLE.match(cleaned):
        raise Refusal("not_whole")
    return int(cleaned)


def _money(text: str) -> int:
    try:
        return parse_rub(text)
    except ValueError:
        raise Refusal("not_money") from None


def _contact(text: str) -> str:
    value = text.strip()
    if re.fullmatch(r"(?:https?://)?(?:t|telegram)\.me/[A-Za-z][A-Za-z0-9_]{4,31}/?", value):
        value = "@" + value.rstrip("/").rsplit("/", 1)[1]
    elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", value):
        value = "@" + value
    if not (USERNAME.fullmatch(value) or LINK.fullmatch(value)):
        raise Refusal("not_contact")
    return value


def _text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join(lines)


READERS: dict[Kind, Callable[[str], Any]] = {
    "money": _money,
    "rate": _decimal,
    "markup": _decimal,
    "credit_price": _decimal,
    "models": _whole,
    "per_hour": _whole,
    "per_day": _whole,
    "credits": _whole,
    "minutes": _whole,
    "text": _text,
    "contact": _contact,
    "percent": _whole,
    "per_second": _whole,
}


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def read(key: str, typed: str, current: WalletSettings, language: str) -> Any:
    """The value an admin typed for ``key``, checked against its bounds and the settings it
    must agree with; ``Refusal`` says why not, with figures shown in the setting's unit."""
    kind = KINDS[key]
    typed = typed.strip()
    if kind in TEXT_KINDS and typed in CLEAR:
        return ""
    if not typed:
        raise Refusal("empty")
    value = READERS[kind](typed)
    limits = bounds(key)
    if limits.max_length is not None and len(value) > limits.max_length:
        raise Refusal("too_long", max=limits.max_length, length=len(value))
    if limits.places is not None and isinstance(value, Decimal) and _places(value) > limits.places:
        raise Refusal("too_precise", places=limits.places)
    low, high = limits.low, limits.high
    if (low is not None and (value < low or (limits.strict and value == low))) or (
        high is not None and value > high
    ):
        raise Refusal(
            "out_of_range",
            strict=limits.strict,
            min=shown(kind, low, language),
            max=shown(kind, high, language),
        )
    _agrees(key, value, current, language)
    return value


def _agrees(key: str, value: Any, current: WalletSettings, language: str) -> None:
    """The rules across settings, told in the admin's words (the model checks them again)."""
    if key == "free_hourly_limit" and value > current.free_daily_limit:
        raise Refusal("hourly_above_daily", daily=current.free_daily_limit)
    if key == "free_daily_limit" and value < current.free_hourly_limit:
        raise Refusal("daily_below_hourly", hourly=current.free_hourly_limit)
    if key == "topup_min_kopecks" and value > current.topup_max_kopecks:
        raise Refusal("min_above_max", max=format_rub(current.topup_max_kopecks, language))
    if key == "topup_max_kopecks" and value < current.topup_min_kopecks:
        raise Refusal("max_below_min", min=format_rub(current.topup_min_kopecks, language))


#: the texts each refusal reads
REFUSALS: dict[str, dict[str, Any]] = {
    "empty": {},
    "not_number": {},
    "not_whole": {},
    "not_money": {},
    "not_contact": {},
    "too_long": {"max": int, "length": int},
    "too_precise": {"places": int},
    "out_of_range": {"strict": bool, "min": str, "max": str},
    "hourly_above_daily": {"daily": int},
    "daily_below_hourly": {"hourly": int},
    "min_above_max": {"max": str},
    "max_below_min": {"min": str},
    "conflict": {},
}
assert bounds("bank_details").max_length == BANK_DETAILS_MAX
