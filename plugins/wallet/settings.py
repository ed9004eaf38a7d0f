"""Settings an admin changes at run time: money (FX, markup, bonus, free tier, top-up bounds),
Kie.ai's credit price and low-balance threshold, the bank details for transfers and the
support contact.

Defaults live here; the table holds only changed values. A change is validated against the
whole settings model (so cross-field rules such as hourly ≤ daily hold), written together
with its audit row in one transaction, and seen by the next read on this instance; other
instances hear of it by ``NOTIFY wallet_settings`` (``settings_watch.SettingsWatch``), and
their cache lapses after ``ttl`` seconds even if that note is lost.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any, Literal, Self, get_args

import asyncpg
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import transaction
from plugins.wallet.errors import InvalidSetting

BANK_DETAILS_MAX = 1000
#: Telegram usernames: 5–32 characters, a letter first
USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")
LINK = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?")


class WalletSettings(PluginModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    #: RUB per USD; a starting point close to the market, meant to be set by an admin
    fx_rub_per_usd: Decimal = Field(Decimal("95.00"), gt=0, le=10_000, decimal_places=4)
    markup: Decimal = Field(Decimal("2.0"), ge=1, le=100, decimal_places=4)
    welcome_bonus_kopecks: int = Field(20_000, ge=0, le=10_000_000)
    free_models_count: int = Field(5, ge=0, le=100)
    free_hourly_limit: int = Field(2, ge=0, le=1_000)
    free_daily_limit: int = Field(5, ge=0, le=10_000)
    topup_min_kopecks: int = Field(10_000, ge=100, le=100_000_000)
    topup_max_kopecks: int = Field(5_000_000, ge=100, le=100_000_000)
    #: what Kie.ai charges per credit, in USD (the list price is 0.005: 1 000 credits for $5)
    kie_usd_per_credit: Decimal = Field(Decimal("0.005"), gt=0, le=1, decimal_places=6)
    #: admins are alerted once when Kie.ai's balance falls below this many credits (0: never)
    kie_low_balance_credits: int = Field(1_000, ge=0, le=100_000_000)
    #: how often each instance asks Kie.ai for the balance, in minutes
    kie_balance_check_minutes: int = Field(10, ge=1, le=1_440)
    #: messages a second a broadcast sends (replies to users take their share first); Telegram
    #: lets a bot send about 30 a second in all
    broadcast_rate: int = Field(25, ge=1, le=30)
    #: shown on the top-up-by-transfer screen and in /paysupport; empty: no transfers
    bank_details: str = Field("", max_length=BANK_DETAILS_MAX)
    #: a Telegram @username or an http(s) link, shown in /paysupport and help; may be empty
    support_contact: str = Field("", max_length=200)

    @field_validator("support_contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        if value and not (USERNAME.fullmatch(value) or LINK.fullmatch(value)):
            raise ValueError("support_contact must be @username or an http(s) link")
        return value

    #: referrals (plugins/growth): the reward on an invitee's first top-up of at least the
    #: minimum — a fixed sum when above 0, else a percentage — up to a monthly cap per referrer.
    #: The ledger trigger of migration 0110 reads these (its defaults mirror these ones)
    referral_percent: int = Field(10, ge=0, le=100)
    referral_fixed_kopecks: int = Field(0, ge=0, le=10_000_000)
    referral_min_topup_kopecks: int = Field(10_000, ge=0, le=100_000_000)
    referral_monthly_cap_kopecks: int = Field(100_000, ge=0, le=100_000_000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.free_hourly_limit > self.free_daily_limit:
            raise ValueError("free_hourly_limit cannot exceed free_daily_limit")
        if self.topup_min_kopecks > self.topup_max_kopecks:
            raise ValueError("topup_min_kopecks cannot exceed topup_max_kopecks")
        return self


SettingKey = Literal[
    "fx_rub_per_usd",
    "markup",
    "welcome_bonus_kopecks",
    "free_models_count",
    "free_hourly_limit",
    "free_daily_limit",
    "topup_min_kopecks",
    "topup_max_kopecks",
    "kie_usd_per_credit",
    "kie_low_balance_credits",
    "kie_balance_check_minutes",
    "broadcast_rate",
    "bank_details",
    "support_contact",
    "referral_percent",
    "referral_fixed_kopecks",
    "referral_min_topup_kopecks",
    "referral_monthly_cap_kopecks",
]
#: the channel ``set`` notifies on commit, so every instance drops its cache at once
CHANNEL = "wallet_settings"
DECIMAL_KEYS = frozenset({"fx_rub_per_usd", "markup", "kie_usd_per_credit"})
SETTING_KEYS: tuple[str, ...] = get_args(SettingKey)
assert set(SETTING_KEYS) == set(WalletSettings.model_fields), "SettingKey is out of date"


def setting_text(settings: WalletSettings, key: str) -> str:
    value = getattr(settings, key)
    return format(value, "f") if isinstance(value, Decimal) else str(value)  # never "1E+2"


def _reason(exc: ValidationError) -> str:
    return "; ".join(e["msg"] for e in exc.errors(include_url=False))


class SettingsStore:
    """Reads are cached for ``ttl`` seconds; a write on this instance drops the cache."""

    def __init__(self, pool: asyncpg.Pool, ttl: float = 5.0) -> None:
        self.pool = pool
        self.ttl = ttl
        self._cached: WalletSettings | None = None
        self._cached_at = 0.0
        self._no_cache_until = 0.0
        self._generation = 0  # bumped by every write, so a read racing a write is not cached

    async def load(self, conn: Connection | asyncpg.Pool | None = None) -> WalletSettings:
        """Straight from the database (no cache)."""
        rows = await (conn or self.pool).fetch("SELECT key, value FROM wallet_settings")
        stored = {r["key"]: r["value"] for r in rows if r["key"] in WalletSettings.model_fields}
        return WalletSettings.model_validate(stored)

    async def get(self, conn: Connection | None = None) -> WalletSettings:
        """Cached settings. A caller holding a connection passes it: a cache miss then reads
        on it instead of waiting for a second connection from a possibly exhausted pool."""
        now = time.monotonic()
        if self._cached is not None and now - self._cached_at < self.ttl:
            return self._cached
        generation = self._generation
        settings = await self.load(conn)
        if generation == self._generation and now >= self._no_cache_until:
            self._cached, self._cached_at = settings, now
        return settings

    def invalidate(self) -> None:
        self._cached = None
        self._generation += 1

    async def set(
        self, key: str, value: Any, admin_id: int, conn: Connection | None = None
    ) -> WalletSettings:
        """Change one setting and audit it; ``InvalidSetting`` (nothing written) if refused."""
        if key not in WalletSettings.model_fields:
            raise InvalidSetting(key, f"unknown setting; known: {', '.join(SETTING_KEYS)}")
        if isinstance(value, float | bool):
            raise InvalidSetting(key, f"give a string, int or Decimal, not {type(value).__name__}")
        if isinstance(value, str):
            value = value.strip().replace(",", ".") if key in DECIMAL_KEYS else value.strip()
        self.invalidate()
        if conn is not None:
            # the caller commits later: keep reads uncached until then, or one could cache the
            # old value for a whole ttl after the change is committed
            self._no_cache_until = time.monotonic() + self.ttl
        async with transaction(self.pool, conn) as c:
            # one writer at a time, so two changes cannot each pass the cross-field rules
            await c.execute("LOCK TABLE wallet_settings IN SHARE ROW EXCLUSIVE MODE")
            current = await self.load(c)
            try:
                updated = WalletSettings.model_validate({**current.model_dump(), key: value})
            except ValidationError as exc:
                raise InvalidSetting(key, _reason(exc)) from None
            if getattr(updated, key) == getattr(current, key):  # 2.5 and "2.50" are no change
                return current
            old, new = setting_text(current, key), setting_text(updated, key)
            await c.execute(
                "INSERT INTO wallet_settings (key, value, updated_by) VALUES ($1, $2, $3)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
                " updated_by = EXCLUDED.updated_by, updated_at = now()",
                key,
                new,
                admin_id,
            )
            await c.execute(
                "INSERT INTO wallet_audit (admin_id, action, subject, old_value, new_value)"
                " VALUES ($1, 'setting', $2, $3, $4)",
                admin_id,
                key,
                old,
                new,
            )
            await c.execute("SELECT pg_notify($1, $2)", CHANNEL, key)  # sent on commit
        self.invalidate()
        return updated
