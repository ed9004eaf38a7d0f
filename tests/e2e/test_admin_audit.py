"""The audit log, read in the bot in Russian, shows each acceptance action of the console: a
balance adjusted, a job refunded, a user blocked, a model switched off, a price set (and a price
below cost refused: nothing written), a Stars refund, a broadcast started, a role given; each by
its name, the admin and the user by name, money in roubles; filtered by admin and by user."""

from __future__ import annotations

import asyncpg

from emulators.telegram.state import EmulatedUser
from tests.e2e.test_admin import ANNA, VERA, Bot, charged_job, open_card
from tests.e2e.test_admin_broadcast import compose_text
from tests.e2e.test_admin_models import cheapest_image_model, open_model_card
from tests.e2e.test_admin_money import open_payment, pay_stars
from tests.support.telegram import ADMIN_ID, Chat

LOG = "📋 Журнал действий"


async def audit_rows(admin: Chat) -> list[str]:
    """Every row of the log, across its pages."""
    await admin.send("/admin")
    await admin.press(LOG)
    rows: list[str] = []
    for _ in range(10):
        rows += [b for b in admin.buttons() if " · " in b]
        if "Дальше ▶️" not in admin.buttons():
            break
        await admin.press("Дальше ▶️")
    return rows


async def open_row(admin: Chat, part: str) -> None:
    """Open the newest row of the log showing ``part``, paging from the first page."""
    await admin.send("/admin")
    await admin.press(LOG)
    await admin.press_containing(part, "Дальше ▶️")


async def test_the_audit_log_shows_each_acceptance_action(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    under_test.emulator.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    anna, vera, admin = under_test.chat(ANNA), under_test.chat(VERA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await vera.send("/start")
    await charged_job(pool, ANNA, 1_000)

    await open_card(admin, "@anna")  # a balance adjusted
    await admin.press("💰 Изменить баланс")
    await admin.send("100")
    await admin.send("подарок")
    await admin.press("✅ Провести")
    await admin.press("👤 Карточка пользователя")  # a user blocked and unblocked
    await admin.press("⛔ Заблокировать")
    await admin.press("✅ Разблокировать")
    await admin.press("🎬 Генерации")  # a job refunded
    await admin.press_containing("✅ готово")
    await admin.press("↩️ Вернуть деньги")

    model, name = await cheapest_image_model(under_test)  # a model off, a price refused, one set
    await open_model_card(admin, name)
    await admin.press("⛔ Выключить")
    await admin.press("💰 Фиксированная цена")
    await admin.send("0,01")
    admin.expect("ниже себестоимости в Kie.ai")
    await admin.press("✖️ Отмена")

    await pay_stars(under_test, anna)  # a Stars refund
    await open_payment(admin, "@anna")
    await admin.press("↩️ Вернуть звёзды")
    await admin.press("↩️ Вернуть")
    admin.expect("Готово: ⭐ 80 возвращены")

    await admin.send("/admin")  # a role given
    await admin.press("🔑 Роли")
    await admin.press("➕ Добавить сотрудника")
    await admin.send("@vera")
    await admin.press("🎧 Поддержка")

    await compose_text(admin, "Новогодняя акция")  # a broadcast to one language
    await admin.press("🇷🇺 Русскоязычным")
    await admin.press("📣 Отправить")
    await under_test.emulator.wait_for(
        lambda: any("Новогодняя акция" in m.content for m in under_test.emulator.bot_messages(ANNA)),
        timeout=20,
    )

    rows = await audit_rows(admin)
    for action in (
        "Изменение баланса · Anna (1001)",
        "Блокировка пользователя · Anna (1001)",
        "Разблокировка пользователя · Anna (1001)",
        "Возврат за генерацию · Anna (1001)",
        "Включение модели",
        "Возврат звёзд · Anna (1001)",
        "Возврат звёзд выполнен · Anna (1001)",
        "Выдача роли · Вера (1003)",
        "Запуск рассылки",
    ):
        assert sum(row.endswith(action) or f"· {action} ·" in row for row in rows) == 1, (action, rows)
    assert not any("цена" in row.lower() for row in rows), rows  # the refused price: nothing
    assert await pool.fetchval("SELECT count(*) FROM admin_audit WHERE subject = $1", model) == 1

    await open_row(admin, "Включение модели")
    admin.expect(f"Объект: {name}", "Было: —", "Стало: нет", "Кто: Admin (9001)")
    await open_row(admin, "Возврат звёзд · Anna")
    admin.expect("Было: 400\xa0₽", "Стало: 300\xa0₽", "Примечание: на проверке")  # the balance
    await open_row(admin, "Запуск рассылки")
    admin.expect("Стало: 3", "Примечание: кому: русскоязычным")  # Anna, Вера and the admin

    await open_card(admin, "@anna")  # filtered by the user: only what was done to Anna
    await admin.press("📋 Журнал по пользователю")
    about_anna = admin.buttons()
    assert any("Возврат звёзд" in b for b in about_anna)
    assert not any("Выдача роли" in b or "Запуск рассылки" in b for b in about_anna)
