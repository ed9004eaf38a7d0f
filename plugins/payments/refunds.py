"""A Stars refund end to end: record it and take the money back (one transaction), ask
Telegram (``refundStarPayment``), then settle the record by Telegram's answer.

Every crash point is safe (see ``plugins.wallet.star_refunds``): before Telegram is asked, the
refund is ``pending`` with the money already held back, and asking again is harmless, since
Telegram answers ``CHARGE_ALREADY_REFUNDED`` for a charge it refunded, which counts as done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from plugins.wallet.star_refunds import RefundStatus, StarRefund, StarRefunds

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

#: how long Telegram gets to answer before the refund is left pending for a retry
TELEGRAM_TIMEOUT = 15.0


class Answer(StrEnum):
    REFUNDED = "refunded"
    ALREADY = "already"  # CHARGE_ALREADY_REFUNDED: refunded before (a retry after a crash)
    REFUSED = "refused"  # Telegram will not refund it (a bad charge id, …): give the money back
    UNKNOWN = "unknown"  # no answer (network, timeout, flood wait): ask again later


#: asks Telegram to refund ``charge_id`` of ``user_id``; returns its answer and any error text
AskTelegram = Callable[[int, str], Awaitable[tuple[Answer, str]]]


def telegram_asker(bot: Bot, timeout: float = TELEGRAM_TIMEOUT) -> AskTelegram:
    async def ask(user_id: int, charge_id: str) -> tuple[Answer, str]:
        from aiogram.exceptions import TelegramAPIError, TelegramBadRequest  # only when a bot runs

        try:
            await asyncio.wait_for(
                bot.refund_star_payment(user_id=user_id, telegram_payment_charge_id=charge_id), timeout
            )
        except TelegramBadRequest as exc:
            if "CHARGE_ALREADY_REFUNDED" in exc.message:
                return Answer.ALREADY, exc.message
            return Answer.REFUSED, exc.message
        except (TelegramAPIError, OSError, TimeoutError) as exc:
            return Answer.UNKNOWN, str(exc) or type(exc).__name__
        return Answer.REFUNDED, ""

    return ask


@dataclass(frozen=True)
class Outcome:
    refund: StarRefund
    status: RefundStatus
    error: str = ""


async def settle(store: StarRefunds, ask: AskTelegram, refund: StarRefund, admin_id: int) -> Outcome:
    """Ask Telegram about a pending refund and record its answer."""
    answer, error = await ask(refund.user_id, refund.charge_id)
    if answer in (Answer.REFUNDED, Answer.ALREADY):
        await store.finish(refund.id, admin_id)
        return Outcome(refund, RefundStatus.DONE)
    if answer is Answer.REFUSED:
        log.warning("star refund %s refused by Telegram: %s", refund.id, error)
        await store.fail(refund.id, error, admin_id)
        return Outcome(refund, RefundStatus.FAILED, error)
    log.warning("star refund %s: no answer from Telegram (%s); left pending", refund.id, error)
    return Outcome(refund, RefundStatus.PENDING, error)


async def refund_stars(store: StarRefunds, ask: AskTelegram, payment_id: int, admin_id: int) -> Outcome:
    """Refund a Stars top-up once; a pending refund of it (a crash, a timeout) is asked again.

    Raises ``RefundRefused`` (nothing written) when it cannot start."""
    refund, _ = await store.begin(payment_id, admin_id)
    return await settle(store, ask, refund, admin_id)


async def settle_pending(store: StarRefunds, ask: AskTelegram) -> list[Outcome]:
    """Finish refunds a crash left pending (at start-up): each is asked again, in order."""
    return [await settle(store, ask, refund, refund.requested_by) for refund in await store.pending()]
