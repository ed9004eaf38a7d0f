"""The built-in plug-ins. Only namespaces with something real behind them are listed."""

from __future__ import annotations

from engine.plugin import Plugin, PluginSet
from plugins.catalog import lint_rules  # noqa: F401  (registers the price rules)
from plugins.catalog.plugin import CatalogPlugin
from plugins.generation.plugin import GenerationPlugin
from plugins.payments.plugin import PaymentsPlugin
from plugins.user import UserPlugin
from plugins.wallet.plugin import WalletPlugin

BUILTIN: tuple[type[Plugin], ...] = (UserPlugin, WalletPlugin, PaymentsPlugin, CatalogPlugin,
                                        GenerationPlugin)


def builtin_declarations() -> PluginSet:
    """Declarations only, for the linter and the graph: nothing is connected or started."""
    return PluginSet([cls.declarations() for cls in BUILTIN])
