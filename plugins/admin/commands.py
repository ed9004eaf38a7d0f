"""Telegram's command menu per chat: everyone sees the commands of unguarded screens; a staff
member's chat also lists the commands of screens their role passes (``/admin``)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat

from engine.loader.bundle import LANGUAGES, Bundle
from plugins.admin.roles import Role, RoleBook, passes

log = logging.getLogger(__name__)


def menu(bundle: Bundle, language: str, role: Role | None) -> list[BotCommand]:
    """The commands one person sees: unguarded ones, and guarded ones their role passes."""
    commands = []
    for name, command in bundle.commands.items():
        description = command.command.description
        screen = bundle.screens.get(command.target)
        guard = screen.guard if screen else None
        if description is None:
            continue
        if guard is not None and not (guard in Role.__members__.values() and passes(role, Role(guard))):
            continue
        text = bundle.render(description, language, {})
        commands.append(BotCommand(command=name, description=text[:256]))
    return commands


class CommandMenus:
    def __init__(self, bot: Bot, bundle: Bundle, roles: RoleBook) -> None:
        self.bot = bot
        self.bundle = bundle
        self.roles = roles

    async def publish_for(self, user_id: int, role: Role | None) -> None:
        """Set (or, with no role, remove) the chat's own menu; private chat id = user id."""
        scope = BotCommandScopeChat(chat_id=user_id)
        try:
            for language in LANGUAGES:
                code = None if language == "ru" else language
                if role is None:
                    await self.bot.delete_my_commands(scope=scope, language_code=code)
                else:
                    await self.bot.set_my_commands(
                        menu(self.bundle, language, role), scope=scope, language_code=code
                    )
        except TelegramAPIError:  # a chat the bot never had: nothing to show there yet
            log.warning("could not set the command menu of chat %s", user_id)

    async def publish_staff(self) -> None:
        await self.roles.refresh()
        for user_id, role in list(self.roles.staff()):
            await self.publish_for(user_id, role)
