"""Finding and repeating, in Russian as the user sees it: search by name (a model, a recipe,
nothing), favourites and recent runs on the main screen, history and operations in the user's
time zone with the zone named, Repeat charging exactly the summary's price again, and paged
lists without two buttons of one label."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg

from emulators.kie.sandbox import KieSandbox
from plugins.wallet.money import parse_rub
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import ANNA, NEXT, answer_until_summary
from tests.support.telegram import BotUnderTest, Chat

IMAGEN = "Imagen 4 — текст → картинка"  # google/imagen4: paid (not among the cheapest)
MONTHS = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


def shown(moment: datetime, zone: str, label: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.day} {MONTHS[local.month - 1]}, {local:%H:%M} {label}"


async def search(chat: Chat, query: str) -> None:
    await chat.send("/start")
    await chat.press("🔎 Поиск")
    chat.expect("Напишите, что ищете")
    await chat.send(query)


async def generate(under_test: BotUnderTest, chat: Chat) -> str:
    """From a summary: confirm, wait for the result; the summary's price."""
    price = re.search(r"Стоимость: (.+?)(?:\n|$)", chat.screen)
    assert price, chat.screen
    done = len([m for m in under_test.emulator.bot_messages(ANNA) if m.media_kind is not None])
    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_for(
        lambda: len([m for m in under_test.emulator.bot_messages(ANNA) if m.media_kind is not None]) > done,
        timeout=20,
    )
    return price.group(1)


def parameters(chat: Chat) -> list[str]:
    """The summary's values (a repeat's are its own answers, so "по умолчанию" is not said)."""
    lines = [line for line in chat.screen.splitlines() if line.startswith("•")]
    return [line.removesuffix(" (по умолчанию)") for line in lines]


async def run_imagen(under_test: BotUnderTest, chat: Chat) -> tuple[str, list[str]]:
    """The price and the parameters the summary showed."""
    await search(chat, "imagen 4")
    await chat.press(f"🖼 {IMAGEN}")
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    summary = parameters(chat)
    return await generate(under_test, chat), summary


async def test_search_finds_a_model_and_a_recipe_and_opens_them(bot: tuple[BotUnderTest, KieSandbox]) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await search(chat, "обложки")  # another form of the word
    chat.expect("По запросу «обложки» нашлось")
    await chat.press("🧩 🎬 Обложка для Reels 9:16")
    chat.expect("Обложка для Reels 9:16", "за картинку")
    assert "▶️ Сделать" in chat.buttons()

    await search(chat, "банан")  # Cyrillic for a Latin name
    assert any("Nano Banana" in b for b in chat.buttons()), chat.buttons()
    await search(chat, "KLING")  # any case
    found = [b for b in chat.buttons() if "Kling" in b]
    assert found, chat.buttons()
    await chat.press(found[0])
    chat.expect("💰 Цена:", "₽ за ")  # per unit: per second, per clip …
    assert "▶️ Начать" in chat.buttons()

    await chat.send("/search")  # the command, and a second query typed on the results
    await chat.send("imagen")
    await chat.send("ультра")
    chat.expect("По запросу «ультра»")


async def test_nothing_found_says_so_with_ways_on(bot: tuple[BotUnderTest, KieSandbox]) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await search(chat, "фывапролджэ")
    chat.expect("По запросу «фывапролджэ» ничего не нашлось", "Попробуйте другое слово")
    assert {"🔎 Искать ещё", "🗂 Все категории", "🧩 Готовые рецепты", "🏠 В меню"} <= set(chat.buttons())
    await chat.press("🔎 Искать ещё")
    chat.expect("Напишите, что ищете")
    await chat.send("<b>" + "я" * 300)  # markup is shown as typed, a long query cut
    chat.expect("По запросу «<b>" + "я" * 50, "ничего не нашлось")


