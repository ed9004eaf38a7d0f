"""Money operations in the admin console, in Russian through the emulator: a Stars top-up
refunded once (the ledger agrees, the balance is back, Telegram saw one refund), refused when
the money was spent, finished after a crash, held back while Telegram is silent and given
back when it refuses; a support admin refused the refund (also by a
forged press); receipts approved with a corrected amount and rejected with a reason the user
reads, decided once whoever presses; the audit log showing each."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from emulators.telegram.state import EmulatedUser
from engine.plugin import ActionError
from plugins.admin.money import MoneyPlugin
from plugins.admin.money_views import ApproveArgs, PaymentArgs, RejectArgs
from plugins.wallet.service import Wallet
from plugins.wallet.star_refunds import StarRefunds
from tests.e2e.test_admin import (
    ANNA,
    VERA,
    WELCOME,
    Bot,
    Ctx,
    admin_plugin,
    charged_job,
    ledger_agrees,
    open_card,
)
from tests.e2e.test_generation import png
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat

STARS_TOPUP = 10_000  # the 80-Star package credits 100 ₽
SECOND_ADMIN = 1004


def money_plugin(under_test: BotUnderTest) -> MoneyPlugin:
    plugin = under_test.runtime.calls.plugins.instances["money"]
    assert isinstance(plugin, MoneyPlugin)
    return plugin


async def pay_stars(under_test: BotUnderTest, chat: Chat) -> None:
    """The user buys the 100 ₽ package for 80 Stars and is credited."""
    await chat.send("/balance")
    await chat.press("⭐ Пополнить звёздами Telegram")
    await chat.press("100 ₽ · ⭐ 80")
    paid = await under_test.emulator.pay_invoice(chat.user_id)
    assert paid.ok, paid.error_message
    await under_test.emulator.wait_bot_message(
        chat.user_id, match=lambda m: "Баланс пополнен на 100" in m.content
    )


async def open_payment(admin: Chat, user: str) -> None:
    await open_card(admin, user)
    await admin.press("⭐ Платежи звёздами")
    await admin.press_containing(" 80 · 100")


def refunds_seen(under_test: BotUnderTest, user: int) -> int:
    """Refund service messages in the user's chat (one per refund Telegram made)."""
    return sum(1 for m in under_test.emulator.messages(user) if m.refunded_payment is not None)


def refund_calls(under_test: BotUnderTest) -> list[tuple[bool, str | None]]:
    return [(c.ok, c.error) for c in under_test.emulator.state.calls if c.method == "refundStarPayment"]


