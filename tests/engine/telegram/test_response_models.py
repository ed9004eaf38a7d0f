"""Reply models held: a full garbage collection no longer makes the next reply rebuild one."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods import AnswerCallbackQuery, EditMessageText, GetMe, SendMessage
from aiogram.methods.base import Response

from emulators.telegram.server import TelegramEmulator
from engine.telegram.response_models import hold_as_used, hold_response_models


def reply_model(method: type) -> type:
    """What aiogram builds for each reply (inside a function, as its session does)."""
    return Response[method.__returning__]  # type: ignore[attr-defined,name-defined]


def test_reply_models_survive_a_full_collection() -> None:
    held = hold_response_models()
    assert held > 30  # every Bot API result type
    methods = (SendMessage, EditMessageText, AnswerCallbackQuery)
    models = [weakref.ref(reply_model(m)) for m in methods]
    gc.collect()
    assert all(model() is not None for model in models)  # unheld, these would be gone
    assert [reply_model(m) for m in methods] == [model() for model in models]
    assert hold_response_models() == held  # idempotent: nothing built twice


async def test_a_bot_holds_the_reply_models_of_the_calls_it_makes() -> None:
    async with TelegramEmulator() as emulator:
        bot = emulator.make_bot()
        hold_as_used(bot)
        hold_as_used(bot)  # idempotent: one middleware
        try:
            await bot.get_me()
            await bot.send_message(1001, "hello")
        finally:
            await bot.session.close()
    assert len(list(bot.session.middleware)) == 1
    models = [weakref.ref(reply_model(m)) for m in (GetMe, SendMessage)]
    gc.collect()
    assert all(model() is not None for model in models)
