"""The four models of the December catalog facts, walked through the emulators: card, form,
the charge the catalog's price rule gives for the chosen options, and the sandbox's result
delivered (layers as PNG documents; the replaced section as a song under the source's track)."""

from __future__ import annotations

import re
from decimal import Decimal

import asyncpg

from emulators.kie.sandbox import KieSandbox
from plugins.catalog.pricing import credits_for
from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import BUNDLE, NEXT, png
from tests.e2e.test_suno_follow_ups import order
from tests.support.telegram import BotUnderTest, Chat

ANNA = 1001
FLASH = "seedream/5-flash-layer-decomposition"
PRO = "seedream/5-pro-layer-decomposition"
REPLACE = "ai-music-api/replace-section"


async def answer(chat: Chat, numbers: dict[str, str], choices: dict[str, str] | None = None) -> None:
    """Answer the form up to its summary: the numbers and choices given by words of their
    question; everything else as a hurried user would (skip, first option, a photo, a text)."""
    for _ in range(40):
        screen, buttons = chat.screen, chat.buttons()
        if "Проверьте параметры" in screen or "Фрагмент не подходит" in screen:
            return
        number = next((v for k, v in numbers.items() if k in screen), None)
        choice = next((v for k, v in (choices or {}).items() if k in screen and v in buttons), None)
        skip = next((b for b in buttons if b.startswith(("Пропустить", "Готово"))), None)
        if number is not None and "Пришлите число" in screen:
            await chat.send(number)
        elif choice is not None:
            await chat.press(choice)
        elif skip:
            await chat.press(skip)
        elif "Пришлите картинк" in screen:
            await chat.send_photo(png())
        elif "Напишите текст" in screen:
            await chat.send("Припев про море и солнце")
        elif "Пришлите число" in screen:
            low = re.search(r"от (\d+(?:[.,]\d+)?)", screen)
            await chat.send(low.group(1) if low else "5")
        elif "Включить?" in screen:
            await chat.press("❌ Нет")
        elif "Выберите вариант" in screen:
            await chat.press(buttons[0])
        else:
            raise AssertionError(f"cannot answer: {screen}")
    raise AssertionError("the form never reached its summary")


async def open_model(chat: Chat, task: str, name: str) -> None:
    await chat.send("/start")
    await chat.press_containing(task, NEXT)
    await chat.press_containing(name, NEXT)


def shown_price(chat: Chat) -> int:
    found = re.search(r"Стоимость: (.+?)(?:\n|$)", chat.screen)
    assert found, chat.screen
    return parse_rub(found.group(1))


async def test_flash_layers_are_charged_per_chosen_count_and_arrive_as_png_documents(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    emulator, chat, wallet = under_test.emulator, under_test.chat(ANNA), Wallet(pool)
    await chat.send("/start")
    before = await wallet.balance(ANNA)
    await open_model(chat, "Редактировать изображение", "Seedream 5.0 Flash — разбор на слои")
    chat.expect("отдельным PNG")  # the card says what comes back
    await chat.press("▶️ Начать")
    await answer(chat, {"Сколько файлов": "3"})
    entry = BUNDLE.models[FLASH].entry
    credits = credits_for(entry, {"layers": 3, "size": "1K"}, {})
    assert credits == 3 * Decimal("3.24")
    expected = await wallet.price(credits)  # the bot's conversion and rounding
    assert shown_price(chat) == expected, chat.screen
    assert format_rub(expected, "ru") in chat.screen
    await chat.press("✅ Подтвердить")
    await emulator.wait_for(
        lambda: len([m for m in emulator.bot_messages(ANNA) if m.media_kind == "document"]) == 3, timeout=20
    )
    sent = sandbox.inputs(FLASH)[-1]
    assert "layers" not in sent and sent["size"] == "1K" and sent["image_url"]
    assert await wallet.balance(ANNA) == before - expected


async def test_pro_layers_at_2k_are_charged_14_credits(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    emulator, chat, wallet = under_test.emulator, under_test.chat(ANNA), Wallet(pool)
    await chat.send("/start")
    before = await wallet.balance(ANNA)
    await open_model(chat, "Редактировать изображение", "Seedream 5.0 Pro — разбор на слои")
    await chat.press("▶️ Начать")
    await answer(chat, {}, {"Размер": "2K"})
    expected = await wallet.price(Decimal(14))
    assert shown_price(chat) == expected, chat.screen
    await chat.press("✅ Подтвердить")
    await emulator.wait_for(
        lambda: len([m for m in emulator.bot_messages(ANNA) if m.media_kind == "document"]) == 3, timeout=20
    )
    assert sandbox.inputs(PRO)[-1]["size"] == "2K"
    assert await wallet.balance(ANNA) == before - expected


async def test_flux_kontext_draws_at_the_pro_price(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    emulator, chat, wallet = under_test.emulator, under_test.chat(ANNA), Wallet(pool)
    await chat.send("/start")
    before = await wallet.balance(ANNA)
    await open_model(chat, "Картинки, баннеры", "FLUX.1 Kontext")
    await chat.press("▶️ Начать")
    await answer(chat, {})
    expected = await wallet.price(Decimal(5))
    free = "🆓 Бесплатно" in chat.screen
    if not free:
        assert shown_price(chat) == expected, chat.screen
    await chat.press("✅ Подтвердить")
    result = await emulator.wait_bot_message(ANNA, timeout=20, match=lambda m: m.media_kind is not None)
    assert result.media_kind == "photo"
    assert sandbox.create_calls("flux1-kontext") == 1
    assert await wallet.balance(ANNA) == before - (0 if free else expected)


async def test_replace_a_section_of_a_finished_song_from_the_history(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    emulator, chat, wallet = under_test.emulator, under_test.chat(ANNA), Wallet(pool)
    await chat.send("/start")
    before = await wallet.balance(ANNA)
    song_price = await order(chat, "Suno — музыка")
    await emulator.wait_for(
        lambda: len([m for m in emulator.bot_messages(ANNA) if m.media_kind == "audio"]) == 2, timeout=20
    )
    await emulator.wait_idle(quiet=0.1, timeout=10)
    song = next(t for t in sandbox.tasks.values() if t.model == "ai-music-api/generate")
    tracks = song.result["data"] if song.result else []

    await chat.press("✂️ Заменить фрагмент")  # under track 2 (the last message)
    await answer(chat, {"Начало фрагмента": "100", "Конец фрагмента": "130"})
    chat.expect("Фрагмент не подходит")  # ends after the 120 s track
    assert sandbox.create_calls(REPLACE) == 0

    await chat.press("✂️ Заменить фрагмент")  # again: on the song's message
    await answer(chat, {"Начало фрагмента": "30.5", "Конец фрагмента": "50"})
    assert "Трек: №2" in chat.screen, chat.screen
    expected = await wallet.price(Decimal(5))
    assert shown_price(chat) == expected
    await chat.press("✅ Подтвердить")
    await emulator.wait_for(
        lambda: len([m for m in emulator.bot_messages(ANNA) if m.media_kind == "audio"]) == 4, timeout=20
    )
    sent = sandbox.inputs(REPLACE)[-1]
    assert sent["task_id"] == song.task_id and sent["audio_id"] == tracks[1]["id"]
    assert (sent["infill_start_s"], sent["infill_end_s"]) == (30.5, 50)
    assert await wallet.balance(ANNA) == before - song_price - expected
