"""The admin dashboard through the chat, in Russian: an admin sees a known day's figures for
today, 7 and 30 days; a user who is not staff cannot open it, not even by a forged press."""

from __future__ import annotations

import uuid

import asyncpg

from tests.e2e.test_admin import ANNA, Bot, charged_job
from tests.support.telegram import ADMIN_ID


async def topup(pool: asyncpg.Pool, user: int, kopecks: int, kind: str) -> None:
    await pool.execute(
        "INSERT INTO ledger (user_id, amount, kind, idempotency_key) VALUES ($1, $2, $3, $4)",
        user,
        kopecks,
        kind,
        uuid.uuid4().hex,
    )


async def test_an_admin_sees_the_days_figures(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, sandbox = bot
    sandbox.set_credits("1234.5")
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await topup(pool, ANNA, 123_450, "topup_stars")
    await topup(pool, ANNA, 50_000, "topup_receipt")
    await topup(pool, ANNA, -34_450, "stars_refund")  # part of it given back in Stars
    await topup(pool, ANNA, 10_000, "promo")
    await topup(pool, ANNA, 2_500, "referral")
    job = await charged_job(pool, ANNA, 4_000)
    await pool.execute("UPDATE jobs SET kie_credits = 4 WHERE id = $1", uuid.UUID(job))

    await admin.send("/admin")
    await admin.press("📊 Сводка")
    admin.expect(
        "Сводка · сегодня",
        "Пополнения: 1\xa0734,50\xa0₽ (Stars 1\xa0234,50\xa0₽, переводы 500\xa0₽)",
        "Потрачено на генерации: 40\xa0₽",
        "Расход Kie.ai: 1,90\xa0₽ · кредитов: 4",  # 4 × 0,005 $ × 95 ₽
        "Возвращено звёздами: 344,50\xa0₽ · чистые пополнения: 1\xa0390\xa0₽",
        "Баланс Kie.ai: 1\xa0234,5 кредитов",
        "Возвраты: 0\xa0₽",
        "Маржа: 38,10\xa0₽",
        "Бесплатных запусков: 0\nПодарено: 325\xa0₽ (приветственные 200\xa0₽, рефералы 25\xa0₽,"
        " промокоды 100\xa0₽)\n\nПользователи",
        "платившие: 1",
        "результата)\nNano Banana",
        ": 1 · 0\xa0% · 0:00",
    )
    assert "• Сегодня" in admin.buttons()
    await admin.press("7 дней")
    admin.expect("Сводка · 7 дней", "Потрачено на генерации: 40\xa0₽")
    assert "• 7 дней" in admin.buttons()
    await admin.press("30 дней")
    admin.expect("Сводка · 30 дней", "Маржа: 38,10\xa0₽")

    await sandbox.stop()  # Kie.ai does not answer: still shown
    await admin.press("• 30 дней")
    admin.expect("Баланс Kie.ai: не удалось узнать", "Маржа: 38,10\xa0₽")


async def test_a_user_cannot_open_the_dashboard(bot: Bot) -> None:
    under_test, _ = bot
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    await anna.send("/admin")
    anna.expect("Этот раздел вам недоступен")
    answer = await anna.press_data("admin.dashboard.index:1:b0.0", anna.last.message_id)
    assert answer == "Это меню устарело — вот актуальное."
    assert "Сводка" not in anna.screen and "Пополнения" not in anna.screen
