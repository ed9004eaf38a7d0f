"""Flood control through the emulator: a flood from one user is cut short with one note, and
another user is answered meanwhile."""

from __future__ import annotations

import asyncpg

from engine.telegram.flood import FloodLimit
from tests.support.telegram import running_bot

ANNA, BORIS = 1001, 1002
LIMIT = FloodLimit(rate=3, burst=12)  # the production default (app.config)
TOO_FAST = "Слишком быстро"


async def test_a_thousand_messages_are_not_all_answered_and_others_still_are(pool: asyncpg.Pool) -> None:
    async with running_bot(pool, flood=LIMIT) as bot:
        emulator = bot.emulator
        anna, boris = bot.chat(ANNA), bot.chat(BORIS)
        await anna.send("/start")
        for i in range(1000):
            await emulator.send_text(ANNA, f"flood {i}")
        await boris.send("/start")
        boris.expect("Hi, Boris!")
        await emulator.wait_for(lambda: not emulator.pending_updates, timeout=30)
        await emulator.wait_idle(quiet=0.3, timeout=30)
        replies = emulator.bot_messages(ANNA)
        notes = [m for m in replies if TOO_FAST in m.content]
        assert len(notes) == 1
        assert len(replies) < 100, f"{len(replies)} replies to a flood of 1,000"
        assert bot.runtime.stats["flood_dropped"] > 900


async def test_every_press_of_a_flood_is_answered_so_no_spinner_hangs(pool: asyncpg.Pool) -> None:
    async with running_bot(pool, flood=LIMIT) as bot:
        emulator = bot.emulator
        anna = bot.chat(ANNA)
        await anna.send("/start")
        data, menu = anna.callback_data("❓ Помощь"), anna.last.message_id
        queries = [await emulator.press_data(ANNA, data, menu) for _ in range(60)]
        answers = [await emulator.wait_callback_answer(q, timeout=20) for q in queries]
        assert sum(1 for a in answers if a.text and TOO_FAST in a.text) == 1
        await emulator.wait_idle(quiet=0.3, timeout=20)
        assert len(emulator.bot_messages(ANNA)) < 20
