"""The console's parts put together for the composition root (app/assembly.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg
from aiogram import Bot, Router

from engine.loader.bundle import Bundle
from engine.runtime.interpreter import Runtime
from plugins.admin.commands import CommandMenus
from plugins.admin.kie_alert import KieBalance
from plugins.admin.plugin import AdminPlugin
from plugins.admin.roles import Role, RoleBook
from plugins.admin.router import admin_router
from plugins.admin.watch import BlockList, Watch
from plugins.wallet.service import Wallet


@dataclass
class AdminConsole:
    plugin: AdminPlugin
    roles: RoleBook
    watch: Watch
    router: Router
    menus: CommandMenus
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    def attach(self, runtime: Runtime) -> None:
        self.plugin.runtime = runtime

    def _role_changed(self, user_id: int, role: Role | None) -> None:
        """A role given or taken here: that chat's command menu follows at once."""
        task = asyncio.get_running_loop().create_task(self.menus.publish_for(user_id, role))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


def admin_console(
    pool: asyncpg.Pool,
    bundle: Bundle,
    bot: Bot,
    wallet: Wallet,
    owners: frozenset[int],
    kie_balance: KieBalance | None = None,
) -> AdminConsole:
    roles = RoleBook(pool, owners)
    blocks = BlockList(pool)
    plugin = AdminPlugin(pool, bundle, bot, wallet, roles, blocks, kie_balance)
    router = admin_router(bundle, roles, blocks, plugin.directory, plugin.open_card)
    console = AdminConsole(plugin, roles, Watch(roles, blocks), router, CommandMenus(bot, bundle, roles))
    roles.listeners.append(console._role_changed)
    return console
