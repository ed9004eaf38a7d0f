"""Models and prices in the admin console, through the chat in Russian: a model switched off
disappears for users on this instance at once and on a second instance on the same database
within the overrides' cache; a price below Kie.ai's cost is refused with the cost shown; a
support admin reads but cannot change a price, not even by a forged callback."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.state import EmulatedUser
from engine.plugin import ActionError
from plugins.admin.models import ModelsPlugin, ValueArgs
from plugins.catalog.plugin import CatalogPlugin, TaskArgs
from plugins.catalog.prices import cost_kopecks
from plugins.wallet.money import format_rub
from tests.e2e.test_admin import Ctx
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat, running_bot

ANNA = 1001
VERA = 1003
NEXT = "Дальше ▶️"
TASK = "Картинки, баннеры"
STALE = "Это меню устарело — вот актуальное."

Bot = tuple[BotUnderTest, KieSandbox]


def plugin(under_test: BotUnderTest, namespace: str) -> object:
    return under_test.runtime.calls.plugins.instances[namespace]


async def cheapest_image_model(under_test: BotUnderTest) -> tuple[str, str]:
    """The first model users see under the images task: (id, Russian name)."""
    catalog = plugin(under_test, "catalog")
    assert isinstance(catalog, CatalogPlugin)
    first = (await catalog.models(Ctx(ANNA), TaskArgs(task="images")))[0]
    return first.id, first.name


async def open_model_card(admin: Chat, name: str) -> None:
    await admin.send("/admin")
    await admin.press("🤖 Модели и цены")
    await admin.press_containing(f" {name} · ", NEXT)
    admin.expect(f"{name} · ")


async def models_of_the_task(chat: Chat) -> list[str]:
    await chat.send("/start")
    await chat.press_containing(TASK, NEXT)
    return chat.buttons()


def offered(buttons: list[str], name: str) -> bool:
    return any(b.split(" · ")[0].endswith(name) or b.startswith(name) for b in buttons)


async def test_a_model_switched_off_disappears_for_users_on_every_instance(
    bot: Bot, pool: asyncpg.Pool
) -> None:
    first, _ = bot
    model, name = await cheapest_image_model(first)
    async with running_bot(pool) as second:
        anna_here, anna_there = first.chat(ANNA), second.chat(ANNA)
        assert any(name in b for b in await models_of_the_task(anna_there))
        admin = first.chat(ADMIN_ID)
        await open_model_card(admin, name)
        admin.expect("Статус: включена ✅")
        await admin.press("⛔ Выключить")
        admin.expect("Статус: выключена ⛔")

        assert not any(name in b for b in await models_of_the_task(anna_here))  # at once here
        deadline = time.monotonic() + 10  # there: within the overrides' 2 s cache
        while any(name in b for b in await models_of_the_task(anna_there)):
            assert time.monotonic() < deadline, "the second instance still offers the model"
            await asyncio.sleep(0.2)

        await admin.press("✅ Включить")
        deadline = time.monotonic() + 10
        while not any(name in b for b in await models_of_the_task(anna_there)):
            assert time.monotonic() < deadline, "the second instance never offered it again"
            await asyncio.sleep(0.2)
    rows = await pool.fetch(
        "SELECT admin_id, action, subject, old_value, new_value"
        " FROM admin_audit WHERE action = 'model.enabled' ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [
        (ADMIN_ID, "model.enabled", model, None, "false"),
        (ADMIN_ID, "model.enabled", model, "false", "true"),
    ]


async def test_a_price_below_cost_is_refused_with_the_cost_shown(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    model, name = await cheapest_image_model(under_test)
    models = plugin(under_test, "prices")
    assert isinstance(models, ModelsPlugin)
    settings = await models.prices.wallet.get_settings()
    cost = cost_kopecks(models._credits_from[model], settings)
    admin = under_test.chat(ADMIN_ID)
    await open_model_card(admin, name)
    admin.expect(f"Себестоимость в Kie.ai: {format_rub(cost)}")

    await admin.press("💰 Фиксированная цена")
    await admin.send("0,01")
    admin.expect(f"Цена 0,01\xa0₽ ниже себестоимости в Kie.ai — {format_rub(cost)}. Не сохранено.")
    await admin.send("abc")
    admin.expect("Не понял цену")
    assert await pool.fetchval("SELECT count(*) FROM model_overrides") == 0

    await admin.press("✖️ Отмена")
    await admin.press("✖️ Наценка")
    await admin.send("0,5")
    admin.expect(f"ниже себестоимости в Kie.ai — {format_rub(cost)}")
    assert await pool.fetchval("SELECT count(*) FROM model_overrides") == 0

    price = cost + 100
    await admin.press("✖️ Отмена")
    await admin.press("💰 Фиксированная цена")
    await admin.send(format_rub(price).replace("\xa0₽", ""))
    admin.expect(f"Цена для пользователя: {format_rub(price)}", "Цена зафиксирована администратором")
    anna = under_test.chat(ANNA)
    await models_of_the_task(anna)
    await anna.press_containing(name, NEXT)
    anna.expect(f"Цена: {format_rub(price)} за картинку")  # the card (a free model's button has none)
    assert await pool.fetchval(
        "SELECT new_value FROM admin_audit WHERE action = 'model.fixed_price_kopecks'"
    ) == str(price)


async def test_a_support_admin_cannot_change_a_price_even_by_a_forged_callback(
    bot: Bot, pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    model, name = await cheapest_image_model(under_test)
    under_test.emulator.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    vera, owner = under_test.chat(VERA), under_test.chat(ADMIN_ID)
    await vera.send("/start")
    await pool.execute(
        "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, 'support', $2)", VERA, ADMIN_ID
    )
    admin_plugin = plugin(under_test, "admin")
    await admin_plugin.roles.refresh()  # type: ignore[attr-defined]

    await open_model_card(owner, name)
    forged = [
        owner.callback_data(label)
        for label in ("⛔ Выключить", "🎁 В бесплатный список", "✖️ Наценка", "💰 Фиксированная цена")
    ]
    await open_model_card(vera, name)  # support reads the card …
    vera.expect("Себестоимость в Kie.ai")
    for label in ("⛔ Выключить", "✖️ Наценка", "💰 Фиксированная цена"):
        assert label not in vera.buttons()  # … without the buttons that change it
    for data in forged:
        answer = await vera.press_data(data, vera.last.message_id)
        assert answer == STALE
    assert await pool.fetchval("SELECT count(*) FROM model_overrides") == 0

    models = plugin(under_test, "prices")
    assert isinstance(models, ModelsPlugin)
    with pytest.raises(ActionError) as refused:  # the action itself asks the roles table
        await models.set_price(Ctx(VERA), ValueArgs(model=model, value="1000"))
    assert refused.value.text_key == "prices.error.forbidden"
    assert await pool.fetchval("SELECT count(*) FROM admin_audit WHERE admin_id = $1", VERA) == 0


async def test_an_explicit_free_list_replaces_the_automatic_pick(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    admin = under_test.chat(ADMIN_ID)
    await admin.send("/admin")
    await admin.press("🤖 Модели и цены")
    await admin.press("🎁 Бесплатный тариф")
    admin.expect("Список не задан — бесплатны самые дешёвые модели", "моделей: 5")

    catalog = plugin(under_test, "catalog")
    assert isinstance(catalog, CatalogPlugin)
    dearest = (await catalog.models(Ctx(ANNA), TaskArgs(task="images")))[-1]
    assert not dearest.free
    await open_model_card(admin, dearest.name)
    await admin.press("🎁 В бесплатный список")
    admin.expect("Бесплатный тариф: да 🎁 (по списку)")
    await admin.press("🤖 Все модели")
    await admin.press("🎁 Бесплатный тариф")
    admin.expect("моделей: 1", "Список задан администраторами.", f"🎁 {dearest.name}")
    shown = {m.id: m.free for m in await catalog.models(Ctx(ANNA), TaskArgs(task="images"))}
    assert shown[dearest.id] and sum(shown.values()) == 1
    assert await pool.fetchval("SELECT new_value FROM admin_audit WHERE action = 'model.free'") == "true"
