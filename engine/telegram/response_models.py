"""Keep aiogram's parametrised ``Response[T]`` models alive for the life of the process.

aiogram validates every Bot API reply as ``Response[<the method's result type>]``. pydantic
keeps parametrised generic models in a weak-value cache, and these classes sit in reference
cycles, so every full garbage collection frees them and the next reply builds one again —
about a millisecond of CPU each, tens of times a minute under load, at random moments.
Holding one reference to each turns that into the cache lookup it was meant to be.

A bot holds each as its first call needs it (``hold_as_used``): a process uses a dozen of the
41 result types, and building them all at start cost 0.1 s and 2 MB. A benchmark that wants
none built while it measures holds them all up front (``hold_response_models``).
"""

from __future__ import annotations

from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods.base import Response, TelegramMethod, TelegramType

_HELD: dict[Any, type] = {}


def _hold(result: Any) -> None:
    if result not in _HELD:
        _HELD[result] = Response[result]


class _HoldAsUsed(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        _hold(method.__returning__)  # before the reply: aiogram's own lookup then finds it
        return await make_request(bot, method)


def hold_as_used(bot: Bot) -> None:
    """Hold ``Response[T]`` for each result type from the bot's first call that returns it;
    idempotent."""
    if not any(isinstance(m, _HoldAsUsed) for m in bot.session.middleware):
        bot.session.middleware(_HoldAsUsed())


def hold_response_models() -> int:
    """Build and hold ``Response[T]`` for every Bot API method's result type now; idempotent.

    Returns how many are held.
    """
    for method in vars(aiogram.methods).values():
        if (
            isinstance(method, type)
            and issubclass(method, TelegramMethod)
            and method is not TelegramMethod
            and hasattr(method, "__returning__")
        ):
            _hold(method.__returning__)
    return len(_HELD)
