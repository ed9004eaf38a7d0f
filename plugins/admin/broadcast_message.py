"""What a broadcast looks like to one recipient, and how it is sent (the preview and the worker
send it the same way).

A button leads to a screen of the bot or to an https URL. A screen button's callback data is
``bc:<key>``, a key of ``SCREENS``: the broadcast plug-in declares those screens, so the linter
checks they exist and take no arguments, and a forged key opens nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from engine.loader.bundle import Bundle
from engine.telegram.html_fit import fit_html
from engine.text_units import CAPTION_LIMIT, MESSAGE_LIMIT
from plugins.admin.broadcast_store import Broadcast

if TYPE_CHECKING:
    from aiogram import Bot

PRESS_PREFIX = "bc:"
ScreenKey = Literal["main", "catalog", "recipes", "wallet", "help"]
#: where a screen button leads: the key stored with the broadcast → the flows' screen
SCREENS: dict[str, str] = {
    "main": "main.start",
    "catalog": "catalog.all",
    "recipes": "recipes.list",
    "wallet": "wallet.balance",
    "help": "help.index",
}
LABEL_LIMIT = 40  # characters of a URL button's label


def screen_label_key(key: str) -> str:
    return f"admin.broadcast.target.{key}"


def valid_url(text: str) -> str | None:
    """An https URL with a host, or None."""
    url = text.strip()
    if any(c.isspace() for c in url) or len(url) > 512:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        return None
    return url


def parse_url_button(text: str) -> tuple[str, str] | None:
    """``Подробнее https://example.com/sale`` → (label, url); the URL is the last word."""
    words = text.split()
    if len(words) < 2:
        return None
    url = valid_url(words[-1])
    label = " ".join(words[:-1]).strip()
    if url is None or not label or len(label) > LABEL_LIMIT:
        return None
    return label, url


def keyboard(b: Broadcast, bundle: Bundle, language: str) -> list[list[dict[str, str]]]:
    if b.button_kind == "url":
        return [[{"text": b.button_label, "url": b.button_target}]]
    if b.button_kind == "screen" and b.button_target in SCREENS:
        label = bundle.render(screen_label_key(b.button_target), language, {})
        return [[{"text": label, "callback_data": PRESS_PREFIX + b.button_target}]]
    return []


async def send(bot: Bot, chat_id: int, b: Broadcast, bundle: Bundle, language: str) -> int:
    """Send the broadcast to one chat; Telegram's errors are the caller's to read."""
    from aiogram.enums import ParseMode
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    rows = keyboard(b, bundle, language)
    buttons = [
        [
            InlineKeyboardButton(text=b["text"], url=b.get("url"), callback_data=b.get("callback_data"))
            for b in row
        ]
        for row in rows
    ]
    markup = InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None
    if b.photo:
        caption = fit_html(b.text_html, CAPTION_LIMIT) or None
        message = await bot.send_photo(
            chat_id, b.photo, caption=caption, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    else:
        text = fit_html(b.text_html, MESSAGE_LIMIT)
        message = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    return message.message_id
