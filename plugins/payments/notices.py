"""Telling a user what happened to their money (a receipt decided, Stars refunded), in their
language, at most once per event: the notice's key is claimed in ``money_notices`` first, so a
repeated screen, a retry or a second admin never sends it twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import asyncpg

from engine.loader.bundle import Bundle
from plugins.wallet.money import format_rub
from plugins.wallet.receipts import Receipt, ReceiptStatus, claim_notice
from plugins.wallet.star_refunds import StarRefund

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

NOTICE_TEXTS: dict[str, dict[str, Any]] = {
    "payments.notice.receipt_approved": {"amount": str},
    "payments.notice.receipt_corrected": {"amount": str, "claimed": str, "reason": str},
    "payments.notice.receipt_rejected": {"amount": str, "reason": str},
    "payments.notice.stars_refunded": {"stars": int, "amount": str, "balance": str},
}


async def language_of(pool: asyncpg.Pool, user_id: int) -> str:
    """The language the user reads the bot in (their session's), Russian when unknown."""
    language = await pool.fetchval("SELECT language FROM sessions WHERE user_id = $1", user_id)
    return str(language or "ru")


class Notices:
    def __init__(self, pool: asyncpg.Pool, bundle: Bundle, bot: Bot) -> None:
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        #: called with the user's id once a receipt of theirs was credited and they were told
        #: (the app brings them back to a form waiting on the top-up: ``FormReturn``)
        self.on_credited: list[Callable[[int], Awaitable[None]]] = []

    async def _send(self, key: str, user_id: int, text_key: str, params: dict[str, Any]) -> bool:
        if not await claim_notice(self.pool, key):
            return False
        language = await language_of(self.pool, user_id)
        values = {k: v(language) if callable(v) else v for k, v in params.items()}
        text = self.bundle.render(text_key, language, values)
        try:
            await self.bot.send_message(user_id, text, parse_mode="HTML")
        except Exception:  # the decision stands whether or not the user can be told
            log.warning("user %s could not be told (%s)", user_id, key, exc_info=True)
            return False
        return True

    async def receipt_decided(self, receipt: Receipt) -> bool:
        """The receipt's owner learns the decision: the amount credited, or the reason."""
        claimed = receipt.amount_kopecks
        credited = receipt.credited_kopecks or claimed
        key = f"receipt:{receipt.id}"
        if receipt.status is ReceiptStatus.REJECTED:
            params: dict[str, Any] = {
                "amount": lambda lang: format_rub(claimed, lang),
                "reason": receipt.reason,
            }
            return await self._send(key, receipt.user_id, "payments.notice.receipt_rejected", params)
        if receipt.status is not ReceiptStatus.APPROVED:
            return False
        if credited == claimed:
            params = {"amount": lambda lang: format_rub(credited, lang)}
            told = await self._send(key, receipt.user_id, "payments.notice.receipt_approved", params)
        else:
            params = {
                "amount": lambda lang: format_rub(credited, lang),
                "claimed": lambda lang: format_rub(claimed, lang),
                "reason": receipt.reason,
            }
            told = await self._send(key, receipt.user_id, "payments.notice.receipt_corrected", params)
        if told:  # once per receipt, as the notice is
            for hook in self.on_credited:
                await hook(receipt.user_id)
        return told

    async def stars_refunded(self, refund: StarRefund, balance: int) -> bool:
        """The user learns their Stars came back and what left the balance."""
        return await self._send(
            f"stars_refund:{refund.id}",
            refund.user_id,
            "payments.notice.stars_refunded",
            {
                "stars": refund.stars,
                "amount": lambda lang: format_rub(refund.kopecks, lang),
                "balance": lambda lang: format_rub(balance, lang),
            },
        )
