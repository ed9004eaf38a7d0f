"""The audit as an owner reads it: each action by its name in the reader's language, people
by name, sums of money in roubles and settings in their unit, instead of the table's codes
("balance.adjust", "19000", "true"). The table keeps the codes (plain, stable, searchable);
only the screen translates them. An action without a name (a new one) shows its code."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.loader.bundle import Bundle
from plugins.admin import settings as setting_kinds
from plugins.wallet.money import format_rub

#: every action written to ``admin_audit`` (plug-ins' and the wallet's, copied by a trigger)
ACTIONS = (
    "balance.adjust",
    "job.refund",
    "user.block",
    "user.unblock",
    "user.message",
    "role.grant",
    "role.revoke",
    "broadcast.start",
    "broadcast.paused",
    "broadcast.sending",
    "broadcast.stopped",
    "model.enabled",
    "model.markup",
    "model.fixed_price_kopecks",
    "model.free",
    "stars.refund",
    "stars.refund_done",
    "stars.refund_failed",
    "wallet.setting",
    "wallet.receipt",
    "promo_create",
    "promo_disable",
)
#: actions whose before/after values are kopecks
MONEY = frozenset(
    {"balance.adjust", "job.refund", "stars.refund", "stars.refund_failed", "model.fixed_price_kopecks"}
)
#: the words a value may be, shown in the reader's language
WORDS = ("true", "false", "pending", "approved", "rejected", "done", "failed", "support", "admin", "owner")
_RECEIPT = re.compile(r"^(pending|approved) (\d+)$")


def action_key(action: str) -> str:
    return "admin.audit.action." + action.replace(".", "_")


#: a broadcast's audience, as its start is noted ("language ru", "inactive 30")
SEGMENTS = ("all", "paying", "inactive", "language", "model")

TEXTS: dict[str, dict[str, Any]] = {
    **{action_key(a): {} for a in ACTIONS},
    **{f"admin.audit.segment.{s}": {"value": str} for s in SEGMENTS},
    **{f"admin.audit.word.{w}": {} for w in WORDS},
}


class AuditView:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    def action(self, action: str, language: str) -> str:
        key = action_key(action)
        return self.bundle.render(key, language, {}) if action in ACTIONS else action

    def value(self, action: str, subject: str, value: str | None, language: str) -> str:
        """One before/after value as the reader would write it."""
        if value is None or value == "":
            return ""
        word: Callable[[str], str] = lambda w: self.bundle.render(f"admin.audit.word.{w}", language, {})  # noqa: E731
        if action in MONEY and re.fullmatch(r"-?\d+", value):
            return format_rub(int(value), language)
        if action == "wallet.receipt" and (found := _RECEIPT.match(value)):
            return f"{word(found.group(1))} · {format_rub(int(found.group(2)), language)}"
        if action == "wallet.setting" and subject in setting_kinds.KINDS:
            return self._setting(subject, value, language)
        if value in WORDS:
            return word(value)
        return value

    def note(self, action: str, note: str, language: str) -> str:
        """The note, its codes in words: a broadcast's audience, a refund's state."""
        if action == "broadcast.start":
            segment, _, value = note.partition(" ")
            if segment in SEGMENTS:
                return self.bundle.render(f"admin.audit.segment.{segment}", language, {"value": value})
        return self.value("", "", note, language) if note in WORDS else note

    def _setting(self, key: str, value: str, language: str) -> str:
        kind = setting_kinds.KINDS[key]
        typed: Any = value
        try:
            if kind in setting_kinds.DECIMAL_KINDS:
                typed = Decimal(value)
            elif kind not in setting_kinds.TEXT_KINDS:
                typed = int(value)
        except (InvalidOperation, ValueError):
            return value
        unit = setting_kinds.unit_vars(kind, typed, language)
        return self.bundle.render(f"admin.config.unit.{kind}", language, unit)
