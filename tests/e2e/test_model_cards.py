"""Model cards as a marketer reads them: the editors' Russian description and example prompts,
the price per unit, the free badge that goes away when the free runs are used up, and English
texts (history names included) for an English speaker."""

from __future__ import annotations

import re

from emulators.kie.sandbox import KieSandbox
from engine.loader.bundle import load_bundle
from plugins.catalog.pricing import price_from
from plugins.wallet.free_tier import pick_free_models
from plugins.wallet.settings import WalletSettings
from tests.conftest import PROJECT_ROOT
from tests.e2e.test_generation import answer_until_summary
from tests.support.telegram import BotUnderTest, Chat

ANNA, BORIS = 1001, 1002  # the emulator's Russian- and English-speaking test users
BUNDLE = load_bundle(PROJECT_ROOT)
NEXT = "Дальше ▶️"
IMAGES = "🖼 Картинки, баннеры, посты"
AUDIO = "🎵 Аудио"
FREE_MODEL = "z-image"
TURBO = "elevenlabs/text-to-speech-turbo-2-5"


def entry(model_id: str):  # type: ignore[no-untyped-def]
    return BUNDLE.models[model_id].entry


def test_the_free_model_of_these_tests_is_free_by_default() -> None:
    prices = {
        m.entry.id: price_from(m.entry)
        for m in BUNDLE.models.values()
        if m.entry.enabled and m.entry.follow_up is None
    }
    assert FREE_MODEL in pick_free_models(prices, WalletSettings().free_models_count)


async def open_card(chat: Chat, task: str, model_id: str) -> str:
    await chat.send("/start")
    await chat.press_containing(task, NEXT)
    return await chat.press_containing(entry(model_id).name.ru, NEXT)


async def test_a_card_speaks_russian_and_states_the_price_per_unit(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    turbo = entry(TURBO)
    await open_card(chat, AUDIO, TURBO)
    russian = turbo.texts.ru  # type: ignore[union-attr]
    chat.expect(russian.description, "Примеры запросов:", *russian.examples)
    assert not any(e in chat.screen for e in turbo.texts.en.examples)  # type: ignore[union-attr]
    # per 100 characters, never "от 5,70 ₽" (the price of 1000) for an order of 86 characters
    price = re.search(r"Цена: ([\d\s,]+\s₽) за 100 символов", chat.screen)
    assert price, chat.screen
    await chat.press("◀️ Назад")
    button = next(b for b in chat.buttons() if turbo.name.ru in b)
    assert button.endswith(f"{price.group(1)} за 100 символов"), button


async def test_free_runs_used_up_take_the_badge_away_and_the_run_is_paid(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    name = entry(FREE_MODEL).name.ru
    for run in range(WalletSettings().free_hourly_limit):
        await chat.send("/start")
        await chat.press_containing(IMAGES, NEXT)
        badge = next(b for b in chat.buttons() if name in b)
        assert badge == f"🆓 {name} · бесплатно", badge  # no "от 0,76 ₽" beside the badge
        await chat.press(badge)
        chat.expect("сейчас бесплатно в рамках лимита")
        await chat.press("▶️ Начать")
        await answer_until_summary(chat)
        chat.expect("🆓 Бесплатно")
        await chat.press("✅ Подтвердить")
        await under_test.emulator.wait_for(  # the result is in, so the menu is the newest message
            lambda run=run: (
                sum(m.media_kind == "photo" for m in under_test.emulator.bot_messages(ANNA)) > run
            ),
            timeout=20,
        )
        await under_test.emulator.wait_idle(quiet=0.2, timeout=10)

    await chat.send("/start")
    await chat.press_containing(IMAGES, NEXT)
    button = next(b for b in chat.buttons() if name in b)
    assert "🆓" not in button and "бесплатно" not in button, button
    assert re.search(r"· [\d\s,]+\s₽ за картинку$", button), button
    await chat.press(button)
    chat.expect("Бесплатные запуски закончились — снова будут в", "МСК", "сейчас запуск платный")
    assert "сейчас бесплатно" not in chat.screen
    assert re.search(r"снова будут в (\d+ \w+, )?\d\d:\d\d МСК", chat.screen), chat.screen
    # the time they come back is in the user's own zone, named
    await chat.send("/start")
    await chat.press("⚙️ Настройки")
    await chat.press("🕰 Часовой пояс")
    await chat.press("Владивосток · UTC+10")
    await chat.send("/start")
    await chat.press_containing(IMAGES, NEXT)
    await chat.press(button)
    assert re.search(r"снова будут в (\d+ \w+, )?\d\d:\d\d UTC\+10", chat.screen), chat.screen
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    chat.expect("Бесплатные запуски этой модели закончились", "UTC+10", "Этот запуск платный.", "Стоимость:")
    assert "🆓 Бесплатно" not in chat.screen


async def test_an_english_speaker_reads_english_cards_and_english_history(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, _ = bot
    chat = under_test.chat(BORIS)
    await chat.send("/start")
    chat.expect("Hi, Boris!")
    z_image = entry(FREE_MODEL)
    english = z_image.texts.en  # type: ignore[union-attr]
    images_en = BUNDLE.tasks["images"].name.en
    await chat.press_containing(images_en, "Next ▶️")
    await chat.press_containing(z_image.name.en, "Next ▶️")
    chat.expect(english.description, *english.examples)
    assert z_image.texts.ru.description not in chat.screen  # type: ignore[union-attr]
    assert re.search(r"Price: [\d\s,.]+\s₽ per image", chat.screen), chat.screen

    # an order placed in Russian reads in English once Boris is back to English
    await chat.send("/language")
    await chat.press("🇷🇺 Русский")
    await chat.send("/start")
    await chat.press_containing(IMAGES, NEXT)
    await chat.press_containing(z_image.name.ru, NEXT)
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_for(
        lambda: any(m.media_kind == "photo" for m in under_test.emulator.bot_messages(BORIS)), timeout=20
    )
    await under_test.emulator.wait_idle(quiet=0.2, timeout=10)
    await chat.send("/language")
    await chat.press("🇬🇧 English")
    await chat.send("/start")
    await chat.press("🕘 History")
    chat.expect("Generation history")
    assert any(z_image.name.en in b for b in chat.buttons()), chat.buttons()
    assert not any(z_image.name.ru in b for b in chat.buttons()), chat.buttons()