async def test_a_stars_top_up_is_refunded_once(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await pay_stars(under_test, anna)
    assert await ledger_agrees(pool, ANNA) == WELCOME + STARS_TOPUP

    await open_payment(admin, "@anna")
    admin.expect("Оплачено: ⭐ 80 · зачислено 100\xa0₽", "Состояние: зачислен")
    await admin.press("↩️ Вернуть звёзды")
    admin.expect(
        "Вернуть ⭐ 80 пользователю 1001?", "с баланса спишется 100\xa0₽", "сейчас на балансе 300\xa0₽"
    )
    confirm, data = admin.last.message_id, admin.callback_data("↩️ Вернуть")
    await admin.press("↩️ Вернуть")
    admin.expect("Готово: ⭐ 80 возвращены пользователю 1001", "Баланс теперь: 200\xa0₽")
    answer = await admin.press_data(data, confirm)  # the same confirm pressed again
    assert answer == "Это меню устарело — вот актуальное."

    await under_test.emulator.wait_bot_message(ANNA, match=lambda m: "Вам возвращены ⭐ 80" in m.content)
    assert await ledger_agrees(pool, ANNA) == WELCOME
    assert await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'stars_refund'") == 1
    assert refund_calls(under_test) == [(True, None)]
    assert refunds_seen(under_test, ANNA) == 1 and under_test.emulator.payments[0].refunded

    await open_payment(admin, "@anna")  # refunded: no refund button any more
    admin.expect("звёзды возвращены", "Admin (9001)")
    assert not any("Вернуть" in b for b in admin.buttons())
    plugin = money_plugin(under_test)
    payment = int(await pool.fetchval("SELECT id FROM payments"))
    with pytest.raises(ActionError) as again:  # a second admin, as no button could
        await plugin.refund_stars(Ctx(ADMIN_ID), PaymentArgs(payment=payment))
    assert again.value.text_key == "money.error.already_refunded"
    assert len(refund_calls(under_test)) == 1 and await ledger_agrees(pool, ANNA) == WELCOME

    await admin.send("/admin")
    await admin.press("📋 Журнал действий")
    rows = admin.buttons()
    for action in ("Возврат звёзд выполнен", "Возврат звёзд"):
        assert any(action in row and "1001" in row for row in rows), (action, rows)


async def test_a_refund_of_spent_money_is_refused_and_changes_nothing(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await pay_stars(under_test, anna)
    await charged_job(pool, ANNA, 25_000)  # 250 ₽ of the 300 ₽ spent on a generation
    assert await ledger_agrees(pool, ANNA) == 5_000

    await open_payment(admin, "@anna")
    await admin.press("↩️ Вернуть звёзды")
    admin.expect("Баланса не хватает")
    await admin.press("↩️ Вернуть")
    admin.expect("Возврат не выполнен", "на балансе пользователя 50\xa0₽, а вернуть нужно 100\xa0₽")
    assert await ledger_agrees(pool, ANNA) == 5_000
    assert await pool.fetchval("SELECT count(*) FROM star_refunds") == 0
    assert refund_calls(under_test) == [] and not under_test.emulator.payments[0].refunded
    assert await pool.fetchval("SELECT count(*) FROM admin_audit WHERE action LIKE 'stars.%'") == 0


async def test_a_refund_telegram_made_before_a_crash_is_finished_by_the_retry(
    bot: Bot, pool: asyncpg.Pool
) -> None:
    """The refund was recorded (money taken back) and Telegram refunded it, but the process
    died before writing it down: the retry's CHARGE_ALREADY_REFUNDED finishes it."""
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await pay_stars(under_test, anna)
    payment = int(await pool.fetchval("SELECT id FROM payments"))
    refund, _ = await StarRefunds(pool).begin(payment, ADMIN_ID)
    assert await under_test.bot.refund_star_payment(ANNA, refund.charge_id)  # … then the crash

    await open_payment(admin, "@anna")
    admin.expect("возврат начат, Telegram ещё не подтвердил")
    await admin.press("🔁 Повторить возврат")
    await admin.press("↩️ Вернуть")
    admin.expect("Готово: ⭐ 80 возвращены", "Баланс теперь: 200\xa0₽")
    assert refund_calls(under_test)[-1] == (False, "Bad Request: CHARGE_ALREADY_REFUNDED")
    assert refunds_seen(under_test, ANNA) == 1
    assert await ledger_agrees(pool, ANNA) == WELCOME
    assert await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'stars_refund'") == 1


async def test_a_support_admin_cannot_refund_stars(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    under_test.emulator.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    anna, vera, owner = under_test.chat(ANNA), under_test.chat(VERA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await vera.send("/start")
    await pay_stars(under_test, anna)
    await pool.execute(
        "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, 'support', $2)", VERA, ADMIN_ID
    )
    await admin_plugin(under_test).roles.refresh()

    await open_payment(owner, "@anna")
    refund_button = owner.callback_data("↩️ Вернуть звёзды")
    await owner.press("↩️ Вернуть звёзды")
    refund_do = owner.callback_data("↩️ Вернуть")

    await open_payment(vera, "@anna")  # support reads the payment …
    vera.expect("Оплачено: ⭐ 80")
    assert not any("Вернуть" in b for b in vera.buttons())  # … but is offered no refund
    for data in (refund_button, refund_do, "admin.money.star_confirm:1:b0.0"):
        answer = await vera.press_data(data, vera.last.message_id)  # forged presses
        assert answer == "Это меню устарело — вот актуальное."
        assert "Вернуть ⭐" not in vera.screen
    payment = int(await pool.fetchval("SELECT id FROM payments"))
    with pytest.raises(ActionError) as refused:  # the action itself asks the roles table
        await money_plugin(under_test).refund_stars(Ctx(VERA), PaymentArgs(payment=payment))
    assert refused.value.text_key == "money.error.forbidden"
    assert refund_calls(under_test) == [] and await ledger_agrees(pool, ANNA) == WELCOME + STARS_TOPUP


async def send_receipt(pool: asyncpg.Pool, anna: Chat, amount: str) -> int:
    """The user claims a transfer of ``amount`` roubles with a receipt; its id. Transfers are
    offered once the bank details are set (an admin's setting)."""
    wallet = Wallet(pool)
    if not (await wallet.get_settings()).bank_details:
        await wallet.settings.set("bank_details", "ООО «Ромашка», р/с 40702810000000000001", ADMIN_ID)
    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    await anna.send(amount)
    await anna.send_photo(png(), "receipt.png")
    anna.expect("на проверку")
    return int(await pool.fetchval("SELECT max(id) FROM receipts"))


async def test_a_receipt_approved_with_a_corrected_amount(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    receipt = await send_receipt(pool, anna, "1500")

    await admin.send("/admin")
    await admin.press("🧾 Чеки на проверке")
    await admin.press_containing(f"#{receipt}")
    admin.expect("ждёт проверки", "Заявлено: 1\xa0500\xa0₽")
    await admin.press("✏️ Зачислить другую сумму")
    await admin.send("много")
    admin.expect("Не понял сумму")
    await admin.send("0")
    admin.expect("Сумма должна быть от")
    await admin.send("1450")
    admin.expect("указал: 1\xa0500\xa0₽", "Будет зачислено: 1\xa0450\xa0₽", "после: 1\xa0650\xa0₽")
    await admin.press("✅ Зачислить")
    admin.expect("подтверждён, зачислено 1\xa0450\xa0₽ вместо 1\xa0500\xa0₽", "Пользователь уведомлён")
    await under_test.emulator.wait_bot_message(
        ANNA, match=lambda m: "пришло 1\xa0450\xa0₽ (вы указали 1\xa0500\xa0₽)" in m.content
    )
    assert await ledger_agrees(pool, ANNA) == WELCOME + 145_000

    # a second admin deciding the same receipt is told who decided it, and nothing moves
    plugin = money_plugin(under_test)
    for call in (
        plugin.approve_receipt(Ctx(ADMIN_ID), ApproveArgs(receipt=receipt)),
        plugin.reject_receipt(Ctx(ADMIN_ID), RejectArgs(receipt=receipt, reason="не тот перевод")),
    ):
        with pytest.raises(ActionError) as decided:
            await call
        assert decided.value.text_key == "money.error.already_decided"
        assert decided.value.params["by"] == "Admin (9001)" and decided.value.params["status"] == "approved"
    assert await ledger_agrees(pool, ANNA) == WELCOME + 145_000

    await admin.press("🧾 Чеки на проверке")
    assert not any(f"#{receipt}" in b for b in admin.buttons())
    await admin.press("🗂 Решённые чеки")
    await admin.press_containing(f"✅ #{receipt}")
    admin.expect("Решение: Admin (9001)", "Зачислено: 1\xa0450\xa0₽ (сумма исправлена)")
    assert "✅ Подтвердить" not in admin.buttons() and "❌ Отклонить" not in admin.buttons()

    await admin.send("/admin")
    await admin.press("📋 Журнал действий")
    await admin.press_containing("Решение по чеку")
    admin.expect("С кем: Anna (1001)", "Было: на проверке · 1\xa0500\xa0₽", "Стало: принят · 1\xa0450\xa0₽")


async def test_a_receipt_rejected_with_a_reason_the_user_reads(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    receipt = await send_receipt(pool, anna, "700")
    await admin.send("/admin")
    await admin.press("🧾 Чеки на проверке")
    await admin.press_containing(f"#{receipt}")
    await admin.press("❌ Отклонить")
    await admin.send("no")
    admin.expect("хотя бы в 3 символа")
    await admin.send("Перевод не найден в банке")
    admin.expect("отклонён. Причина: Перевод не найден в банке", "Пользователь уведомлён")
    notice = await under_test.emulator.wait_bot_message(ANNA, match=lambda m: "отклонён" in m.content)
    assert "Причина: Перевод не найден в банке" in notice.content and "700\xa0₽" in notice.content
    assert await ledger_agrees(pool, ANNA) == WELCOME
    await admin.press("🧾 Чеки на проверке")
    await admin.press("🗂 Решённые чеки")
    await admin.press_containing(f"❌ #{receipt}")
    admin.expect("Причина: Перевод не найден в банке", "Решение: Admin (9001)")
    audit = await pool.fetchrow(
        "SELECT target_user, new_value, note FROM admin_audit WHERE action = 'wallet.receipt'"
    )
    assert tuple(audit) == (ANNA, "rejected", "Перевод не найден в банке")
    told = [m for m in under_test.emulator.bot_messages(ANNA) if "отклонён" in m.content]
    assert len(told) == 1


async def test_two_admins_deciding_one_receipt_at_once_credit_it_once(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    receipt = await send_receipt(pool, anna, "1000")
    await pool.execute(
        "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, 'admin', $2)", SECOND_ADMIN, ADMIN_ID
    )
    plugin = money_plugin(under_test)
    results = await asyncio.gather(
        plugin.approve_receipt(Ctx(ADMIN_ID), ApproveArgs(receipt=receipt)),
        plugin.approve_receipt(Ctx(SECOND_ADMIN), ApproveArgs(receipt=receipt, amount=90_000)),
        plugin.reject_receipt(Ctx(SECOND_ADMIN), RejectArgs(receipt=receipt, reason="дубликат чека")),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, ActionError)]
    assert len(won) == 1 and len(lost) == 2
    assert {e.text_key for e in lost} == {"money.error.already_decided"}
    credited = await pool.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger WHERE kind = 'topup_receipt'")
    assert credited in (0, 100_000, 90_000)
    assert await ledger_agrees(pool, ANNA) == WELCOME + credited
    assert await pool.fetchval("SELECT count(*) FROM admin_audit WHERE action = 'wallet.receipt'") == 1
    await under_test.emulator.wait_idle(quiet=0.2)
    told = [m for m in under_test.emulator.bot_messages(ANNA) if "Ваш чек" in m.content]
    assert len(told) == 1
    assert await Wallet(pool).balance(ANNA) == WELCOME + credited


async def test_telegram_silent_then_refusing_then_refunding(bot: Bot, pool: asyncpg.Pool) -> None:
    """No answer: the money stays held back and the refund pending; a refusal gives it back;
    the next refund goes through. The ledger agrees at every step."""
    under_test, _ = bot
    anna, admin, emulator = under_test.chat(ANNA), under_test.chat(ADMIN_ID), under_test.emulator
    await anna.send("/start")
    await pay_stars(under_test, anna)

    emulator.inject_error("refundStarPayment", "Internal Server Error", error_code=500)
    await open_payment(admin, "@anna")
    await admin.press("↩️ Вернуть звёзды")
    await admin.press("↩️ Вернуть")
    admin.expect("Telegram не ответил", "Повторить возврат")
    assert await ledger_agrees(pool, ANNA) == WELCOME  # held back while Telegram's word is unknown

    emulator.inject_error("refundStarPayment", "Bad Request: CHARGE_ID_INVALID")
    await open_payment(admin, "@anna")
    admin.expect("возврат начат, Telegram ещё не подтвердил")
    await admin.press("🔁 Повторить возврат")
    await admin.press("↩️ Вернуть")
    admin.expect("Telegram отказал", "CHARGE_ID_INVALID", "Деньги возвращены на баланс")
    assert await ledger_agrees(pool, ANNA) == WELCOME + STARS_TOPUP
    assert not emulator.payments[0].refunded

    await open_payment(admin, "@anna")
    admin.expect("Telegram отказал в возврате")
    await admin.press("↩️ Вернуть звёзды")
    await admin.press("↩️ Вернуть")
    admin.expect("Готово: ⭐ 80 возвращены")
    assert await ledger_agrees(pool, ANNA) == WELCOME
    assert [ok for ok, _ in refund_calls(under_test)] == [False, False, True]
    assert refunds_seen(under_test, ANNA) == 1
    kinds = await pool.fetch("SELECT kind FROM ledger WHERE user_id = $1 AND kind LIKE 'stars_refund%'", ANNA)
    assert sorted(r["kind"] for r in kinds) == ["stars_refund", "stars_refund", "stars_refund_undo"]
