"""A recipe from the main menu to the result, in Russian: the card with its picture and price,
only the questions the recipe leaves, the summary's price charged, the preset values and the
recipe's wording sent to Kie.ai."""

from __future__ import annotations

import re

import asyncpg

from emulators.kie.sandbox import KieSandbox
from plugins.wallet.money import parse_rub
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import ANNA, NEXT, png
from tests.support.telegram import BotUnderTest


async def test_a_recipe_from_the_main_menu_to_the_result(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    chat.expect("Вам начислен приветственный бонус")
    wallet = Wallet(pool)
    before = await wallet.balance(ANNA)

    await chat.press("🧩 Готовые рецепты")
    chat.expect("Готовые рецепты")
    await chat.press_containing("Оживить фото товара", NEXT)
    chat.expect("Оживить фото товара")
    chat.expect("за ролик 5 с")  # the recipe fixes the length: the price of that clip
    card = under_test.emulator.bot_messages(ANNA)[-1]
    assert card.media_kind == "photo", "the card shows the recipe's picture"

    await chat.press("▶️ Сделать")
    chat.expect("шаг 1 из 2")  # the prompt, then the photo: nothing else
    chat.expect("Как должно двигаться?")  # the recipe's own hint
    await chat.send("камера медленно облетает флакон духов")
    chat.expect("шаг 2 из 2")
    await chat.send_photo(png())
    chat.expect("Проверьте параметры")
    assert "5" in chat.screen and "облетает флакон" in chat.screen
    assert "Studio" not in chat.screen and "cinematic" not in chat.screen  # the wording is ours
    price = re.search(r"Стоимость: (.+?)(?:\n|$)", chat.screen)
    assert price, chat.screen

    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_for(
        lambda: any("Заказ принят" in m.content for m in under_test.emulator.bot_messages(ANNA))
    )
    result = await under_test.emulator.wait_bot_message(
        ANNA, timeout=20, match=lambda m: m.media_kind is not None
    )
    assert "Kling" in result.content  # the sandbox's stand-in for the video
    sent = sandbox.inputs()[-1]
    assert sent["duration"] == "5"
    assert sent["prompt"].startswith("камера медленно облетает флакон духов. Smooth slow")
    assert await wallet.balance(ANNA) == before - parse_rub(price.group(1))
