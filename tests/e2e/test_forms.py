"""Forms that respect the user, progress that moves, and money asked for at the right moment:
conversations in Russian, as the user sees them (issue 15)."""

from __future__ import annotations

import asyncpg

from emulators.kie.sandbox import KieSandbox
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import png
from tests.support.telegram import BotUnderTest

ANNA = 1001
WELCOME = 20_000


async def test_receipt_amount_is_checked_as_typed_before_any_upload(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    await anna.send("полторы тысячи")
    anna.expect("числом в рублях", "Пополнение по чеку")  # still asked for the amount
    await anna.send("50")
    anna.expect("Сумма должна быть от 100\xa0₽", "Напишите другую сумму", "Пополнение по чеку")
    await anna.send("1500")
    anna.expect("Сумма: 1500 ₽", "пришлите чек")
    await anna.send_photo(png(), "receipt.png")
    anna.expect("на проверку")
    assert await Wallet(pool).balance(ANNA) == WELCOME  # nothing credited before an admin says so
    assert await pool.fetchval("SELECT amount_kopecks FROM receipts WHERE user_id = $1", ANNA) == 150_000
