"""This bot as the engine's tools see it (named in pyproject.toml: ``[tool.engine] project``).

Imported by ``python -m engine lint``: the plug-in classes come in for their declarations, but
nothing that connects or starts (aiogram and aiohttp stay out of the way).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.plugin import Plugin, PluginSet
from engine.project import ExplorerDriverFactory, Project, ProjectCommand
from plugins.admin.broadcasts import BroadcastPlugin
from plugins.admin.models import ModelsPlugin
from plugins.admin.money import MoneyPlugin
from plugins.admin.plugin import AdminPlugin
from plugins.admin.settings_plugin import SettingsPlugin
from plugins.catalog.plugin import CatalogPlugin
from plugins.finding.plugin import FindingPlugin
from plugins.funnels.plugin import FunnelsPlugin
from plugins.generation.plugin import GenerationPlugin
from plugins.growth.plugin import GrowthPlugin
from plugins.news import NewsPlugin
from plugins.payments.plugin import PaymentsPlugin
from plugins.user import UserPlugin
from plugins.wallet.plugin import WalletPlugin

#: The built-in plug-ins. Only namespaces with something real behind them are listed.
BUILTIN: tuple[type[Plugin], ...] = (
    UserPlugin,
    WalletPlugin,
    PaymentsPlugin,
    CatalogPlugin,
    GenerationPlugin,
    FindingPlugin,
    AdminPlugin,
    ModelsPlugin,
    MoneyPlugin,
    SettingsPlugin,
    BroadcastPlugin,
    NewsPlugin,
    GrowthPlugin,
    FunnelsPlugin,
)


def builtin_declarations() -> PluginSet:
    """Declarations only, for the linter and the graph: nothing is connected or started."""
    return PluginSet([cls.declarations() for cls in BUILTIN])


@dataclass(frozen=True)
class BotProject:
    """The ``Project`` the engine's CLI loads: plug-ins, the catalog's price rules and commands."""

    lint_rules: tuple[str, ...] = (
        "plugins.catalog.lint_rules",
        "plugins.catalog.recipe_rules",
        "plugins.catalog.card_rules",
    )

    @property
    def commands(self) -> tuple[ProjectCommand, ...]:
        """The catalog's tooling (``python -m engine catalog``): imported only by the CLI."""
        from plugins.catalog import cli as catalog_cli

        return (catalog_cli.COMMAND,)

    @property
    def explorer_driver(self) -> ExplorerDriverFactory | None:
        """The bot over the emulators, for ``python -m engine explore`` (imported only then)."""
        from app.explore_driver import make_driver

        return make_driver

    def declarations(self) -> PluginSet:
        return builtin_declarations()


project: Project = BotProject()
