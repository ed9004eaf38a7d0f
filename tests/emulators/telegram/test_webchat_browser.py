"""The web chat in a real headless Chromium: type /start, see the bot's menu, press its
button, see the next screen — against a tiny aiogram bot polling the emulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
)

from emulators.telegram import TelegramEmulator
from tests.support.cdp import CHROMIUM, Browser, Page

ANNA = 1001
SCREENSHOT = Path(os.environ.get("WEBCHAT_SCREENSHOT", "/tmp/webchat.png"))
BOT_MESSAGES = "[...document.querySelectorAll('[data-testid=bot-message]')]"


def picture() -> bytes:
    """A 160x90 gradient PNG for the photo bubble."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // 160, 120, 255 - y * 2)) for x in range(160)) for y in range(90)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 160, 90, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def tiny_bot(bot: Bot) -> AsyncIterator[list[str]]:
    """/start → a menu with one button; pressing it edits the message into the next screen;
    /extras → a photo and an invoice; payments are approved. Yields the charge ids credited."""
    dispatcher = Dispatcher()
    credited: list[str] = []
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Next ▶", callback_data="next")],
            [InlineKeyboardButton(text="Docs", url="https://core.telegram.org/bots/api")],
        ]
    )

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            "<b>Welcome!</b>\nPick what to generate:", parse_mode="HTML", reply_markup=markup
        )

    @dispatcher.callback_query(F.data == "next")
    async def next_screen(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Next screen: <i>describe your image</i>", parse_mode="HTML")
        await query.answer("Moved on")

    @dispatcher.message(F.text == "/extras")
    async def extras(message: Message) -> None:
        await message.answer_photo(BufferedInputFile(picture(), "result.png"), caption="Your image is ready")
        await message.answer_invoice(
            title="Top up",
            description="50 Stars → 500 credits",
            payload="topup:50",
            currency="XTR",
            prices=[LabeledPrice(label="500 credits", amount=50)],
        )

    @dispatcher.pre_checkout_query()
    async def approve(query: PreCheckoutQuery) -> None:
        await query.answer(ok=True)

    @dispatcher.message(F.successful_payment)
    async def paid(message: Message) -> None:
        assert message.successful_payment is not None
        credited.append(message.successful_payment.telegram_payment_charge_id)
        await message.answer("Balance: 500 credits")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        yield credited
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling


async def send(page: Page, text: str) -> None:
    await page.type("[data-testid=chat-input]", text)
    await page.press_enter()


async def test_web_chat_in_headless_chromium(emulator: TelegramEmulator, tiny_bot: list[str]) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    async with Browser() as browser:
        page = await browser.new_page()
        await page.goto(f"{emulator.base_url}/#user={ANNA}")
        options = await page.wait_for(
            "[...document.querySelectorAll('[data-testid=user-picker] option')].map(o => o.textContent)"
        )
        assert len(options) == 3 and "admin" in options[2] and "Anna" in options[0]

        await send(page, "/start")
        await page.wait_for(f"{BOT_MESSAGES}.some(m => m.textContent.includes('Welcome!'))")
        assert (
            await page.evaluate("document.querySelector('[data-testid=bot-message] b').textContent")
            == "Welcome!"
        )
        assert await page.evaluate(
            "document.querySelector('[data-testid=user-message]').textContent.includes('/start')"
        )
        assert await page.evaluate("document.querySelector('[data-testid=url-button]').href") == (
            "https://core.telegram.org/bots/api"
        )

        await page.click("[data-testid=bot-message] [data-testid=inline-button]")
        await page.wait_for(f"{BOT_MESSAGES}.some(m => m.textContent.includes('Next screen'))")
        await page.wait_for(
            "[...document.querySelectorAll('[data-testid=toast]')].some(t => t.textContent === 'Moved on')"
        )
        # edited in place: still one bot message, marked as edited, keyboard gone
        assert await page.evaluate(f"{BOT_MESSAGES}.length") == 1
        assert await page.evaluate(f"{BOT_MESSAGES}[0].dataset.edited") == "true"
        assert await page.evaluate("document.querySelectorAll('[data-testid=inline-button]').length") == 0
        assert emulator.last_bot_message(ANNA).text == "Next screen: describe your image"

        await send(page, "/extras")
        await page.wait_for("!!document.querySelector('[data-testid=invoice-card]')")
        await page.wait_for(
            "(() => { const i = document.querySelector('[data-testid=message-media] img');"
            " return i && i.complete && i.naturalWidth === 160; })()"
        )
        await page.click("[data-testid=pay-button]")
        await page.wait_for(f"{BOT_MESSAGES}.some(m => m.textContent.includes('Balance: 500 credits'))")
        await page.wait_for("!!document.querySelector('[data-testid=service-message]')")
        await page.wait_for("document.querySelector('[data-testid=pay-button]').textContent === 'Paid ✓'")
        assert await page.evaluate("document.querySelector('[data-testid=pay-button]').disabled") is True
        assert len(tiny_bot) == 1 and emulator.payments[0].telegram_payment_charge_id == tiny_bot[0]
        await page.screenshot(SCREENSHOT)

        # another user has a chat of their own
        await page.evaluate(
            "(() => { const p = document.querySelector('[data-testid=user-picker]');"
            " p.value = '1002'; p.dispatchEvent(new Event('change')); })()"
        )
        await page.wait_for(f"{BOT_MESSAGES}.length === 0 && !document.getElementById('empty').hidden")
    assert SCREENSHOT.stat().st_size > 10_000
