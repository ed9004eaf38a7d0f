"""An update as the interpreter sees it: who, what kind, and what they sent or pressed.

The Telegram adapter builds these from aiogram objects, so the interpreter itself never
touches aiogram and can be driven in-process by tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel


class Kind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    FILE = "file"
    PRESS = "press"


class Person(BaseModel):
    id: int
    first_name: str = ""
    username: str | None = None
    language_code: str | None = None


class FileInfo(BaseModel):
    """A file the user sent: kept as Telegram's file id, never as a URL with the bot token."""

    kind: str  # photo, document, audio, voice, video
    file_id: str
    file_unique_id: str = ""
    mime_type: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    duration: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Incoming:
    kind: Kind
    person: Person
    chat_id: int
    text: str = ""  # message text, or the command without '/' and bot name
    command_args: str = ""
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None  # the message a pressed button was on
    file: FileInfo | None = None
    update_id: int | None = None  # Telegram's id of the update: the same when redelivered
