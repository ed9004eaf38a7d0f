"""The Messenger seam implemented over aiogram's Bot: HTML texts, inline keyboards, media."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from engine.runtime.view import View

log = logging.getLogger(__name__)

ANSWER_LIMIT = 200
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def markup(view: View) -> InlineKeyboardMarkup | None:
    if not view.keyboard:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.text, callback_data=b.callback_data, url=b.url) for b in row]
        for row in view.keyboard])


class _SendMedia(Protocol):
    """What ``Bot.send_photo``, ``send_video`` … have in common (the media comes second,
    under a different name in each)."""

    async def __call__(self, chat_id: int, media: str | FSInputFile, /, *, caption: str, parse_mode: str,
                       reply_markup: InlineKeyboardMarkup | None) -> Message: ...


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _media_file(source: str) -> str | FSInputFile:
    """A file on this machine (a picture shipped with the project) is uploaded; anything else
    is a URL or a Telegram file id."""
    path = Path(source)
    return FSInputFile(path) if path.is_absolute() and path.is_file() else source


class AiogramMessenger:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def answer_press(self, callback_id: str, text: str | None = None) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=_fit(text, ANSWER_LIMIT)
                                                 if text else None)
        except TelegramBadRequest as exc:  # too old: the user still gets the screen we send
            log.info("callback %s not answered: %s", callback_id, exc.message)

    async def send(self, chat_id: int, view: View) -> int:
        reply_markup = markup(view)
        media = view.media
        if media is None:
            message = await self.bot.send_message(chat_id, _fit(view.text, TEXT_LIMIT),
                                                  parse_mode=ParseMode.HTML,
                                                  reply_markup=reply_markup)
            return message.message_id
        caption = _fit(view.text, CAPTION_LIMIT)
        senders: dict[str, _SendMedia] = {
            "photo": self.bot.send_photo, "video": self.bot.send_video,
            "animation": self.bot.send_animation, "audio": self.bot.send_audio,
            "voice": self.bot.send_voice, "document": self.bot.send_document,
        }
        send = senders.get(media.kind, self.bot.send_document)
        message = await send(chat_id, _media_file(media.source), caption=caption, parse_mode=ParseMode.HTML,
                             reply_markup=reply_markup)
        return message.message_id

    async def edit(self, chat_id: int, message_id: int, view: View) -> bool:
        if view.media is not None:
            return False
        try:
            await self.bot.edit_message_text(_fit(view.text, TEXT_LIMIT), chat_id=chat_id,
                                             message_id=message_id, parse_mode=ParseMode.HTML,
                                             reply_markup=markup(view))
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return True
            log.info("cannot edit message %s: %s", message_id, exc.message)
            return False
        return True
