"""The built-in plug-ins. Only namespaces with something real behind them are listed."""

from __future__ import annotations

from typing import Any

from engine.plugin import Plugin, PluginSet
from engine.plugins.user import UserPlugin

BUILTIN: tuple[type[Plugin], ...] = (UserPlugin,)


def builtin_declarations() -> PluginSet:
    """Declarations only, for the linter and the graph: nothing is connected or started."""
    return PluginSet([cls.declarations() for cls in BUILTIN])


def build_plugins(**deps: Any) -> list[Plugin]:
    """The running plug-ins, given what they depend on (pool, bot, messenger, config …)."""
    del deps
    return [UserPlugin()]
