"""The ``admin`` namespace: roles as guards, and the console's queries and actions.

Every action names the guard it needs (the runtime refuses anyone else, and the linter
refuses a flow that calls it from a screen without that guard); each action that changes
something also asks the roles table itself, so a stale cache never grants a power.

The operations are grouped by concern in mixins (``plugin_users``, ``plugin_balance``,
``plugin_dashboard``, ``plugin_roles``, ``plugin_audit``); this class composes them, so
they all stay in one namespace and keep their names (``admin.user_card``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg

from engine.loader.bundle import Bundle
from engine.plugin import GuardCheck, Plugin
from plugins.admin.audit_view import TEXTS as AUDIT_TEXTS
from plugins.admin.console import Console
from plugins.admin.kie_alert import KieBalance
from plugins.admin.plugin_audit import AuditOps
from plugins.admin.plugin_balance import BalanceOps
from plugins.admin.plugin_dashboard import DashboardOps
from plugins.admin.plugin_roles import RoleOps
from plugins.admin.plugin_users import UserOps
from plugins.admin.roles import GUARD_IMPLIES, Role, RoleBook, passes
from plugins.admin.users import Directory
from plugins.admin.views import CARD_SCREEN
from plugins.admin.watch import BlockList
from plugins.wallet.service import Wallet

if TYPE_CHECKING:  # the linter imports the plug-ins: keep aiogram out of its way
    from aiogram import Bot
    from aiogram.types import Message

    from engine.runtime.interpreter import Runtime

ADMIN_TEXTS: dict[str, dict[str, Any]] = {
    "admin.alerts.model_paused": {"model": str, "failures": int, "minutes": int},
    "admin.alerts.no_credits": {"model": str, "failures": int, "minutes": int},
    "admin.error.forbidden": {},
    "admin.error.not_found": {},
    "admin.error.amount_invalid": {},
    "admin.error.zero_amount": {},
    "admin.error.insufficient": {"balance": str},
    "admin.error.already_done": {},
    "admin.error.job_not_found": {},
    "admin.error.not_charged": {},
    "admin.error.already_refunded": {},
    "admin.error.cannot_block_staff": {},
    "admin.error.owner_is_configured": {},
    "admin.error.bot_blocked": {},
    "admin.error.reason_short": {},
    "admin.blocked_notice": {},
    "admin.message_to_user": {"text": str},
    "admin.forward_hidden": {},
    "admin.dashboard.chart.title": {},
    "admin.dashboard.chart.money": {},
    "admin.dashboard.chart.topups": {},
    "admin.dashboard.chart.spent": {},
    "admin.dashboard.chart.kie_cost": {},
    "admin.dashboard.chart.runs": {},
    "admin.dashboard.chart.caption": {"topups": str, "spent": str, "kie_cost": str, "runs": int},
    **AUDIT_TEXTS,
}


class AdminPlugin(UserOps, BalanceOps, DashboardOps, RoleOps, AuditOps, Plugin):
    namespace = "admin"
    texts = ADMIN_TEXTS
    guard_implies = GUARD_IMPLIES
    #: opened by a staff member's forwarded message
    screens: ClassVar[Mapping[str, Mapping[str, Any]]] = {CARD_SCREEN: {"user": int}}

    def __init__(
        self,
        pool: asyncpg.Pool,
        bundle: Bundle,
        bot: Bot,
        wallet: Wallet,
        roles: RoleBook,
        blocks: BlockList,
        kie_balance: KieBalance | None = None,
    ) -> None:
        self.kie_balance = kie_balance
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.wallet = wallet
        self.roles = roles
        self.blocks = blocks
        self.directory = Directory(pool)
        self.console = Console(pool, wallet, roles, self.directory)
        self.runtime: Runtime | None = None  # set once the interpreter exists (assembly)

    async def open_card(self, message: Message, user_id: int) -> None:
        """A staff member forwarded a message: show its author's card."""
        from engine.telegram.router import person  # aiogram: imported when a bot runs only

        assert self.runtime is not None and message.from_user is not None
        await self.runtime.open(person(message.from_user), message.chat.id, CARD_SCREEN, {"user": user_id})

    def guards(self) -> Mapping[str, GuardCheck]:
        def guard(role: Role) -> GuardCheck:
            return lambda ctx: passes(self.roles.role_of(ctx.user_id), role)

        return {role.value: guard(role) for role in Role}
