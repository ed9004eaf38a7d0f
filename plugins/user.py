"""The ``user`` namespace: settings a person changes about themselves (language)."""

from __future__ import annotations

from typing import Literal

from engine.plugin import CallContext, Plugin, PluginModel, action


class LanguageArgs(PluginModel):
    language: Literal["ru", "en"]


class UserPlugin(Plugin):
    namespace = "user"

    @action
    async def set_language(self, ctx: CallContext, args: LanguageArgs) -> None:
        """Switch the language of every following screen."""
        ctx.set_language(args.language)
