"""Broadcasts put together for the composition root: the plug-in, its worker (a service) and the
router that keeps an admin's message as Telegram formatted it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
from aiogram import Bot, Router
from aiogram.types import Message, TelegramObject

from engine.loader.bundle import Bundle
from engine.telegram.pace import SendPace
from plugins.admin.broadcast_store import BroadcastStore
from plugins.admin.broadcast_worker import BroadcastWorker
from plugins.admin.broadcasts import BroadcastPlugin, Captures
from plugins.admin.roles import Role, RoleBook, passes
from plugins.wallet.settings import WalletSettings


@dataclass
class Broadcasts:
    plugin: BroadcastPlugin
    worker: BroadcastWorker
    router: Router


def capture_router(captures: Captures, roles: RoleBook) -> Router:
    """Before the flows see an admin's message, keep its HTML (entities as tags) and its
    picture: the flows' input is plain text, a broadcast keeps the formatting. It answers
    nothing itself; the update goes on to the flows."""
    router = Router(name="broadcast-capture")

    async def keep(
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if (
            isinstance(event, Message)
            and event.from_user is not None
            and passes(roles.role_of(event.from_user.id), Role.ADMIN)
            and not (event.text or "").startswith("/")
            and (event.text is not None or event.photo)
        ):
            photo = event.photo[-1].file_id if event.photo else None
            captures.keep(event.from_user.id, event.html_text if (event.text or event.caption) else "", photo)
        return await handler(event, data)

    router.message.outer_middleware(keep)
    return router


def broadcasts(
    pool: asyncpg.Pool,
    bundle: Bundle,
    bot: Bot,
    roles: RoleBook,
    pace: SendPace,
    *,
    lease: timedelta = timedelta(seconds=30),
    idle: float = 2.0,
    progress_every: float = 3.0,
    settings: Callable[[], Awaitable[WalletSettings]] | None = None,
) -> Broadcasts:
    """``settings``: where the worker reads the admins' ``broadcast_rate`` (the wallet's)."""
    store = BroadcastStore(pool)
    captures = Captures()
    plugin = BroadcastPlugin(store, bundle, bot, roles, captures)
    rate: Callable[[], Awaitable[float]] | None = None
    if settings is not None:
        read = settings

        async def rate() -> float:
            return float((await read()).broadcast_rate)

    worker = BroadcastWorker(
        store, bot, bundle, pace, lease=lease, idle=idle, progress_every=progress_every, rate=rate
    )
    plugin.worker = worker
    return Broadcasts(plugin, worker, capture_router(captures, roles))
