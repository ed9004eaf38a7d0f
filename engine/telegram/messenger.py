"""The Messenger seam implemented over aiogram's Bot: HTML texts, inline keyboards, media.

Every text is fitted to Telegram's limits first (engine.telegram.html_fit), so a long screen
arrives shortened rather than refused.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from engine.runtime.view import View
from engine.telegram.html_fit import fit_html
from engine.text_units import ANSWER_LIMIT, CAPTION_LIMIT, MESSAGE_LIMIT, shorten

log = logging.getLogger(__name__)


def markup(view: View) -> InlineKeyboardMarkup | None:
    if not view.keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data, url=b.url) for b in row]
            for row in view.keyboard
        ]
    )


class _SendMedia(Protocol):
    """What ``Bot.send_photo``, ``send_video`` … have in common (the media comes second,
    under a different name in each)."""

    async def __call__(
        self,
        chat_id: int,
        media: str | FSInputFile,
        /,
        *,
        caption: str,
        parse_mode: str,
        reply_markup: InlineKeyboardMarkup | None,
    ) -> Message: ...


def _media_file(source: str, shipped: Path | None) -> str | FSInputFile:
    """A file shipped with the project (under ``shipped``, e.g. a recipe's picture) is uploaded;
    anything else is a URL or a Telegram file id — never another file of this machine."""
    path = Path(source)
    if shipped is None or not path.is_absolute():
        return source
    path = path.resolve()
    return FSInputFile(path) if path.is_relative_to(shipped) and path.is_file() else source


class AiogramMessenger:
    def __init__(self, bot: Bot, shipped_media: Path | None = None) -> None:
        self.bot = bot
        self.shipped_media = shipped_media.resolve() if shipped_media else None

    async def answer_press(self, callback_id: str, text: str | None = None) -> None:
        try:
            await self.bot.answer_callback_query(
                callback_id, text=shorten(text, ANSWER_LIMIT) if text else None
            )
        except TelegramBadRequest as exc:  # too old: the user still gets the screen we send
            log.info("callback %s not answered: %s", callback_id, exc.message)

    async def send(self, chat_id: int, view: View) -> int:
        reply_markup = markup(view)
        media = view.media
        if media is None:
            message = await self.bot.send_message(
                chat_id,
                fit_html(view.text, MESSAGE_LIMIT),
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup,
            )
            return message.message_id
        caption = fit_html(view.text, CAPTION_LIMIT)
        senders: dict[str, _SendMedia] = {
            "photo": self.bot.send_photo,
            "video": self.bot.send_video,
            "animation": self.bot.send_animation,
            "audio": self.bot.send_audio,
            "voice": self.bot.send_voice,
            "document": self.bot.send_document,
        }
        send = senders.get(media.kind, self.bot.send_document)
        message = await send(
            chat_id,
            _media_file(media.source, self.shipped_media),
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup,
        )
        return message.message_id

    async def edit(self, chat_id: int, message_id: int, view: View) -> bool:
        if view.media is not None:
            return False
        try:
            await self.bot.edit_message_text(
                fit_html(view.text, MESSAGE_LIMIT),
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(view),
            )
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return True
            log.info("cannot edit message %s: %s", message_id, exc.message)
            return False
        return True