async def test_a_starred_model_is_on_the_main_screen_until_unstarred(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    assert not any(b.startswith("⭐") for b in chat.buttons())  # no favourites: no row
    await search(chat, "imagen 4")
    await chat.press(f"🖼 {IMAGEN}")
    await chat.press("☆ В избранное")
    chat.expect(IMAGEN)
    assert "★ В избранном — убрать" in chat.buttons()
    await chat.press("🏠 В меню")
    assert f"⭐ {IMAGEN}" in chat.buttons()
    await chat.press(f"⭐ {IMAGEN}")
    chat.expect(IMAGEN, "₽ за картинку")
    await chat.press("★ В избранном — убрать")
    assert "☆ В избранное" in chat.buttons()
    await chat.send("/start")
    assert not any(b.startswith("⭐") for b in chat.buttons())


async def test_recent_runs_history_in_the_users_zone_and_repeat_with_exact_money(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    assert not any(b.startswith("🕘 ") and b != "🕘 История" for b in chat.buttons())
    wallet = Wallet(pool)
    before = await wallet.balance(ANNA)
    price, first_summary = await run_imagen(under_test, chat)
    assert first_summary
    assert await wallet.balance(ANNA) == before - parse_rub(price)

    await chat.send("/start")
    assert f"🕘 🖼 {IMAGEN}" in chat.buttons(), "the model just run is offered again"

    created = await pool.fetchval("SELECT created_at FROM jobs WHERE user_id = $1", ANNA)
    moscow = shown(created, "Europe/Moscow", "МСК")
    await chat.press("🕘 История")
    item = f"✅ {moscow} · {IMAGEN} · {price}"
    assert item in chat.buttons(), chat.buttons()

    await chat.send("/balance")
    await chat.press("📜 Операции")
    chat.expect(f"{moscow} · −{price} · генерация · {IMAGEN}")

    await chat.send("/start")
    await chat.press("⚙️ Настройки")
    chat.expect("Часовой пояс: Москва (UTC+3)")
    await chat.press("🕰 Часовой пояс")
    await chat.press("Владивосток · UTC+10")
    chat.expect("Владивосток")
    await chat.press("🕘 История")
    vladivostok = shown(created, "Asia/Vladivostok", "UTC+10")
    assert f"✅ {vladivostok} · {IMAGEN} · {price}" in chat.buttons(), chat.buttons()

    await chat.press(f"✅ {vladivostok} · {IMAGEN} · {price}")
    chat.expect(IMAGEN, f"Дата: {vladivostok}", f"Цена: {price}")
    assert "🧩 Открыть рецепт" not in chat.buttons()  # not run from a recipe
    await chat.press("🔁 Повторить")
    chat.expect("Проверьте параметры")
    # the repeat fixes every value the first run used, so none is "по умолчанию" any more
    assert parameters(chat) == [line.removesuffix(" (по умолчанию)") for line in first_summary]
    again = await generate(under_test, chat)
    assert again == price
    assert await wallet.balance(ANNA) == before - 2 * parse_rub(price)
    inputs = await pool.fetch("SELECT input FROM jobs WHERE user_id = $1", ANNA)
    assert len(inputs) == 2 and inputs[0]["input"] == inputs[1]["input"]
    assert len(sandbox.inputs()) == 2 and sandbox.inputs()[0] == sandbox.inputs()[1]


async def test_a_recipe_run_is_recent_and_its_job_leads_back_to_it(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await search(chat, "обложка")
    await chat.press("🧩 🎬 Обложка для Reels 9:16")
    await chat.press("▶️ Сделать")
    await chat.send("5 ошибок при выборе кроссовок")
    chat.expect("Проверьте параметры")
    await generate(under_test, chat)
    assert await pool.fetchval("SELECT recipe FROM jobs WHERE user_id = $1", ANNA) == "reels_cover"

    await chat.send("/start")
    recent = [b for b in chat.buttons() if b.startswith("🕘 ") and b != "🕘 История"]
    assert recent == ["🕘 🎬 Обложка для Reels 9:16"], "the recipe, not its model, is recent"
    await chat.press("🕘 История")
    await chat.press(chat.buttons()[0])
    await chat.press("🧩 Открыть рецепт")
    chat.expect("Обложка для Reels 9:16")
    assert "▶️ Сделать" in chat.buttons()


async def test_a_paged_list_has_no_two_buttons_of_one_label(bot: tuple[BotUnderTest, KieSandbox]) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    await chat.press_containing("Картинки, баннеры")
    await chat.press(NEXT)
    buttons = chat.buttons()
    assert "⬅️ Стр. 1" in buttons and "◀️ Назад" in buttons, buttons
    assert len(buttons) == len(set(buttons)), buttons
    await chat.press("⬅️ Стр. 1")
    assert NEXT in chat.buttons() and "⬅️ Стр. 1" not in chat.buttons()

    await search(chat, "видео")  # many recipes and models: still one pair of page buttons
    await chat.press(NEXT)
    buttons = chat.buttons()
    assert "⬅️ Стр. 1" in buttons and len(buttons) == len(set(buttons)), buttons
