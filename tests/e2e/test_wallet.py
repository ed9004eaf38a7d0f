"""Money through the chat: Stars top-up (credited once, even when Telegram repeats the
payment), a failed generation refunded and explained, a receipt approved by an admin."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from emulators.kie.faults import TaskFault
from emulators.kie.sandbox import KieSandbox
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import NEXT, answer_until_summary, cheapest, png
from tests.support.telegram import ADMIN_ID, BotUnderTest

ANNA = 1001
WELCOME = 20_000


async def test_stars_top_up_is_credited_once(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    chat, emulator, wallet = under_test.chat(ANNA), under_test.emulator, Wallet(pool)
    await chat.send("/start")
    await chat.send("/balance")
    chat.expect("Ваш баланс: 200")
    await chat.press("⭐ Пополнить звёздами Telegram")
    await chat.press("100 ₽ · ⭐ 80")
    invoice = await emulator.wait_bot_message(ANNA, match=lambda m: m.invoice is not None)
    assert invoice.invoice and invoice.invoice["currency"] == "XTR"
    paid = await emulator.pay_invoice(ANNA)
    assert paid.ok, paid.error_message
    await emulator.wait_bot_message(ANNA, match=lambda m: "Баланс пополнен на 100" in m.content)
    assert await wallet.balance(ANNA) == WELCOME + 10_000
    await emulator.redeliver_last_update()  # Telegram sends successful_payment again
    await emulator.wait_idle(quiet=0.3)
    assert await wallet.balance(ANNA) == WELCOME + 10_000
    credited = [m for m in emulator.bot_messages(ANNA) if "Баланс пополнен" in m.content]
    assert len(credited) == 1
    await chat.send("/balance")
    chat.expect("Ваш баланс: 300")
    await chat.press("📜 Операции")
    chat.expect("+100\xa0₽ · пополнение звёздами", "+200\xa0₽ · приветственный бонус")


async def test_failed_generation_restores_the_balance_and_says_so(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    chat, emulator = under_test.chat(ANNA), under_test.emulator
    sandbox.faults.task(TaskFault.failed("500", "Internal error"), times=None)
    await chat.send("/start")
    await chat.press_containing("Оживить фото", NEXT)
    await chat.press_containing(cheapest("image_to_video", "image-to-video", True), NEXT)
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    await chat.press("✅ Подтвердить")
    failure = await emulator.wait_bot_message(
        ANNA, timeout=20, match=lambda m: "генерация не удалась" in m.content
    )
    assert "вернулись на ваш баланс" in failure.content
    assert await Wallet(pool).balance(ANNA) == WELCOME


async def test_receipt_waits_for_an_admin_then_credits_once(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    wallet = Wallet(pool)
    await anna.send("/start")
    await Wallet(pool).set_setting("bank_details", "р/с 40702810000000000001", ADMIN_ID)
    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    await anna.send("1500")
    anna.expect("Сумма: 1500 ₽")
    await anna.send_photo(png(), "receipt.png")
    anna.expect("на проверку")
    assert await wallet.balance(ANNA) == WELCOME  # nothing without an approval
    await under_test.emulator.wait_bot_message(
        ADMIN_ID, match=lambda m: "Новый чек" in m.content and "ждёт проверки" in m.content
    )

    await anna.send("/admin")
    anna.expect("Этот раздел вам недоступен")
    await admin.send("/admin")
    await admin.press("🧾 Чеки на проверке")
    await admin.press_containing("1\xa0500")
    admin.expect("Заявлено: 1\xa0500")
    await admin.press("✅ Подтвердить")
    admin.expect("подтверждён", "Пользователь уведомлён")
    await under_test.emulator.wait_bot_message(
        ANNA, match=lambda m: "чек на 1\xa0500" in m.content and "подтверждён" in m.content
    )
    assert await wallet.balance(ANNA) == WELCOME + 150_000
    await admin.press("🧾 Чеки на проверке")
    assert not any("1\xa0500" in b for b in admin.buttons())


async def test_admin_changes_the_markup_and_prices_follow(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    admin = under_test.chat(ADMIN_ID)
    await admin.send("/admin")
    await admin.press("⚙️ Настройки")
    await admin.press_containing("Наценка")
    await admin.send("a lot")
    admin.expect("Это не число")
    assert (await Wallet(pool).get_settings()).markup == 2
    await admin.send("3")
    admin.expect("Наценка сохранено", "Стало: ×3 (наценка 200\xa0%)")
    assert (await Wallet(pool).get_settings()).markup == 3
    assert await Wallet(pool).price(Decimal(100)) == 14_250  # 100 cr × $0.005 × 95 × 3, kopecks
    audit = await pool.fetchval("SELECT count(*) FROM wallet_audit WHERE admin_id = $1", ADMIN_ID)
    assert audit == 1
