"""Messages to the staff about the bot itself (a model taken off, Kie.ai's credits low or run
out): the one way the bot tells its staff, each in their own language. Whoever calls decides
that it is said once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import asyncpg

from engine.loader.bundle import Bundle
from plugins.admin.roles import Role, RoleBook, passes

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot

log = logging.getLogger(__name__)


class StaffAlerts:
    def __init__(self, pool: asyncpg.Pool, bundle: Bundle, bot: Bot, roles: RoleBook) -> None:
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.roles = roles

    async def __call__(
        self,
        key: str,
        params: dict[str, Any] | Callable[[str], dict[str, Any]],
        guard: Role = Role.ADMIN,
    ) -> None:
        """Tell every staff member passing ``guard``; ``params`` may be a function of the
        reader's language (figures written as each reads them)."""
        await self.roles.refresh()  # a role given on another instance a moment ago counts
        staff = [user for user, role in self.roles.staff() if passes(role, guard)]
        rows = await self.pool.fetch("SELECT user_id, language FROM sessions WHERE user_id = ANY($1)", staff)
        languages: dict[int, str | None] = {r["user_id"]: r["language"] for r in rows}
        for user in staff:
            language = str(languages.get(user) or "ru")
            text = self.bundle.render(key, language, params(language) if callable(params) else params)
            try:
                await self.bot.send_message(user, text, parse_mode="HTML")
            except Exception:  # one admin who blocked the bot must not keep the others uninformed
                log.warning("staff member %s could not be told (%s)", user, key)
