"""The built-in plug-ins. Only namespaces with something real behind them are listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from engine.plugin import Plugin, PluginSet
from engine.plugins.catalog.plugin import CatalogPlugin
from engine.plugins.generation.plugin import GenerationPlugin
from engine.plugins.payments.plugin import PaymentsPlugin
from engine.plugins.user import UserPlugin
from engine.plugins.wallet.plugin import WalletPlugin

if TYPE_CHECKING:  # the linter imports this module: keep aiogram and aiohttp out of its way
    from aiogram import Router
    from aiohttp import web

BUILTIN: tuple[type[Plugin], ...] = (UserPlugin, WalletPlugin, PaymentsPlugin, CatalogPlugin,
                                        GenerationPlugin)


def builtin_declarations() -> PluginSet:
    """Declarations only, for the linter and the graph: nothing is connected or started."""
    return PluginSet([cls.declarations() for cls in BUILTIN])


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


def build_plugins(**deps: Any) -> PluginKit:
    """The running plug-ins, given what they depend on (bundle, pool, bot, Kie.ai, config)."""
    from engine.plugins.assembly import assemble_plugins

    return assemble_plugins(**deps)
