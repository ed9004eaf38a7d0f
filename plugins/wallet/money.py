"""Kopeck amounts to and from text, exactly (Decimal, never float)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_RUB_TEXT = re.compile(r"^\d+(?:[.,]\d{1,2})?$")


def format_rub(kopecks: int, language: str = "ru", *, signed: bool = False) -> str:
    """``123456`` → ``1 234,56 ₽`` (ru) or ``1,234.56 ₽`` (en); whole roubles drop the cents."""
    sign = "−" if kopecks < 0 else ("+" if signed and kopecks > 0 else "")
    rub, kop = divmod(abs(kopecks), 100)
    group, point = (",", ".") if language == "en" else ("\u00a0", ",")
    whole = f"{rub:,}".replace(",", group)
    cents = f"{point}{kop:02d}" if kop else ""
    return f"{sign}{whole}{cents}\u00a0₽"


def parse_rub(text: str) -> int:
    """A rouble amount as a person types it (``500``, ``1 500,50``, ``99.9``) → kopecks.

    Raises ``ValueError`` for anything else, including more than two decimals.
    """
    cleaned = re.sub(r"[\s\u00a0₽]|руб\.?|rub", "", text.strip().lower())
    if not _RUB_TEXT.match(cleaned):
        raise ValueError(f"not a rouble amount: {text!r}")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes it
        raise ValueError(f"not a rouble amount: {text!r}") from exc
    return int(value * 100)
