"""``Wallet``: the whole money core behind one object, for the job runner, payment handlers
and the flow plug-in. Each method says which part does the work; the parts stay usable alone."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from engine.storage.connection import Connection
from plugins.wallet.free_tier import FreeStatus, FreeTier, FreeUse
from plugins.wallet.holds import Hold, Holds
from plugins.wallet.ledger import Entry, Kind, Ledger
from plugins.wallet.pricing import price_kopecks
from plugins.wallet.receipts import Receipt, ReceiptKind, Receipts
from plugins.wallet.settings import SettingsStore, WalletSettings
from plugins.wallet.topup import PACKAGES_FILE, PaymentOutcome, StarsTopUp, load_packages

Conn = Connection | None


class Wallet:
    def __init__(
        self, pool: asyncpg.Pool, packages_file: Path = PACKAGES_FILE, settings_ttl: float = 5.0
    ) -> None:
        self.pool = pool
        self.settings = SettingsStore(pool, settings_ttl)
        self.ledger = Ledger(pool)
        self.holds = Holds(pool)
        self.free = FreeTier(pool, self.settings)
        self.stars = StarsTopUp(pool, load_packages(packages_file))
        self.receipts = Receipts(pool, self.settings)

    # ledger
    async def ensure_wallet(self, user_id: int, conn: Conn = None) -> None:
        await self.ledger.ensure_wallet(user_id, conn)

    async def balance(self, user_id: int, conn: Conn = None) -> int:
        return await self.ledger.balance(user_id, conn)

    async def credit(
        self,
        user_id: int,
        amount: int,
        kind: str,
        key: str,
        *,
        note: str = "",
        job_id: str | None = None,
        payment_ref: str | None = None,
        conn: Conn = None,
    ) -> bool:
        return await self.ledger.credit(
            user_id, amount, kind, key, note=note, job_id=job_id, payment_ref=payment_ref, conn=conn
        )

    async def debit(
        self,
        user_id: int,
        amount: int,
        kind: str,
        key: str,
        *,
        note: str = "",
        job_id: str | None = None,
        payment_ref: str | None = None,
        conn: Conn = None,
    ) -> bool:
        return await self.ledger.debit(
            user_id, amount, kind, key, note=note, job_id=job_id, payment_ref=payment_ref, conn=conn
        )

    async def recent(self, user_id: int, limit: int = 20) -> list[Entry]:
        return await self.ledger.recent(user_id, limit)

    # generation money
    async def reserve(
        self, user_id: int, job_id: str, amount: int, conn: Conn = None, *, note: str = ""
    ) -> Hold:
        """``note`` is shown in the user's operations (e.g. the model's name)."""
        return await self.holds.reserve(user_id, job_id, amount, note=note, conn=conn)

    async def capture(self, job_id: str, conn: Conn = None) -> bool:
        return await self.holds.capture(job_id, conn)

    async def release(self, job_id: str, reason: str = "", conn: Conn = None) -> bool:
        return await self.holds.release(job_id, reason, conn)

    # pricing and settings
    async def price(self, credits: Decimal | int) -> int:
        """Kie.ai credits → kopecks at the current credit price, FX rate and markup."""
        s = await self.settings.get()
        return price_kopecks(credits, s.fx_rub_per_usd, s.markup, s.kie_usd_per_credit)

    async def get_settings(self) -> WalletSettings:
        return await self.settings.get()

    async def set_setting(self, key: str, value: Any, admin_id: int, conn: Conn = None) -> WalletSettings:
        return await self.settings.set(key, value, admin_id, conn)

    # welcome bonus and free tier
    async def grant_welcome(self, user_id: int, conn: Conn = None) -> bool:
        """The welcome bonus, once per user (ledger ``welcome:<user>``); False if given before
        or if the bonus is set to 0."""
        amount = (await self.settings.get(conn)).welcome_bonus_kopecks
        if amount <= 0:
            return False
        return await self.ledger.credit(user_id, amount, Kind.WELCOME, f"welcome:{user_id}", conn=conn)

    async def try_use_free(
        self, user_id: int, model_id: str, job_id: str, *, free_models: Collection[str], conn: Conn = None
    ) -> FreeUse | None:
        return await self.free.try_use(user_id, model_id, job_id, free_models=free_models, conn=conn)

    async def return_free(self, job_id: str, conn: Conn = None) -> bool:
        return await self.free.give_back(job_id, conn)

    async def free_left(self, user_id: int, model_id: str) -> tuple[int, int]:
        return await self.free.free_left(user_id, model_id)

    async def free_status(self, user_id: int, model_id: str) -> FreeStatus:
        return await self.free.status(user_id, model_id)

    # top-up
    async def credit_stars_payment(
        self,
        user_id: int,
        telegram_payment_charge_id: str,
        payload: str,
        total_amount: int,
        currency: str,
        provider_payment_charge_id: str = "",
    ) -> PaymentOutcome:
        return await self.stars.credit_payment(
            user_id,
            telegram_payment_charge_id,
            payload,
            total_amount,
            currency,
            provider_payment_charge_id=provider_payment_charge_id,
        )

    async def submit_receipt(self, user_id: int, amount_kopecks: int, file_id: str, kind: ReceiptKind) -> int:
        return await self.receipts.submit(user_id, amount_kopecks, file_id, kind)

    async def pending_receipts(self, limit: int = 50) -> list[Receipt]:
        return await self.receipts.pending(limit)

    async def approve_receipt(self, receipt_id: int, admin_id: int) -> bool:
        return await self.receipts.approve(receipt_id, admin_id)

    async def reject_receipt(self, receipt_id: int, admin_id: int, reason: str = "") -> bool:
        return await self.receipts.reject(receipt_id, admin_id, reason)
