"""Telegram's payment updates: answer the pre-checkout at once (within Telegram's 10 s) and
credit only on ``successful_payment``, exactly once per charge id (the wallet guarantees it)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiogram import F, Router
from aiogram.types import Message, PreCheckoutQuery

from engine.loader.bundle import Bundle
from engine.runtime.incoming import Person
from engine.runtime.interpreter import Runtime
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet
from plugins.wallet.topup import PaymentOutcome

log = logging.getLogger(__name__)


def _language(code: str | None) -> str:
    return "en" if code and not code.lower().startswith(("ru", "uk", "be", "kk")) else "ru"


@dataclass
class FormReturn:
    """After a top-up, the user is brought back to the form they left to top up (from "not
    enough money"), answers kept. The runtime is attached once it exists (see assembly)."""

    runtime: Runtime | None = None
    _pending: set[asyncio.Task[bool]] = field(default_factory=set)

    def attach(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def after_credit(self, user_id: int) -> None:
        """A top-up credited by someone else (an admin approving a receipt): the user's form is
        shown once the admin's own turn is over, so an admin approving their own receipt never
        waits on their own turn."""
        if self.runtime is None:
            return
        back = self.runtime.back_to_form(Person(id=user_id), user_id, "payments.back_to_form")
        task = asyncio.create_task(back)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def after_top_up(self, message: Message) -> None:
        user = message.from_user
        if self.runtime is None or user is None:
            return
        person = Person(
            id=user.id, first_name=user.first_name, username=user.username, language_code=user.language_code
        )
        await self.runtime.back_to_form(person, message.chat.id, "payments.back_to_form")


def payments_router(bundle: Bundle, wallet: Wallet, form_return: FormReturn | None = None) -> Router:
    router = Router(name="payments")

    @router.pre_checkout_query()
    async def checkout(query: PreCheckoutQuery) -> None:
        problem = wallet.stars.catalog.mismatch(query.invoice_payload, query.total_amount, query.currency)
        if problem is None:
            await query.answer(ok=True)
            return
        log.warning("pre-checkout refused for user %s: %s", query.from_user.id, problem)
        text = bundle.render("payments.checkout_refused", _language(query.from_user.language_code), {})
        await query.answer(ok=False, error_message=text)

    @router.message(F.successful_payment)
    async def paid(message: Message) -> None:
        payment = message.successful_payment
        assert payment is not None and message.from_user is not None
        user = message.from_user
        outcome = await wallet.credit_stars_payment(
            user.id,
            payment.telegram_payment_charge_id,
            payment.invoice_payload,
            payment.total_amount,
            payment.currency,
            payment.provider_payment_charge_id or "",
        )
        language = _language(user.language_code)
        if outcome is PaymentOutcome.DUPLICATE:
            return  # told the first time
        if outcome is PaymentOutcome.REFUSED:
            await message.answer(bundle.render("payments.refused", language, {}))
            return
        package = wallet.stars.catalog.by_payload(payment.invoice_payload)
        amount = format_rub(package.kopecks if package else 0, language)
        balance = format_rub(await wallet.balance(user.id), language)
        await message.answer(
            bundle.render("payments.credited", language, {"amount": amount, "balance": balance}),
            parse_mode="HTML",
        )
        if form_return is not None:
            await form_return.after_top_up(message)

    @router.message(F.refunded_payment)
    async def refunded(message: Message) -> None:
        """Telegram's service message about a refund: the console that asked for it has
        already taken the money back and told the user, so there is nothing to answer."""
        refund = message.refunded_payment
        assert refund is not None
        log.info("Telegram confirms the refund of charge %s", refund.telegram_payment_charge_id)

    return router
