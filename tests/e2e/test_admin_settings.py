"""Settings that read like a product, through the chat in Russian: an admin sees each setting by
name with its value in its unit, a typed "200" is "200 ₽", a bad value gets a Russian reason
and changes nothing, bank details reach the top-up screen and /paysupport, an English admin
reads English; every change is in the audit. The dashboard's 30-day chart arrives as a PNG, and
Kie.ai's low balance is told to admins once."""

from __future__ import annotations

import uuid

import asyncpg

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.server import TelegramEmulator
from emulators.telegram.state import EmulatedUser
from plugins.admin.kie_alert import KieBalanceAlert
from plugins.wallet.service import Wallet
from tests.e2e.test_admin import ANNA, VERA, Bot, charged_job
from tests.e2e.test_admin_dashboard import topup
from tests.e2e.test_generation import answer_until_summary, cheapest
from tests.support.media import png
from tests.support.telegram import ADMIN_ID, Chat, running_bot

SUPPORT = 1004  # a support admin: not told of Kie.ai's balance (they cannot top it up)
BANK = "ООО «Ромашка», ИНН 7700000000\nр/с 40702810000000000001 в АО «Банк»\nБИК 044525000"


async def open_setting(admin: Chat, button: str) -> None:
    await admin.send("/admin")
    await admin.press("⚙️ Настройки")
    await admin.press_containing(button)


async def stored(pool: asyncpg.Pool) -> dict[str, str]:
    return {r["key"]: r["value"] for r in await pool.fetch("SELECT key, value FROM wallet_settings")}


