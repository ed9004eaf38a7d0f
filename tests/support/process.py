"""`python main.py` as a separate process, pointed at local services, for crash tests."""

from __future__ import annotations

import asyncio
import os
import sys

from emulators.telegram.server import TelegramEmulator
from tests.conftest import PROJECT_ROOT


async def start_bot_process(emulator: TelegramEmulator, dsn: str, **env: str) -> asyncio.subprocess.Process:
    """Start the bot and wait until it polls the emulator (it clears the webhook first)."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_URL": dsn,
        "HTTP_PORT": "0",
        **env,
    }
    ready = len(emulator.calls("deleteWebhook"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await emulator.wait_for(lambda: len(emulator.calls("deleteWebhook")) > ready, timeout=60)
    return process
