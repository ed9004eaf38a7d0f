"""The local default: the Telegram emulator with its web chat and the Kie.ai sandbox.

``python main.py`` with no secrets starts these next to the bot, so a newcomer, a product
editor or a test sees the whole product without a Telegram account or a Kie.ai key.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from decimal import Decimal

from app.config import Config
from emulators.kie.sandbox import KieSandbox
from emulators.kie.state import Latency
from emulators.telegram.server import TelegramEmulator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalTelegram:
    token: str
    api_url: str
    admin_ids: frozenset[int]


@dataclass(frozen=True)
class LocalKie:
    api_url: str
    api_key: str


async def start_local_telegram(config: Config, stack: AsyncExitStack) -> LocalTelegram:
    emulator = TelegramEmulator(port=config.local_chat_port)
    await emulator.start()
    stack.push_async_callback(emulator.stop)
    admins = frozenset(u.id for u in emulator.users if u.is_admin)
    users = ", ".join(f"{u.first_name} {u.id}" for u in emulator.users)
    print(
        f"\n  Open the web chat: {emulator.base_url}\n  (test users: {users}; admin: "
        f"{', '.join(str(a) for a in sorted(admins))})\n",
        flush=True,
    )
    return LocalTelegram(emulator.token, emulator.base_url, admins)


async def start_local_kie(config: Config, stack: AsyncExitStack) -> LocalKie:
    sandbox = KieSandbox(port=config.local_kie_port, credits=Decimal(100_000), latency=Latency.total(4.0))
    await sandbox.start()
    stack.push_async_callback(sandbox.stop)
    print(f"  Kie.ai sandbox (no KIE_API_KEY): {sandbox.base_url}\n", flush=True)
    return LocalKie(sandbox.base_url, sandbox.api_key)
