"""From /start through the task menu to a generation delivered in the chat — for an image,
an image-to-video (uploading a photo) and a text-to-speech model — with the balance lowered
by exactly the price the summary showed."""

from __future__ import annotations

import re
import struct
import zlib

import asyncpg
import pytest

from emulators.kie.sandbox import KieSandbox
from engine.loader.bundle import load_bundle
from engine.schema.catalog import FieldType, MediaKind
from plugins.catalog.pricing import price_from
from plugins.wallet.money import parse_rub
from plugins.wallet.service import Wallet
from tests.conftest import PROJECT_ROOT
from tests.support.media import wav
from tests.support.telegram import BotUnderTest, Chat

ANNA = 1001
BUNDLE = load_bundle(PROJECT_ROOT)
NEXT = "Дальше ▶️"


def png() -> bytes:
    raw = b"".join(b"\x00" + bytes([x * 8, 90, 255 - x * 8]) * 32 for x in range(32))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def cheapest(task: str, category: str, needs_image: bool = False) -> str:
    """Name of the cheapest enabled model of a task in a category (as the menu lists it)."""
    found = []
    for definition in BUNDLE.models.values():
        entry = definition.entry
        images = [
            f
            for f in entry.input.values()
            if f.required and f.type in (FieldType.FILE, FieldType.FILES) and f.media is MediaKind.IMAGE
        ]
        other_files = [
            f
            for f in entry.input.values()
            if f.required and f.type in (FieldType.FILE, FieldType.FILES) and f.media is not MediaKind.IMAGE
        ]
        if (
            entry.enabled
            and task in entry.tasks
            and entry.category == category
            and bool(images) == needs_image
            and not other_files
        ):
            found.append((price_from(entry), entry.id, entry.name.ru))
    return sorted(found)[0][2]


async def answer_until_summary(chat: Chat, audio: bytes | None = None, claimed_seconds: int = 3) -> None:
    """Answer each step the way a hurried user would: skip what can be skipped. Audio is a
    real recording (``audio``, 3 s of WAV by default) sent claiming ``claimed_seconds``."""
    for _ in range(40):
        screen, buttons = chat.screen, chat.buttons()
        if "Проверьте параметры" in screen:
            return
        skip = next((b for b in buttons if b.startswith("Пропустить")), None)
        done = next((b for b in buttons if b.startswith("Готово")), None)
        if done:
            await chat.press(done)
        elif skip:
            await chat.press(skip)
        elif "Пришлите картинк" in screen:
            await chat.send_photo(png())
        elif "Пришлите аудио" in screen:
            await chat.send_audio(audio or wav(3), "voice.wav", duration=claimed_seconds, mime="audio/wav")
        elif "Напишите текст" in screen:
            await chat.send("Привет! Это проверка озвучки и генерации.")
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


@pytest.mark.parametrize(
    ("task", "category", "needs_image", "media"),
    [
        ("🖼 Картинки, баннеры, посты", "text-to-image", False, "photo"),
        ("🎞 Оживить фото", "image-to-video", True, "video"),  # the sandbox's video is an MP4
        ("🎵 Аудио", "text-to-speech", False, "audio"),
    ],
)
async def test_generation_from_the_menu_to_the_result(
    bot: tuple[BotUnderTest, KieSandbox],
    pool: asyncpg.Pool,
    task: str,
    category: str,
    needs_image: bool,
    media: str,
) -> None:
    under_test, sandbox = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    chat.expect("Вам начислен приветственный бонус")
    wallet = Wallet(pool)
    before = await wallet.balance(ANNA)
    await chat.press_containing(task, NEXT)
    await chat.press_containing(cheapest(_task_id(task), category, needs_image), NEXT)
    chat.expect("Цена: ")
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    price_text = re.search(r"Стоимость: (.+?)(?:\n|$)", chat.screen)
    free = "🆓 Бесплатно" in chat.screen
    assert free or price_text, chat.screen
    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_for(
        lambda: any("Заказ принят" in m.content for m in under_test.emulator.bot_messages(ANNA))
    )
    result = await under_test.emulator.wait_bot_message(
        ANNA, timeout=20, match=lambda m: m.media_kind is not None
    )
    assert result.media_kind == media
    if needs_image:
        assert sandbox.inputs()[-1], "the uploaded photo reached the task as a URL"
        assert all("bot" not in str(v) for v in sandbox.inputs()[-1].values())
    shown = 0 if free else parse_rub(price_text.group(1))  # type: ignore[union-attr]
    assert free == any("(бесплатный запуск)" in m.content for m in under_test.emulator.bot_messages(ANNA))
    assert await wallet.balance(ANNA) == before - shown


def _task_id(label: str) -> str:
    for task in BUNDLE.tasks.values():
        if label.split(" ", 1)[1].split(":")[0] in task.name.ru:
            return task.id
    raise LookupError(label)


async def test_again_from_the_result_opens_the_summary_with_the_same_values(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    await chat.press_containing("Картинки, баннеры", NEXT)
    await chat.press_containing(cheapest("images", "text-to-image"), NEXT)
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    first_summary = chat.screen
    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_bot_message(ANNA, timeout=20, match=lambda m: m.media_kind is not None)
    await chat.press("🔁 Ещё раз")
    chat.expect("Проверьте параметры")

    def parameters(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("•")]

    assert parameters(chat.screen) == parameters(first_summary)
    await chat.press("🕘 История")  # the history button of the result message
    chat.expect("История генераций")
