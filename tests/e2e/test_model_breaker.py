"""Models that keep failing are taken off the menu, and come back; an account out of credits
stops every order at once. In Russian, as users and the owner see it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg

from emulators.kie.faults import TaskFault
from emulators.kie.sandbox import KieSandbox
from emulators.telegram.state import EmulatedUser
from plugins.generation.breaker import BreakerPolicy, Breakers
from plugins.generation.plugin import GenerationPlugin
from tests.e2e.test_generation import BUNDLE, NEXT, answer_until_summary, cheapest
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat
from tests.support.waiting import until

ANNA, BORIS = 1001, 1003  # both write in Russian
MODEL_NAME = cheapest("images", "text-to-image")
MODEL = next(m.entry.id for m in BUNDLE.models.values() if m.entry.name.ru == MODEL_NAME)


def breakers(bot: BotUnderTest) -> Breakers:
    plugin = bot.runtime.calls.plugins.instances["generation"]
    assert isinstance(plugin, GenerationPlugin) and plugin.breakers is not None
    return plugin.breakers


async def order(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press_containing("Картинки, баннеры", NEXT)
    await chat.press_containing(MODEL_NAME, NEXT)
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    await chat.press("✅ Подтвердить")


async def failed_before(pool: asyncpg.Pool, count: int) -> None:
    """Orders of the model that failed on Kie.ai's side a few minutes ago (other users')."""
    for _ in range(count):
        await pool.execute(
            "INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, state, settled,"
            " delivered, deadline_at, finished_at, error_code) VALUES ($1, 5, 5, $2, '{}', 0, 'failed',"
            " true, true, $3, now() - interval '3 minutes', 'service_busy')",
            uuid.uuid4(),
            MODEL,
            datetime.now(UTC),
        )


def russian_user(bot: BotUnderTest) -> Chat:
    bot.emulator.add_user(EmulatedUser(BORIS, "Борис", "ru", username="boris_ru"))
    return bot.chat(BORIS)


def alerts(bot: BotUnderTest, fragment: str) -> int:
    return sum(fragment in (m.text or "") for m in bot.emulator.bot_messages(ADMIN_ID))


async def test_a_failing_model_is_taken_off_and_comes_back_after_a_probe(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    await failed_before(pool, 4)
    sandbox.faults.task(TaskFault.failed(code="500", msg="Internal error"), model=MODEL, times=1)
    anna = under_test.chat(ANNA)
    await order(anna)
    await until(lambda: alerts(under_test, "снята с меню") == 1, what="the owner told")

    boris = russian_user(under_test)
    creates = sandbox.create_calls(MODEL)
    await order(boris)
    boris.expect("временно недоступна", "Деньги не списаны")
    assert sandbox.create_calls(MODEL) == creates
    assert await pool.fetchval("SELECT count(*) FROM jobs WHERE user_id = $1", BORIS) == 0  # nothing held

    admin = under_test.chat(ADMIN_ID)  # the owner's order goes through as a probe, and works
    await order(admin)
    await under_test.emulator.wait_for(
        lambda: any(m.media_kind for m in under_test.emulator.bot_messages(ADMIN_ID)), timeout=20
    )
    # the success closed the breaker before its result was sent
    assert await pool.fetchval("SELECT count(*) FROM model_breakers") == 0
    await order(boris)
    await under_test.emulator.wait_for(
        lambda: any(m.media_kind for m in under_test.emulator.bot_messages(BORIS)), timeout=20
    )
    assert alerts(under_test, "снята с меню") == 1  # told once, not per failure


async def test_the_window_passing_brings_a_model_back(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    await pool.execute(
        "INSERT INTO model_breakers (model, reason, until, failures)"
        " VALUES ($1, 'failures', now() - interval '1 second', 5)",
        MODEL,
    )
    boris = russian_user(under_test)
    await order(boris)
    await under_test.emulator.wait_for(
        lambda: any(m.media_kind for m in under_test.emulator.bot_messages(BORIS)), timeout=20
    )


async def test_out_of_credits_stops_every_order_until_kie_can_pay_again(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    breakers(under_test).policy = BreakerPolicy(credits_recheck=0)
    sandbox.set_credits(0)
    anna = under_test.chat(ANNA)
    await order(anna)
    await until(lambda: alerts(under_test, "не хватает кредитов") == 1, what="the owner told")
    creates = sandbox.create_calls()

    boris = russian_user(under_test)
    await order(boris)
    boris.expect("Приём заказов временно остановлен")
    await order(anna)
    anna.expect("Приём заказов временно остановлен")
    assert sandbox.create_calls() == creates  # no order reached Kie.ai while it could not pay
    assert alerts(under_test, "не хватает кредитов") == 1

    sandbox.set_credits(1000)
    await order(boris)
    await under_test.emulator.wait_for(
        lambda: any(m.media_kind for m in under_test.emulator.bot_messages(BORIS)), timeout=20
    )
    assert await pool.fetchval("SELECT count(*) FROM model_breakers WHERE until > now()") == 0
