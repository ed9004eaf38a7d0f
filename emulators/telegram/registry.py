"""The table of Bot API methods; method modules register their handlers here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .params import Params

if TYPE_CHECKING:
    from .bot_api import BotApi

Handler = Callable[["BotApi", Params], Awaitable[Any]]

# lower-cased name -> (Telegram's spelling, handler); Telegram matches method names case-insensitively
METHODS: dict[str, tuple[str, Handler]] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register
