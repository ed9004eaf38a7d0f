"""Which chats and commands are the bot's own: private chats, and commands not addressed to
another bot.

Screens show a user's balance, receipts and, to admins, other people's payments: none of it
may appear in a group or a channel. In a group Telegram delivers ``/cmd@somebot`` to every bot
there, and a user may even type ``/start@otherbot`` in our private chat; only a bare command or
one addressed to us is ours.
"""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message


def command_target(text: str | None) -> str | None:
    """For a command, the bot it names (``""`` when it names none); None for anything else."""
    if not text or not text.startswith("/"):
        return None
    head = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
    _, _, target = head.partition("@")
    return target


def addressed_to(text: str | None, username: str) -> bool:
    """A command that names no bot, or names ``username`` (Telegram usernames ignore case)."""
    target = command_target(text)
    return target is not None and (not target or target.lower() == username.lower())


async def bot_username(event: Message | CallbackQuery) -> str:
    """This bot's username (aiogram asks getMe once and keeps the answer)."""
    bot = event.bot
    if bot is None:
        return ""
    return (await bot.me()).username or ""
