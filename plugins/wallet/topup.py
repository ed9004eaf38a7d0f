"""Top-up with Telegram Stars: packages from ``packages.yaml`` and crediting a
``successful_payment`` exactly once per ``telegram_payment_charge_id``.

The invoice payload names the package (``stars:<id>``); a payment is credited only if its
payload, amount and currency match a package now on sale. Every payment received is recorded,
credited or refused, so a redelivery is recognised and a refund has its charge id.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path

import asyncpg
import yaml
from pydantic import ConfigDict, Field, ValidationError, field_validator

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.errors import LedgerInconsistency
from plugins.wallet.ledger import Kind, post

log = logging.getLogger(__name__)

PACKAGES_FILE = Path(__file__).with_name("packages.yaml")
STARS_CURRENCY = "XTR"
PAYLOAD_PREFIX = "stars:"


class StarsPackage(PluginModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]{1,32}$")
    stars: int = Field(gt=0, le=100_000, strict=True)
    #: what the wallet is credited, in kopecks (100 ₽ = 10000)
    kopecks: int = Field(gt=0, le=100_000_000, strict=True)
    #: invoice title: Telegram allows 1–32 characters
    label: str = Field(min_length=1, max_length=32)

    @property
    def payload(self) -> str:
        return f"{PAYLOAD_PREFIX}{self.id}"


class StarsCatalog(PluginModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    packages: list[StarsPackage] = Field(min_length=1)

    @field_validator("packages")
    @classmethod
    def _unique(cls, packages: list[StarsPackage]) -> list[StarsPackage]:
        ids = [p.id for p in packages]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"package ids must be unique: {', '.join(duplicates)}")
        return packages

    def by_payload(self, payload: str) -> StarsPackage | None:
        if not payload.startswith(PAYLOAD_PREFIX):
            return None
        wanted = payload[len(PAYLOAD_PREFIX) :]
        return next((p for p in self.packages if p.id == wanted), None)

    def mismatch(self, payload: str, total_amount: int, currency: str) -> str | None:
        """Why a payment does not buy a package (None if it does). Cheap: fit for pre-checkout."""
        package = self.by_payload(payload)
        if package is None:
            return f"payload {payload!r} names no package"
        if currency != STARS_CURRENCY:
            return f"currency {currency!r} is not {STARS_CURRENCY}"
        if total_amount != package.stars:
            return f"{total_amount} stars paid, package {package.id} costs {package.stars}"
        return None


def load_packages(path: Path = PACKAGES_FILE) -> StarsCatalog:
    """Read and validate the packages file; errors name the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return StarsCatalog.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


class PaymentOutcome(StrEnum):
    CREDITED = "credited"
    DUPLICATE = "duplicate"  # this charge id was recorded before; nothing changed now
    REFUSED = "refused"  # recorded, not credited: it matched no package


class StarsTopUp:
    def __init__(self, pool: asyncpg.Pool, catalog: StarsCatalog) -> None:
        self.pool = pool
        self.catalog = catalog

    async def credit_payment(
        self,
        user_id: int,
        telegram_payment_charge_id: str,
        payload: str,
        total_amount: int,
        currency: str,
        *,
        provider_payment_charge_id: str = "",
        conn: Connection | None = None,
    ) -> PaymentOutcome:
        """Credit a ``successful_payment`` once per charge id; refuse one matching no package."""
        if not telegram_payment_charge_id:
            raise ValueError("a payment without a charge id cannot be deduplicated")
        reason = self.catalog.mismatch(payload, total_amount, currency)
        package = None if reason else self.catalog.by_payload(payload)
        kopecks = package.kopecks if package else 0
        async with transaction(self.pool, conn) as c:
            await lock_wallet(c, user_id)
            payment_id = await c.fetchval(
                "INSERT INTO payments (provider, charge_id, provider_charge_id, user_id, payload,"
                " total_amount, currency, package_id, credited_kopecks, status, reason)"
                " VALUES ('stars', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                " ON CONFLICT (provider, charge_id) DO NOTHING RETURNING id",
                telegram_payment_charge_id,
                provider_payment_charge_id,
                user_id,
                payload,
                total_amount,
                currency,
                package.id if package else None,
                kopecks,
                "refused" if reason else "credited",
                reason or "",
            )
            if payment_id is None:
                log.info("stars payment %s delivered again; already recorded", telegram_payment_charge_id)
                return PaymentOutcome.DUPLICATE
            if package is None:
                log.warning(
                    "stars payment %s from user %s refused: %s", telegram_payment_charge_id, user_id, reason
                )
                return PaymentOutcome.REFUSED
            if not await post(
                c,
                user_id,
                kopecks,
                Kind.TOPUP_STARS,
                f"stars:{telegram_payment_charge_id}",
                payment_ref=telegram_payment_charge_id,
            ):
                raise LedgerInconsistency(f"stars {telegram_payment_charge_id}: key already used")
            return PaymentOutcome.CREDITED

    async def payment(self, charge_id: str) -> asyncpg.Record | None:
        """The recorded payment (for refunds and support)."""
        return await self.pool.fetchrow(
            "SELECT * FROM payments WHERE provider = 'stars' AND charge_id = $1", charge_id
        )
