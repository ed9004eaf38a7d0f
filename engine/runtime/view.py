"""What a screen looks like once rendered, and the seam to whatever shows it to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ViewButton:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Media:
    kind: str  # photo, video, animation, document, audio
    source: str  # URL or Telegram file id


@dataclass(frozen=True)
class View:
    text: str
    keyboard: list[list[ViewButton]] = field(default_factory=list)
    media: Media | None = None


class Messenger(Protocol):
    """Shows views to a chat. The Telegram adapter implements it over aiogram's Bot."""

    async def answer_press(self, callback_id: str, text: str | None = None) -> None: ...

    async def send(self, chat_id: int, view: View) -> int:
        """Send a new message; returns its id."""
        ...

    async def edit(self, chat_id: int, message_id: int, view: View) -> bool:
        """Replace a message in place; False when Telegram cannot (then the caller sends)."""
        ...
