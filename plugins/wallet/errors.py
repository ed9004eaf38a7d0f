"""What the money core refuses. Every refusal is an exception, raised before anything is
written (or inside the transaction, so it rolls back): no call reports failure while its
writes commit."""

from __future__ import annotations


class WalletError(Exception):
    """Base of every refusal of the money core."""


class InsufficientFunds(WalletError):
    def __init__(self, balance: int, needed: int) -> None:
        super().__init__(f"balance {balance} kopecks is less than the {needed} needed")
        self.balance = balance
        self.needed = needed


class HoldConflict(WalletError):
    """A job id already reserved for another user: a caller bug, never silently merged."""


class InvalidSetting(WalletError):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"setting {key!r}: {reason}")
        self.key = key
        self.reason = reason


class ReceiptRefused(WalletError):
    """A manual top-up claim that cannot be queued (amount out of bounds, too many pending)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


class LedgerInconsistency(WalletError):
    """Two records that must move together did not; the transaction is rolled back."""
