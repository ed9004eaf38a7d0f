"""A Suno song, then a follow-up under one of its tracks: the form opens with the track already
chosen (no question about ids), the summary shows the model's own price, the result arrives
and the money moves once. Lyrics arrive as text. Forged follow-up presses change nothing."""

from __future__ import annotations

import re

import asyncpg

from emulators.kie.sandbox import KieSandbox
from plugins.catalog.pricing import credits_for
from plugins.wallet.money import format_rub, parse_rub
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import BUNDLE, NEXT, answer_until_summary
from tests.support.telegram import BotUnderTest, Chat

ANNA, BORIS = 1001, 1002
AUDIO = "🎵 Аудио"
WAV = "ai-music-api/convert-to-wav-format"


async def refused(chat: Chat, data: str) -> str | None:
    """A press answered only on the button (a refusal sends no message); its answer text."""
    query_id = await chat.emulator.press_data(chat.user_id, data, chat.last.message_id)
    answer = await chat.emulator.wait_callback_answer(query_id, timeout=10)
    await chat.emulator.wait_idle(quiet=0.1, timeout=10)
    return answer.text


async def order(chat: Chat, model_name: str) -> int:
    """From the menu to a confirmed order; returns the price the summary showed (kopecks; 0 for
    a free run — lyrics are among the cheapest models)."""
    await chat.send("/start")
    await chat.press_containing(AUDIO, NEXT)
    await chat.press_containing(model_name, NEXT)
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)
    price = re.search(r"Стоимость: (.+?)(?:\n|$)", chat.screen)
    free = "🆓 Бесплатно" in chat.screen
    assert price or free, chat.screen
    await chat.press("✅ Подтвердить")
    return 0 if free or price is None else parse_rub(price.group(1))


async def test_wav_under_a_song_track_is_priced_confirmed_and_charged_once(
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
    assert "Продлить" in " ".join(chat.buttons())  # follow-ups are offered under the track
    song_task = next(t for t in sandbox.tasks.values() if t.model == "ai-music-api/generate")
    tracks = song_task.result["data"] if song_task.result else []

    await chat.press("💿 WAV")  # under the last track: track 2
    screen = chat.screen
    assert "Проверьте параметры" in screen and "Трек: №2" in screen, screen
    entry = BUNDLE.models[WAV].entry
    expected = format_rub(await wallet.price(credits_for(entry, {}, {})), "ru")
    assert f"Стоимость: {expected}" in screen, screen
    assert not any(b.startswith("✏️") and "Трек" in b for b in chat.buttons())
    await chat.press("✅ Подтвердить")
    await emulator.wait_for(
        lambda: sum("Заказ принят" in m.content for m in emulator.bot_messages(ANNA)) == 2
    )
    await emulator.wait_for(
        lambda: len([m for m in emulator.bot_messages(ANNA) if m.media_kind == "audio"]) == 3, timeout=20
    )
    assert sandbox.inputs(WAV) == [{"task_id": song_task.task_id, "audio_id": tracks[1]["id"]}]
    wav_price = parse_rub(expected)
    assert await wallet.balance(ANNA) == before - song_price - wav_price
    charged = await pool.fetchval("SELECT count(*) FROM jobs WHERE user_id = $1 AND settled", ANNA)
    assert charged == 2

    # Extend opens its form at its own first question, never at the track
    await chat.press("⏩ Продлить")
    assert "Трек" not in chat.screen.split("\n\n", 1)[-1], chat.screen
    assert "Задать продолжение самому" in chat.screen


async def test_lyrics_arrive_as_text_and_forged_follow_ups_are_refused(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, sandbox = bot
    emulator, anna, boris = under_test.emulator, under_test.chat(ANNA), under_test.chat(BORIS)
    await anna.send("/start")
    await order(anna, "Suno — тексты песен")
    lyrics = await emulator.wait_bot_message(ANNA, timeout=20, match=lambda m: "Вариант 1" in m.content)
    assert "Вариант 2" in lyrics.content and "[Chorus]" in lyrics.content
    assert "🔁 Ещё раз" in anna.buttons(lyrics)
    song_price = await order(anna, "Suno — музыка")
    assert song_price > 0
    await emulator.wait_for(
        lambda: len([m for m in emulator.bot_messages(ANNA) if m.media_kind == "audio"]) == 2, timeout=20
    )
    await emulator.wait_idle(quiet=0.1, timeout=10)
    wav_data = anna.callback_data("💿 WAV")
    song_hex = wav_data.split(":")[1]
    lyrics_job = await pool.fetchval(
        "SELECT id FROM jobs WHERE user_id = $1 AND model = 'ai-music-api/generate-lyrics'", ANNA
    )
    jobs_before = await pool.fetchval("SELECT count(*) FROM jobs")

    await boris.send("/start")
    seen = len(emulator.bot_messages(ANNA)), len(emulator.bot_messages(BORIS))
    assert await refused(boris, wav_data) == "No such generation."  # Anna's job (Boris: en)
    forged = wav_data.replace(song_hex, lyrics_job.hex)  # not a Suno song
    assert await refused(anna, forged) == "Это действие недоступно для этой генерации."
    no_track = wav_data[:-1] + "9"  # no track 10
    assert await refused(anna, no_track) == "Это действие недоступно для этой генерации."
    assert await refused(anna, "g:zzz:xq") == "Такой генерации нет."  # garbage
    assert (len(emulator.bot_messages(ANNA)), len(emulator.bot_messages(BORIS))) == seen
    assert await pool.fetchval("SELECT count(*) FROM jobs") == jobs_before
    assert sandbox.create_calls(WAV) == 0
