"""Invoices, the pre-checkout window, successful payments and Star refunds."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import LabeledPrice, Message, PreCheckoutQuery

from emulators.telegram import EmulatorError, TelegramEmulator

ANNA = 1001
STARS = [LabeledPrice(label="100 credits", amount=50)]


async def send_star_invoice(bot: Bot, payload: str = "topup:50") -> Message:
    return await bot.send_invoice(
        ANNA,
        title="Top up",
        description="100 credits for generations",
        payload=payload,
        currency="XTR",
        prices=STARS,
    )


@pytest.mark.parametrize(
    ("overrides", "description"),
    [
        ({"title": "t" * 33}, "INVOICE_TITLE_INVALID"),
        ({"description": "d" * 256}, "INVOICE_DESCRIPTION_INVALID"),
        ({"payload": "п" * 65}, "INVOICE_PAYLOAD_INVALID"),  # 130 bytes
        (
            {"prices": [LabeledPrice(label="a", amount=1), LabeledPrice(label="b", amount=1)]},
            "STARS_INVOICE_INVALID",
        ),
        ({"provider_token": "381764678:TEST:1"}, "STARS_INVOICE_INVALID"),
        ({"currency": "RUB", "prices": [LabeledPrice(label="a", amount=10000)]}, "PAYMENT_PROVIDER_INVALID"),
        ({"prices": [LabeledPrice(label="a", amount=0)]}, "CURRENCY_TOTAL_AMOUNT_INVALID"),
    ],
)
async def test_invoice_limits(bot: Bot, overrides: dict[str, object], description: str) -> None:
    fields: dict[str, object] = {
        "title": "Top up",
        "description": "credits",
        "payload": "p",
        "currency": "XTR",
        "prices": STARS,
    }
    fields.update(overrides)
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_invoice(ANNA, **fields)  # type: ignore[arg-type]
    assert error.value.message == f"Bad Request: {description}"


async def test_invoice_limits_accept_the_maximum(bot: Bot) -> None:
    sent = await bot.send_invoice(
        ANNA, title="t" * 32, description="d" * 255, payload="p" * 128, currency="XTR", prices=STARS
    )
    assert sent.invoice is not None and sent.invoice.total_amount == 50 and sent.invoice.currency == "XTR"


async def test_pay_invoice_sequence(bot: Bot, emulator: TelegramEmulator) -> None:
    invoice_message = await send_star_invoice(bot)
    payment = asyncio.create_task(emulator.pay_invoice(ANNA))
    [update] = await bot.get_updates(timeout=5)
    query = update.pre_checkout_query
    assert query is not None and query.invoice_payload == "topup:50" and query.total_amount == 50
    assert query.currency == "XTR" and query.from_user.id == ANNA
    assert await bot.answer_pre_checkout_query(query.id, ok=True)
    result = await asyncio.wait_for(payment, 5)
    assert result.ok and result.telegram_payment_charge_id
    [paid] = await bot.get_updates(offset=update.update_id + 1)
    assert paid.message is not None and paid.message.successful_payment is not None
    success = paid.message.successful_payment
    assert success.telegram_payment_charge_id == result.telegram_payment_charge_id
    assert (success.invoice_payload, success.total_amount, success.currency) == ("topup:50", 50, "XTR")
    assert emulator.invoices[0].message_id == invoice_message.message_id
    assert emulator.invoices[0].paid_charge_id == result.telegram_payment_charge_id
    assert emulator.messages(ANNA)[-1].successful_payment is not None
    with pytest.raises(EmulatorError, match="already paid"):
        await emulator.pay_invoice(ANNA, invoice_message.message_id)
    # the pre-checkout query cannot be answered twice
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_pre_checkout_query(query.id, ok=True)


async def test_bot_can_decline_at_pre_checkout(bot: Bot, emulator: TelegramEmulator) -> None:
    await send_star_invoice(bot)
    payment = asyncio.create_task(emulator.pay_invoice(ANNA))
    [update] = await bot.get_updates(timeout=5)
    assert update.pre_checkout_query is not None
    with pytest.raises(TelegramBadRequest, match="PAYMENT_ERROR_MESSAGE_EMPTY"):
        await bot.answer_pre_checkout_query(update.pre_checkout_query.id, ok=False)
    await bot.answer_pre_checkout_query(update.pre_checkout_query.id, ok=False, error_message="Sold out")
    result = await asyncio.wait_for(payment, 5)
    assert not result.ok and result.error_message == "Sold out"
    assert await bot.get_updates(offset=update.update_id + 1) == []
    assert emulator.payments == []


async def test_pre_checkout_window_expires(bot: Bot, emulator: TelegramEmulator) -> None:
    emulator.actions.precheckout_timeout = 0.3
    await send_star_invoice(bot)
    result = await emulator.pay_invoice(ANNA)
    assert not result.ok and "in time" in (result.error_message or "")
    [update] = await bot.get_updates()
    assert update.pre_checkout_query is not None
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_pre_checkout_query(update.pre_checkout_query.id, ok=True)


async def pay_with_auto_approve(
    bot: Bot, emulator: TelegramEmulator, offset: int | None = None
) -> tuple[str, int]:
    payment = asyncio.create_task(emulator.pay_invoice(ANNA))
    updates = await bot.get_updates(offset=offset, timeout=5)
    query = updates[-1].pre_checkout_query
    assert query is not None
    await bot.answer_pre_checkout_query(query.id, ok=True)
    result = await payment
    assert result.telegram_payment_charge_id is not None
    return result.telegram_payment_charge_id, updates[-1].update_id + 1


async def test_refund_star_payment_once(bot: Bot, emulator: TelegramEmulator) -> None:
    await send_star_invoice(bot)
    charge, offset = await pay_with_auto_approve(bot, emulator)
    assert await bot.refund_star_payment(ANNA, charge)
    with pytest.raises(TelegramBadRequest) as again:
        await bot.refund_star_payment(ANNA, charge)
    assert again.value.message == "Bad Request: CHARGE_ALREADY_REFUNDED"
    with pytest.raises(TelegramBadRequest, match="CHARGE_ID_INVALID"):
        await bot.refund_star_payment(1002, charge)  # someone else's charge
    updates = await bot.get_updates(offset=offset)
    refunded = [u.message.refunded_payment for u in updates if u.message and u.message.refunded_payment]
    assert len(refunded) == 1 and refunded[0].telegram_payment_charge_id == charge
    assert emulator.payments[0].refunded
    transactions = await bot.get_star_transactions()
    assert [t.amount for t in transactions.transactions] == [50, 50]


async def test_charge_ids_are_unique(bot: Bot, emulator: TelegramEmulator) -> None:
    await send_star_invoice(bot, "a")
    first, offset = await pay_with_auto_approve(bot, emulator)
    await send_star_invoice(bot, "b")
    second, _ = await pay_with_auto_approve(bot, emulator, offset)
    assert first != second


async def test_payment_with_an_aiogram_dispatcher(bot: Bot, emulator: TelegramEmulator) -> None:
    """The whole flow with a polling Dispatcher, as the real bot runs it."""
    dispatcher = Dispatcher()
    credited: list[str] = []

    @dispatcher.message(F.text == "/buy")
    async def buy(message: Message) -> None:
        await message.answer_invoice(
            title="Stars", description="Top up", payload="buy:1", currency="XTR", prices=STARS
        )

    @dispatcher.pre_checkout_query()
    async def approve(query: PreCheckoutQuery) -> None:
        await query.answer(ok=True)

    @dispatcher.message(F.successful_payment)
    async def paid(message: Message) -> None:
        assert message.successful_payment is not None
        credited.append(message.successful_payment.telegram_payment_charge_id)
        await message.answer("Thanks!")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        await emulator.send_text(ANNA, "/buy")
        invoice = await emulator.wait_bot_message(ANNA, match=lambda m: m.invoice is not None)
        result = await emulator.pay_invoice(ANNA, invoice.message_id)
        assert result.ok
        thanks = await emulator.wait_bot_message(ANNA, match=lambda m: m.text == "Thanks!")
        assert thanks.text == "Thanks!" and credited == [result.telegram_payment_charge_id]
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
