"""The ``user`` namespace: settings a person changes about themselves (language)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from engine.plugin import CallContext, Plugin, action


class LanguageArgs(BaseModel):
    language: Literal["ru", "en"]


class UserPlugin(Plugin):
    namespace = "user"

    @action
    async def set_language(self, ctx: CallContext, args: LanguageArgs) -> None:
        """Switch the language of every following screen."""
        ctx.set_language(args.language)
