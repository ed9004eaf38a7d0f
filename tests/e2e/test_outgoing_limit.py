"""The bot's outgoing rate limit through the emulator: a burst of 200 sends to one chat keeps
to the per-chat rate, a 429 in the middle is waited out and retried without anyone seeing it,
and a user pressing on during a 429 still gets the answer."""

from __future__ import annotations

import asyncio

import asyncpg

from engine.telegram.pace import SendLimits
from tests.support.telegram import running_bot

ANNA, BORIS = 1001, 1002
CHAT_RATE, BURST = 40.0, 3  # faster than Telegram's 1 a second, so the test takes seconds
LIMITS = SendLimits(rate=None, chat_rate=CHAT_RATE, chat_burst=BURST)


async def test_a_burst_to_one_chat_keeps_its_rate_and_a_429_is_invisible(pool: asyncpg.Pool) -> None:
    async with running_bot(pool, send_limits=LIMITS) as bot:
        emulator = bot.emulator
        await bot.chat(ANNA).send("/start")
        emulator.inject_error(
            "sendMessage", "Too Many Requests: retry after 1", error_code=429, retry_after=1, after=50
        )
        # as a plug-in sends: plain bot.send_message, all at once; none of them raises
        await asyncio.gather(*(bot.bot.send_message(ANNA, f"burst {i}") for i in range(200)))

        burst = [
            c for c in emulator.calls("sendMessage") if str(c.params.get("text", "")).startswith("burst")
        ]
        sent = [c for c in burst if c.ok]
        assert sorted(c.params["text"] for c in sent) == sorted(f"burst {i}" for i in range(200))
        shown = [m for m in emulator.bot_messages(ANNA) if m.content.startswith("burst")]
        assert len(shown) == 200  # each arrived once; the refused one was sent again

        refused = [c for c in burst if not c.ok]
        assert len(refused) == 1
        after = [c.at for c in sent if c.at > refused[0].at]
        assert min(after) - refused[0].at >= 1.0  # retry_after obeyed by every send

        times = sorted(c.at for c in sent)
        for i, start in enumerate(times):  # any second holds at most the rate and the burst
            in_window = sum(1 for t in times[i:] if t - start < 1.0)
            # (arrival times, measured at the emulator, carry the event loop's jitter: 10 %)
            assert in_window <= CHAT_RATE * 1.1 + BURST, (start, in_window)
        assert times[-1] - times[0] >= (200 - BURST) / CHAT_RATE * 0.95


async def test_a_user_answered_during_a_429_sees_only_the_answer(pool: asyncpg.Pool) -> None:
    async with running_bot(pool, send_limits=LIMITS) as bot:
        emulator = bot.emulator
        boris = bot.chat(BORIS)
        emulator.inject_error(
            "sendMessage", "Too Many Requests: retry after 1", error_code=429, retry_after=1
        )
        await boris.send("/start")
        boris.expect("Hi, Boris!")
        assert len(emulator.calls("sendMessage", ok=False)) == 1
        assert bot.runtime.stats.get("errors", 0) == 0
        assert len(emulator.bot_messages(BORIS)) == 1
