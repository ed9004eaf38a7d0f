"""What every part of ``AdminPlugin`` shares: its state, the roles check and money/model names.

The operations live in mixins by concern (``plugin_users``, ``plugin_balance``,
``plugin_dashboard``, ``plugin_roles``, ``plugin_audit``); ``plugins.admin.plugin`` composes
them into the one ``admin`` namespace, so every operation keeps its name in the flows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext
from plugins.admin.console import Console
from plugins.admin.roles import Role, RoleBook, passes
from plugins.admin.users import Directory
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot


class AdminOps:
    """The state ``AdminPlugin.__init__`` sets, and the helpers its operations call."""

    pool: asyncpg.Pool
    bundle: Bundle
    bot: Bot
    wallet: Wallet
    roles: RoleBook
    directory: Directory
    console: Console

    async def _require(self, ctx: CallContext, role: Role) -> None:
        """The roles table's word, not the cache's: a revoked admin can do nothing."""
        if not passes(await self.roles.current(ctx.user_id), role):
            raise ActionError("admin.error.forbidden")

    def _money(self, kopecks: int, ctx: CallContext, *, signed: bool = False) -> str:
        return format_rub(kopecks, ctx.language, signed=signed)

    def _model_name(self, model: str, language: str) -> str:
        found = self.bundle.models.get(model)
        if found is None:
            return model
        return found.entry.name.en if language == "en" else found.entry.name.ru
