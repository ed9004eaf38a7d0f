"""The ``news`` namespace: whether a user receives broadcasts ("News and offers" in Settings).

Kept in ``users.news_opt_out``; the broadcasts' audience (plugins/admin/broadcast_store.py)
leaves out everyone who turned it off.
"""

from __future__ import annotations

import asyncpg
from pydantic import ConfigDict

from engine.plugin import CallContext, NoArgs, Plugin, PluginModel, action, query


class NewsArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool


class NewsState(PluginModel):
    on: bool


class NewsPlugin(Plugin):
    namespace = "news"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @query
    async def state(self, ctx: CallContext, args: NoArgs) -> NewsState:
        """Whether broadcasts reach this user (on unless they turned them off)."""
        off = await self.pool.fetchval("SELECT news_opt_out FROM users WHERE user_id = $1", ctx.user_id)
        return NewsState(on=not off)

    @action
    async def set(self, ctx: CallContext, args: NewsArgs) -> NewsState:
        """Turn news and offers on or off for this user."""
        await self.pool.execute(
            "INSERT INTO users (user_id, news_opt_out) VALUES ($1, $2)"
            " ON CONFLICT (user_id) DO UPDATE SET news_opt_out = $2",
            ctx.user_id,
            not args.enabled,
        )
        return NewsState(on=args.enabled)
