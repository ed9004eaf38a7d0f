"""Wire the built-in plug-ins to their dependencies: one place that knows who needs what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import asyncpg
from aiogram import Bot, Router
from aiohttp import web

from app.config import Config
from engine.loader.bundle import Bundle
from engine.plugin import Plugin
from plugins.catalog.plugin import CatalogPlugin
from plugins.generation.callbacks import callback_routes, callback_url
from plugins.generation.delivery import Delivery
from plugins.generation.inputs import InputBuilder
from plugins.generation.plugin import GenerationPlugin, money_settlers
from plugins.generation.runner import JobRunner
from plugins.generation.store import JobStore
from plugins.integrations.kie.client import KieClient
from plugins.payments.plugin import PaymentsPlugin
from plugins.payments.router import payments_router
from plugins.user import UserPlugin
from plugins.wallet.plugin import WalletPlugin


class Service(Protocol):
    """Something that runs beside the bot (the job runner) until stopped."""

    async def run(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class PluginKit:
    plugins: list[Plugin]
    services: list[Service] = field(default_factory=list)
    routes: list[web.RouteDef] = field(default_factory=list)
    routers: list[Router] = field(default_factory=list)   # run before the flows' router
    closers: list[Any] = field(default_factory=list)   # async callables run at shutdown


def build_plugins(*, bundle: Bundle, pool: asyncpg.Pool, bot: Bot, kie_url: str,
                     kie_key: str, config: Config | None = None, kie_upload_url: str | None = None,
                     admin_ids: frozenset[int] = frozenset(),
                     runner_options: dict[str, Any] | None = None, **_: Any) -> PluginKit:
    client = KieClient(kie_key, base_url=kie_url, upload_url=kie_upload_url or kie_url)
    wallet_plugin = WalletPlugin(pool)
    wallet = wallet_plugin.wallet
    store = JobStore(pool)

    delivery = Delivery(bot, client, bundle)
    on_success, on_failure = money_settlers(wallet)
    public_url = str(config.public_url) if config and config.public_url else None
    secret = (config.kie_callback_secret.get_secret_value()
              if config and config.kie_callback_secret else None)
    hmac_key = (config.kie_webhook_hmac_key.get_secret_value()
                if config and config.kie_webhook_hmac_key else None)
    make_url = ((lambda job: callback_url(public_url, secret, job))
                if public_url and secret else None)
    options = dict(runner_options or {})
    if config is not None:
        options.setdefault("lease", timedelta(seconds=config.job_lease_seconds))
    runner = JobRunner(store, client, InputBuilder(bot, client), delivery, bundle,
                       settle_success=on_success, settle_failure=on_failure,
                       callback_url=make_url, **options)
    generation = GenerationPlugin(bundle, store, wallet, wake=runner.wake)
    routes = callback_routes(store, runner, secret, hmac_key) if secret else []
    catalog = CatalogPlugin(bundle, wallet)
    payments = PaymentsPlugin(bundle, bot, wallet, admin_ids)
    return PluginKit([UserPlugin(), wallet_plugin, payments, catalog, generation],
                     routers=[payments_router(bundle, wallet)], services=[runner], routes=routes,
                     closers=[client.close])
