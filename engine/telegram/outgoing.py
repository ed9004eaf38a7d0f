"""The one place every Bot API send passes: a request middleware on the bot's session.

Whoever sends (the interpreter's replies, the job runner, a broadcast, a plug-in's own
``bot.send_message``), the call waits here for its turn in the bot's ``SendPace``. A 429 holds
the pace for its ``retry_after`` and the call is made again once it has passed, so a user never
sees Telegram's flood control as an error; only a bulk sender (a broadcast, which keeps its own
books of who got what) hears the 429 itself, after the hold is in place.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from engine.telegram.pace import Priority, SendLimits, SendPace, current_priority, take_prepaid

SENDS = ("send", "edit", "copy", "forward")  # Bot API methods that put a message in a chat
UNCHATTED = frozenset({"sendChatAction"})  # counted bot-wide, not against the chat's own rate
MAX_TRIES = 5  # a call answered 429 this many times in a row is given up (the error raised)


def counted(method: str) -> bool:
    return method.startswith(SENDS)


class PaceMiddleware(BaseRequestMiddleware):
    def __init__(self, pace: SendPace) -> None:
        self.pace = pace

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if not counted(name):
            return await make_request(bot, method)
        chat: Any = None if name in UNCHATTED else getattr(method, "chat_id", None)
        chat = chat if isinstance(chat, int | str) else None
        level = current_priority()
        prepaid = take_prepaid()
        for tries in range(1, MAX_TRIES + 1):
            if not prepaid:
                await self.pace.acquire(chat, level)
            prepaid = False
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.pace.hold(exc.retry_after)
                if level is Priority.BULK or tries == MAX_TRIES:
                    raise
        raise AssertionError("unreachable")


def install(bot: Bot, limits: SendLimits | None = None, **options: Any) -> SendPace:
    """The bot's pace, its middleware installed once however often plug-ins are rebuilt
    around the bot (a reload keeps the pace, and its queues, of the process)."""
    for middleware in bot.session.middleware:
        if isinstance(middleware, PaceMiddleware):
            return middleware.pace
    pace = SendPace(limits, **options)
    bot.session.middleware(PaceMiddleware(pace))
    return pace
