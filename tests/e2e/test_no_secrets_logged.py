"""No credential in any log line or HTTP answer of the bot, with realistic secrets, at DEBUG.

The whole way of an order: the Telegram emulator with a real-looking bot token, the Kie.ai
sandbox with a real-looking key and webhook HMAC key, callbacks to the bot's HTTP server on a
path signed with the callback secret, plus the requests an outsider might try (a wrong
signature, a non-ASCII one, health and metrics). Every record of every logger counts, except
the emulators' own: they stand in for Telegram's and Kie.ai's servers, which know the secrets.
"""

from __future__ import annotations

import logging

import aiohttp
import asyncpg
import pytest
from pydantic import SecretStr

from app.config import Config
from emulators.kie.sandbox import KieSandbox
from emulators.telegram.server import TelegramEmulator
from plugins.generation.callbacks import path_signature
from plugins.generation.store import JobStore
from plugins.integrations.public_fetch import AddressPolicy
from tests.e2e.test_generation import NEXT, answer_until_summary, cheapest
from tests.support.telegram import running_bot
from tests.support.waiting import until

ANNA = 1001
BOT_TOKEN = "7412365890:AAHk3xQ9vZ2mPq7sLw4eR8tYu1iOp6aSdFg"
KIE_KEY = "kie_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
CALLBACK_SECRET = "cbsec_4d1f8a2b9c7e6f3a0b5d8e1c4f7a2b9c"
HMAC_KEY = "whsec_a7c3e9f1b5d2a8c4e0f6b3d9a1c7e5f2"


async def test_no_secret_in_any_log_line_or_answer(
    pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = Config(
        _env_file=None,
        kie_callback_secret=SecretStr(CALLBACK_SECRET),
        kie_webhook_hmac_key=SecretStr(HMAC_KEY),
    )
    answers: list[str] = []
    async with (
        KieSandbox(api_key=KIE_KEY, webhook_key=HMAC_KEY) as sandbox,
        running_bot(
            pool,
            kie_url=sandbox.base_url,
            kie_key=KIE_KEY,
            kie_upload_url=sandbox.upload_url,
            config=config,
            serve_http=True,
            emulator=TelegramEmulator(token=BOT_TOKEN),
            fetch_policy=AddressPolicy.allowing(sandbox.base_url),
            runner_options={"idle_sleep": 0.05, "poll_delay": lambda elapsed: 60.0},
        ) as bot,
    ):
        chat = bot.chat(ANNA)
        await chat.send("/start")
        await chat.press_containing("Картинки, баннеры", NEXT)
        await chat.press_containing(cheapest("images", "text-to-image"), NEXT)
        await chat.press("▶️ Начать")
        await answer_until_summary(chat)
        await chat.press("✅ Подтвердить")
        # polls are a minute apart: the callback is what gets the result here
        await bot.emulator.wait_for(
            lambda: any(m.media_kind for m in bot.emulator.bot_messages(ANNA)), timeout=20
        )
        await until(lambda: sandbox.callbacks_pending == 0, what="callbacks sent")
        assert sandbox.callbacks and all(c.status == 200 for c in sandbox.callbacks)

        task_id = next(iter(sandbox.tasks))
        job = await JobStore(pool).by_task(task_id)
        assert job is not None
        signature = path_signature(CALLBACK_SECRET, job.id.hex)
        base = bot.http_url
        async with aiohttp.ClientSession() as http:
            for method, path in [
                ("GET", "/health"),
                ("GET", "/metrics"),
                ("POST", f"/kie/callback/{job.id.hex}/{'0' * 32}"),
                ("POST", f"/kie/callback/{job.id.hex}/{'%D0%96' * 16}"),
                ("POST", f"/kie/callback/{job.id.hex}/{signature}"),  # no body, no HMAC
                ("POST", f"/kie/callback/{job.id.hex}/{signature}?token={BOT_TOKEN}"),
            ]:
                async with http.request(method, f"{base}{path}", data=b"{}") as response:
                    assert response.status < 500, path
                    answers.append(await response.text())
    webhook_signatures = [c.headers.get("X-Webhook-Signature", "") for c in sandbox.callbacks]
    secrets = {
        "bot token": BOT_TOKEN,
        "bot token secret": BOT_TOKEN.split(":", 1)[1],
        "Kie.ai key": KIE_KEY,
        "callback secret": CALLBACK_SECRET,
        "HMAC key": HMAC_KEY,
        "callback path signature": signature,
        **{f"webhook signature {i}": s for i, s in enumerate(webhook_signatures) if s},
    }
    ours = [r for r in caplog.records if not r.name.startswith("emulators")]
    lines = [logging.Formatter("%(name)s %(message)s").format(r) for r in ours]
    assert any(f"/kie/callback/{job.id.hex}/***" in line for line in lines), (
        "the access log was on and redacted the callback paths"
    )
    for name, secret in secrets.items():
        leaks = [line for line in lines if secret in line]
        assert not leaks, f"{name} in the log: {leaks[:3]}"
        assert not [a for a in answers if secret in a], f"{name} in an HTTP answer"
        sent = [m.content for m in bot.emulator.bot_messages(ANNA)]
        assert not [t for t in sent if secret in t], f"{name} sent to the user"
