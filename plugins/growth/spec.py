"""A new promo code as an admin types it, one line after choosing the kind:

- bonus: ``CODE RUB USES DAYS [new]`` — ``SPRING 150 100 30 new``
- top-up percentage: ``CODE PERCENT CAP_RUB USES DAYS [new]`` — ``PLUS20 20 500 50 14``
- free runs: ``CODE MODEL RUNS USES DAYS [new]`` — ``TRY3 google/nano-banana 3 200 7``

``new``: only users who first came after the code was created. Anything else is refused with
the format shown again, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import UTC, datetime, timedelta

from engine.plugin import ActionError
from plugins.growth.promo import PromoKind, PromoSpec
from plugins.wallet.money import parse_rub

_CODE = re.compile(r"^[A-Z0-9_-]{3,32}$")
_COUNT = re.compile(r"^\d{1,7}$")


def _count(text: str, low: int, high: int) -> int:
    if not _COUNT.match(text) or not low <= int(text) <= high:
        raise ActionError("growth.admin.bad_spec")
    return int(text)


def _rub(text: str) -> int:
    try:
        kopecks = parse_rub(text)
    except ValueError:
        raise ActionError("growth.admin.bad_spec") from None
    if not 0 < kopecks <= 10_000_000:
        raise ActionError("growth.admin.bad_spec")
    return kopecks


def parse_spec(kind: PromoKind, line: str, models: Container[str], now: datetime | None = None) -> PromoSpec:
    words = line.split()
    new_only = bool(words) and words[-1].lower() in ("new", "новым", "новые")
    if new_only:
        words = words[:-1]
    wanted = 4 if kind is PromoKind.BONUS else 5
    if len(words) != wanted:
        raise ActionError("growth.admin.bad_spec")
    code = words[0].upper()
    if not _CODE.match(code):
        raise ActionError("growth.admin.bad_spec")
    uses, days = _count(words[-2], 1, 1_000_000), _count(words[-1], 1, 3650)
    expires = (now or datetime.now(UTC)) + timedelta(days=days)
    kopecks = percent = cap = runs = 0
    model: str | None = None
    if kind is PromoKind.BONUS:
        kopecks = _rub(words[1])
    elif kind is PromoKind.TOPUP_PERCENT:
        percent, cap = _count(words[1], 1, 100), _rub(words[2])
    else:
        model = words[1]
        if model not in models:
            raise ActionError("growth.admin.unknown_model", model=model[:64])
        runs = _count(words[2], 1, 1000)
    return PromoSpec(
        code=code,
        kind=kind,
        amount_kopecks=kopecks,
        percent=percent,
        cap_kopecks=cap,
        model=model,
        runs=runs,
        max_uses=uses,
        expires_at=expires,
        new_users_only=new_only,
    )
