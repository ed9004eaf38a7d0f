"""The money core: wallets and their append-only ledger, generation holds, pricing, settings
with audit, welcome bonus, free tier and top-ups (Telegram Stars, manual receipts)."""

from plugins.wallet.errors import (
    HoldConflict,
    InsufficientFunds,
    InvalidSetting,
    LedgerInconsistency,
    ReceiptRefused,
    WalletError,
)
from plugins.wallet.free_tier import FreeUse, pick_free_models
from plugins.wallet.holds import Hold, HoldState
from plugins.wallet.ledger import Entry, Kind
from plugins.wallet.plugin import WalletPlugin
from plugins.wallet.pricing import price_kopecks
from plugins.wallet.service import Wallet
from plugins.wallet.settings import WalletSettings
from plugins.wallet.topup import PaymentOutcome, StarsPackage

__all__ = [
    "Entry",
    "FreeUse",
    "Hold",
    "HoldConflict",
    "HoldState",
    "InsufficientFunds",
    "InvalidSetting",
    "Kind",
    "LedgerInconsistency",
    "PaymentOutcome",
    "ReceiptRefused",
    "StarsPackage",
    "Wallet",
    "WalletError",
    "WalletPlugin",
    "WalletSettings",
    "pick_free_models",
    "price_kopecks",
]
