"""Files are judged by their bytes, through the Telegram emulator and the Kie.ai sandbox:

- OmniHuman's per-second price comes from the length measured in the recording, never from the
  ``duration`` the client claims, and the money captured is that price;
- a recording whose length cannot be read, or that is longer than the field allows, is refused;
- a receipt that is not a picture or a PDF (an .exe, a .zip, an .svg renamed .png) is refused:
  nothing is stored, no admin is told;
- a photo above a field's ``max_mb`` is refused even when Telegram states no size, and the bot
  stops downloading it past the cap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from emulators.kie.faults import Endpoint
from emulators.kie.sandbox import KieSandbox
from engine.files.source import MB
from plugins.catalog.pricing import credits_for
from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import BUNDLE, NEXT, answer_until_summary
from tests.support.media import exe, padded_png, png, svg, wav, zip_archive
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat

ANNA = 1001
OMNIHUMAN = "omnihuman-1-5"
ASK_AUDIO = "Пришлите аудио"


async def eventually(read: Callable[[], Awaitable[Any]], expected: Any, timeout: float = 20) -> None:
    """Wait until ``read()`` gives ``expected`` (a state the runner reaches behind the chat)."""
    deadline = time.monotonic() + timeout
    while (value := await read()) != expected:
        assert time.monotonic() < deadline, f"still {value!r}, not {expected!r}"
        await asyncio.sleep(0.02)


async def open_omnihuman(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press_containing("Говорящий аватар", NEXT)
    await chat.press_containing("OmniHuman 1.5", NEXT)
    await chat.press("▶️ Начать")


async def until_asked(chat: Chat, question: str) -> None:
    """Answer (skipping what can be skipped) until the form asks ``question``."""
    for _ in range(10):
        if question in chat.screen:
            return
        skip = next((b for b in chat.buttons() if b.startswith("Пропустить")), None)
        if skip:
            await chat.press(skip)
        elif "Пришлите картинк" in chat.screen:
            await chat.send_photo(png())
        else:
            raise AssertionError(f"cannot answer: {chat.screen}")
    raise AssertionError(f"never asked {question!r}")


async def price_text(wallet: Wallet, seconds: float) -> str:
    entry = BUNDLE.models[OMNIHUMAN].entry
    return format_rub(await wallet.price(credits_for(entry, {}, {"audio_url": seconds})), "ru")


async def test_a_per_second_price_uses_the_length_measured_in_the_file(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    chat, wallet = under_test.chat(ANNA), Wallet(pool)
    await wallet.credit(ANNA, 1_000_000, "adjustment", "test-topup")
    await open_omnihuman(chat)
    before = await wallet.balance(ANNA)
    # 12 s of sound, the client claiming 1 s: 27 credits × 12 s, not × 1 s
    await answer_until_summary(chat, audio=wav(12), claimed_seconds=1)
    measured, claimed = await price_text(wallet, 12), await price_text(wallet, 1)
    assert measured != claimed
    chat.expect(f"Стоимость: {measured}")

    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_for(
        lambda: any(f"списано {measured}" in m.content for m in under_test.emulator.bot_messages(ANNA))
    )
    await under_test.emulator.wait_bot_message(ANNA, timeout=20, match=lambda m: m.media_kind is not None)
    row = await pool.fetchrow("SELECT id, price_kopecks, input FROM jobs WHERE user_id = $1", ANNA)
    assert row["price_kopecks"] == parse_rub(measured)
    assert sandbox.count(Endpoint.CREATE_TASK, OMNIHUMAN) == 1
    hold = "SELECT state, amount FROM holds WHERE job_id = $1"
    await eventually(lambda: pool.fetchval(hold, str(row["id"])), "captured")
    assert (await pool.fetchrow(hold, str(row["id"])))["amount"] == parse_rub(measured)
    assert await wallet.balance(ANNA) == before - parse_rub(measured)


async def test_a_recording_of_unreadable_length_or_too_long_is_refused(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await open_omnihuman(chat)
    await until_asked(chat, ASK_AUDIO)
    await chat.send_audio(b"ID3" + b"\x00" * 2000, "voice.mp3", duration=1)  # no length in it
    chat.expect("Не удалось определить длительность записи")
    await chat.send_audio(wav(31), "voice.wav", duration=1)  # OmniHuman takes at most 30 s
    chat.expect("Слишком длинная запись: не больше 30 с.")
    await chat.send_audio(wav(0.5), "voice.wav", duration=0)
    assert ASK_AUDIO not in chat.screen  # accepted: the form moved on
    assert await pool.fetchval("SELECT count(*) FROM jobs") == 0


async def test_a_photo_over_the_cap_is_refused_when_telegram_states_no_size(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, sandbox = bot
    chat = under_test.chat(ANNA)
    await open_omnihuman(chat)
    await until_asked(chat, "Пришлите картинк")  # OmniHuman's portrait: at most 10 MB
    huge = padded_png(60 * MB)
    await chat.send_photo(huge, "portrait.png", state_size=False)
    chat.expect("Файл слишком большой: не больше 10 МБ.")
    stored = next(f for f in under_test.emulator.state.files._by_id.values() if f.size == len(huge))
    assert not stored.size_stated and 0 < stored.served < len(huge)  # stopped, not read in full
    assert sandbox.count(Endpoint.UPLOAD) == 0
    await chat.send_photo(png(), "portrait.png", state_size=False)
    assert "Пришлите картинк" not in chat.screen


async def test_a_receipt_that_is_not_a_picture_or_a_pdf_is_refused_and_never_shown(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    await Wallet(pool).set_setting("bank_details", "р/с 40702810000000000001", 9001)
    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    await anna.send("1500")
    for disguised in (exe(), zip_archive(), svg()):
        await anna.send_document(disguised, "receipt.png", "image/png")
        anna.expect("Чек принимается только картинкой")
    assert await pool.fetchval("SELECT count(*) FROM receipts") == 0
    assert not any("Новый чек" in m.content for m in under_test.emulator.bot_messages(ADMIN_ID))
    await anna.send_document(png(), "receipt.png", "image/png")
    anna.expect("на проверку")
    assert await pool.fetchval("SELECT count(*) FROM receipts") == 1