async def test_the_welcome_bonus_is_typed_in_roubles_and_shown_with_its_unit(
    bot: Bot, pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    admin = under_test.chat(ADMIN_ID)
    await admin.send("/admin")
    await admin.press("⚙️ Настройки")
    assert "Приветственный бонус: 200\xa0₽" in admin.buttons()
    assert "Наценка: ×2 (наценка 100\xa0%)" in admin.buttons()
    assert "Курс доллара: 95\xa0₽ за 1\xa0$" in admin.buttons()
    assert "Порог баланса Kie.ai: 1\xa0000 кредитов" in admin.buttons()
    assert "Реквизиты для перевода: не заданы" in admin.buttons()
    assert not any("welcome_bonus_kopecks" in b for b in admin.buttons())

    await admin.press("Приветственный бонус: 200\xa0₽")
    admin.expect("Приветственный бонус", "при первом /start", "Сейчас: 200\xa0₽", "Пришлите сумму в рублях")
    await admin.send("150")
    admin.expect("Приветственный бонус сохранено", "Было: 200\xa0₽", "Стало: 150\xa0₽")
    await admin.press("✏️ Изменить ещё раз")
    await admin.send("200")
    admin.expect("Было: 150\xa0₽", "Стало: 200\xa0₽")
    assert (await Wallet(pool).get_settings()).welcome_bonus_kopecks == 20_000
    audit = await pool.fetch(
        "SELECT old_value, new_value FROM admin_audit WHERE action = 'wallet.setting'"
        " AND subject = 'welcome_bonus_kopecks' ORDER BY id"
    )
    assert [(r["old_value"], r["new_value"]) for r in audit] == [("20000", "15000"), ("15000", "20000")]

    await admin.press("⚙️ Все настройки")
    assert "Приветственный бонус: 200\xa0₽" in admin.buttons()


async def test_a_bad_value_is_refused_in_russian_and_changes_nothing(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    admin = under_test.chat(ADMIN_ID)
    await open_setting(admin, "Приветственный бонус")
    for typed, reason in (
        ("двести", "Не понял сумму. Пример: 200 или 149,90"),
        ("-5", "Не понял сумму"),
        ("200000", "Значение должно быть от 0\xa0₽ и не больше 100\xa0000\xa0₽"),
    ):
        await admin.send(typed)
        admin.expect("⚠️ " + reason, "Сейчас: 200\xa0₽")
    await open_setting(admin, "Бесплатных запусков в час")
    await admin.send("7")
    admin.expect("В час не может быть больше, чем в сутки (сейчас в сутки: 5)")
    await open_setting(admin, "Курс доллара")
    await admin.send("0")
    admin.expect("Значение должно быть больше 0 и не больше 10\xa0000")
    await open_setting(admin, "Контакт поддержки")
    await admin.send("напишите Ивану")
    admin.expect("Нужен @username")
    assert await stored(pool) == {}
    assert await pool.fetchval("SELECT count(*) FROM admin_audit WHERE action = 'wallet.setting'") == 0


async def test_bank_details_reach_the_top_up_screen_and_paysupport(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    anna.expect("Пополнение переводом сейчас недоступно")
    await anna.send("1500")
    await anna.send_photo(png(), "receipt.png")
    anna.expect("Пополнение переводом сейчас недоступно")
    assert await pool.fetchval("SELECT count(*) FROM receipts") == 0

    await open_setting(admin, "Реквизиты для перевода")
    admin.expect("Сейчас: не заданы", "можно в несколько строк")
    await admin.send(BANK)
    admin.expect("Было: не заданы", "р/с 40702810000000000001")
    await open_setting(admin, "Контакт поддержки")
    await admin.send("t.me/kie_help")
    admin.expect("Стало: @kie_help")

    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    anna.expect("Переведите деньги по реквизитам:\n" + BANK, "напишите сумму перевода")
    await anna.send("/paysupport")
    anna.expect("Реквизиты для перевода\n" + BANK, "(@kie_help)")
    assert 'href="https://t.me/kie_help"' in anna.last.html
    await anna.send("/help")
    anna.expect("Напишите в поддержку: @kie_help")

    await open_setting(admin, "Реквизиты для перевода")
    await admin.send("-")
    admin.expect("Стало: не заданы")
    await anna.send("/paysupport")
    assert "Реквизиты" not in anna.screen


async def test_an_english_admin_reads_english_names_and_errors(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    admin = under_test.chat(ADMIN_ID)
    await admin.send("/language")
    await admin.press("🇬🇧 English")
    await admin.send("/admin")
    await admin.press("⚙️ Settings")
    assert "Welcome bonus: 200\xa0₽" in admin.buttons()
    assert "Kie.ai credit price: 0.005\xa0$ per credit (5\xa0$ per 1,000 credits)" in admin.buttons()
    await admin.press("Welcome bonus: 200\xa0₽")
    admin.expect("at the first /start", "Now: 200\xa0₽")
    await admin.send("lots")
    admin.expect("⚠️ That is not an amount. Example: 200 or 149.90")
    await admin.send("1000000")
    admin.expect("The value must be at least 0\xa0₽ and at most 100,000\xa0₽")
    assert await stored(pool) == {}
    await admin.send("99.5")
    admin.expect("Welcome bonus saved", "Was: 200\xa0₽", "Now: 99.50\xa0₽")


async def test_the_dashboard_sends_a_30_day_chart_as_a_png(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await topup(pool, ANNA, 123_450, "topup_stars")
    job = await charged_job(pool, ANNA, 4_000)
    await pool.execute("UPDATE jobs SET kie_credits = 4 WHERE id = $1", uuid.UUID(job))
    await admin.send("/admin")
    await admin.press("📊 Сводка")
    mark = under_test.emulator.mark()
    await admin.press("📈 График за 30 дней")
    picture = await under_test.emulator.wait_bot_message(
        ADMIN_ID, since=mark, match=lambda m: m.media_kind == "photo"
    )
    assert picture.caption == (
        "📈 За 30 дней: пополнения 1\xa0234,50\xa0₽, потрачено на генерации 40\xa0₽,"
        " расход Kie.ai 1,90\xa0₽, запусков 1."
    )
    assert picture.file_id is not None
    stored_file = under_test.emulator.state.files.get(picture.file_id)
    assert stored_file is not None and stored_file.data is not None
    assert stored_file.data.startswith(b"\x89PNG\r\n\x1a\n")


async def test_kie_ais_low_balance_is_told_to_admins_once(pool: asyncpg.Pool) -> None:
    """Below the threshold at start: one alert to the owner and to an admin, none to support;
    more checks stay quiet; back above re-arms it, and the next fall is told again."""
    await pool.execute(
        "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, 'admin', $3), ($2, 'support', $3)",
        VERA,
        SUPPORT,
        ADMIN_ID,
    )
    telegram = TelegramEmulator()
    telegram.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    telegram.add_user(EmulatedUser(SUPPORT, "Семён", "ru", username="semyon"))
    async with (
        KieSandbox(credits="250.5") as sandbox,
        running_bot(pool, kie_url=sandbox.base_url, kie_key=sandbox.api_key, emulator=telegram) as under_test,
    ):
        emulator = under_test.emulator
        low = "На счёте Kie.ai осталось 250,5 кр."
        for staff in (ADMIN_ID, VERA):
            told = await emulator.wait_bot_message(staff, match=lambda m: "Kie.ai" in m.content)
            assert low in told.content and "меньше порога 1\xa0000 кр." in told.content
        alert = next(s for s in under_test.app.kit.services if isinstance(s, KieBalanceAlert))
        for _ in range(3):
            assert await alert.check() == "already"

        def alerts(user: int) -> int:
            return sum("Kie.ai" in m.content for m in emulator.bot_messages(user))

        assert (alerts(ADMIN_ID), alerts(VERA), alerts(SUPPORT)) == (1, 1, 0)

        sandbox.set_credits(5000)
        assert await alert.check() == "armed"
        assert await alert.check() == "fine"
        sandbox.set_credits(10)
        assert await alert.check() == "alerted"
        assert await alert.check() == "already"
        assert (alerts(ADMIN_ID), alerts(VERA), alerts(SUPPORT)) == (2, 2, 0)
        assert "осталось 10 кр." in emulator.bot_messages(ADMIN_ID)[-1].content


async def test_a_job_that_takes_kie_ai_below_the_threshold_is_told_at_once(pool: asyncpg.Pool) -> None:
    """The periodic check is every 10 minutes; a finished generation brings it on at once (at
    most once a minute on a busy bot), so the job that spends Kie.ai's balance below the
    threshold is followed by the alert, through the same staff alerts as a model taken off."""
    async with (
        KieSandbox(credits="1003") as sandbox,
        running_bot(pool, kie_url=sandbox.base_url, kie_key=sandbox.api_key) as under_test,
    ):
        alert = next(s for s in under_test.app.kit.services if isinstance(s, KieBalanceAlert))
        await under_test.emulator.wait_for(lambda: alert.last_checked > float("-inf"), timeout=10)
        assert await alert.check() == "fine"  # 1 003 credits: above the threshold of 1 000
        alert.after_job_gap = 0  # the test does not wait out the minute since the start's check
        anna = under_test.chat(ANNA)
        await anna.send("/start")
        await anna.press_containing("Картинки, баннеры", "Дальше ▶️")
        await anna.press_containing(cheapest("images", "text-to-image"), "Дальше ▶️")
        await anna.press("▶️ Начать")
        await answer_until_summary(anna)
        await anna.press("✅ Подтвердить")
        told = await under_test.emulator.wait_bot_message(
            ADMIN_ID, timeout=20, match=lambda m: "Kie.ai" in m.content
        )
        assert "На счёте Kie.ai осталось" in told.content and "меньше порога 1\xa0000 кр." in told.content
        assert sandbox.credits < 1000
