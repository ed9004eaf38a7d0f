"""The local default: the Telegram emulator with its web chat and the Kie.ai sandbox.

``python main.py`` with no secrets starts these next to the bot, so a newcomer, a product
editor or a test sees the whole product without a Telegram account or a Kie.ai key.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.config import Config
from app.reload import PreviewReloader, Reloader
from emulators.kie.sandbox import KieSandbox
from emulators.kie.state import Latency
from emulators.telegram.preview import Finding
from emulators.telegram.server import TelegramEmulator
from engine.graph_svg import screens_html, to_svg
from engine.loader.errors import Problem
from engine.plugin import PluginSet
from engine.runtime.incoming import Person
from engine.runtime.interpreter import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalTelegram:
    token: str
    api_url: str
    admin_ids: frozenset[int]
    emulator: TelegramEmulator


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
    return LocalTelegram(emulator.token, emulator.base_url, admins, emulator)


async def start_local_kie(config: Config, stack: AsyncExitStack) -> LocalKie:
    sandbox = KieSandbox(port=config.local_kie_port, credits=Decimal(100_000), latency=Latency.total(4.0))
    await sandbox.start()
    stack.push_async_callback(sandbox.stop)
    print(f"  Kie.ai sandbox (no KIE_API_KEY): {sandbox.base_url}\n", flush=True)
    return LocalKie(sandbox.base_url, sandbox.api_key)


def preview_reloader(
    root: Path, declarations: PluginSet, emulator: TelegramEmulator | None
) -> PreviewReloader:
    """Hot reload of the flows; with the local web chat, problems show there as a banner, the
    flow graph is served there, and open chats are redrawn from the new flows."""

    def show_problems(problems: list[Problem]) -> None:
        if emulator is not None:
            emulator.preview.show_problems([Finding(p.code, str(p.location), p.message) for p in problems])

    async def started(runtime: Runtime, reloaded: bool) -> None:
        if emulator is None:
            return
        bundle = runtime.bundle
        svg, listing = await asyncio.to_thread(lambda: (to_svg(bundle), screens_html(bundle)))
        if not reloaded:
            emulator.preview.set_graph(svg, listing)
            return
        emulator.preview.reloaded(svg, listing)
        await redraw_open_chats(emulator, runtime)

    print("  Hot reload: saving flows/, locales/ or models/ updates the open chats\n", flush=True)
    return PreviewReloader(Reloader(root, declarations, show_problems), started)


async def redraw_open_chats(emulator: TelegramEmulator, runtime: Runtime) -> None:
    """Edit every emulated user's last screen in place with the reloaded flows, so the editor
    sees the change without pressing anything. A chat whose last message from the bot is not
    a text screen (a result, a file) is left as it is: its next press is answered as usual."""
    for user in emulator.users:
        messages = emulator.bot_messages(user.id)
        if not messages or messages[-1].media_kind is not None or messages[-1].text is None:
            continue
        person = Person(
            id=user.id, first_name=user.first_name, username=user.username, language_code=user.language_code
        )
        await runtime.refresh(person, user.id, edit=messages[-1].message_id)
