"""Bot API method handlers, grouped by concern; importing the package registers them all."""

from . import bot, media, messages, payments

__all__ = ["bot", "media", "messages", "payments"]
