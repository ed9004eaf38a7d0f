"""What one user of the fleet does (tests/e2e/test_scale_out.py): a step is an action and what
the bot shows after it, waited for in that user's chat alone — under the load of hundreds of
users the emulator is never idle, so nothing waits for that."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from functools import partial

from emulators.telegram import TelegramEmulator
from emulators.telegram.state import StoredMessage
from plugins.wallet.money import parse_rub

WAIT = 90.0  # seconds one step may take under the whole load (a kill or a drain included)
#: a generation ordered from the menu: the first paid picture model, its form answered
TASK = "🖼 Картинки, баннеры, посты"
PROMPT = "маяк на закате, акварель"
STEPS = ("Выберите вариант", "Проверьте параметры")  # the form's screens after the prompt


def bot_texts(emulator: TelegramEmulator, user: int, since: int) -> list[str]:
    """What the bot sent or edited for ``user`` after ``since``, newest last."""
    found = [m for m in emulator.state.chats.get(user, {}).values() if m.from_bot and m.seq > since]
    return [m.text or m.caption or "" for m in sorted(found, key=lambda m: m.seq)]


async def shows(emulator: TelegramEmulator, user: int, since: int, fragment: str | None) -> None:
    """Wait until a bot message sent or edited after ``since`` shows ``fragment`` (any, if None)."""
    deadline = time.monotonic() + WAIT
    while True:
        texts = bot_texts(emulator, user, since)
        if any(fragment is None or fragment in text for text in texts):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"user {user} never saw {fragment!r}; saw: {texts!r}")
        await asyncio.sleep(0.02)


async def act(emulator: TelegramEmulator, user: int, steps: Sequence[tuple[str, str, str | None]]) -> None:
    for kind, what, fragment in steps:
        mark = emulator.mark()
        if kind == "send":
            await emulator.send_text(user, what)
        else:
            await emulator.press(user, what)
        await shows(emulator, user, mark, fragment)


def newest(
    emulator: TelegramEmulator, user: int, since: int, fragments: tuple[str, ...]
) -> StoredMessage | None:
    """The newest bot message sent or edited after ``since`` that shows one of ``fragments``."""
    found = [
        m
        for m in emulator.state.chats.get(user, {}).values()
        if m.from_bot and m.seq > since and any(f in (m.text or m.caption or "") for f in fragments)
    ]
    return max(found, key=lambda m: m.seq) if found else None


def buttons(message: StoredMessage | None) -> list[str]:
    markup = (message.reply_markup if message else None) or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def order(emulator: TelegramEmulator, user: int) -> int:
    """/start, pictures, the first paid model, its form answered, confirmed: the price shown."""
    await act(emulator, user, [("send", "/start", "Привет, "), ("press", TASK, "Выберите модель")])
    menu = newest(emulator, user, 0, ("Выберите модель",))
    model = next(b for b in buttons(menu) if "₽" in b and not b.startswith("🆓"))
    await act(emulator, user, [("press", model, "Цена: "), ("press", "▶️ Начать", "Напишите текст")])
    mark = emulator.mark()
    await emulator.send_text(user, PROMPT)
    while True:  # each further step of the form: a choice (the first option), until the summary
        screen: StoredMessage = await emulator.wait_for(partial(newest, emulator, user, mark, STEPS), WAIT)
        text = screen.text or ""
        if "Проверьте параметры" in text:
            break
        mark = emulator.mark()
        await emulator.press(user, buttons(screen)[0], screen.message_id)
    price = re.search(r"Стоимость: (.+?)(?:\n|$)", text)
    assert price, text
    await act(emulator, user, [("press", "✅ Подтвердить", "Заказ принят")])
    return parse_rub(price.group(1))
