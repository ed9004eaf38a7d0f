"""What the explorer needs from a running bot: the ``Driver`` protocol and what it returns.

A driver talks to a bot the way a Telegram user does (commands, texts, files, presses on a
given message) and reports what the user saw, plus what only the process knows: where the
runtime put the user, what the current screen accepts, and any internal error it logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class Gone(Exception):
    """The button to press is not on that message (any more): nothing was sent."""


@dataclass(frozen=True)
class Shown:
    """A bot message as the user sees it after an action (sent or edited by it)."""

    message_id: int
    text: str
    buttons: tuple[str, ...]  # labels of the buttons that send a press, in order
    other_labels: tuple[str, ...] = ()  # URL and pay buttons: shown, never pressed
    screen: str | None = None  # the flow screen it shows; None for a plug-in's message


@dataclass(frozen=True)
class Expectation:
    """What free input the user's screen accepts (``kind`` "buttons" when none)."""

    kind: str = "buttons"  # buttons, text, number, file, files
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    media: str | None = None  # image, audio, video for file steps


@dataclass(frozen=True)
class Place:
    """Where the runtime keeps the user after an action.

    ``roles`` names what each label of the screen's buttons does (back, cancel, confirm,
    answer, skip, done, edit, go, call …), so walks can find Back without reading labels.
    """

    screen: str | None = None
    model: str | None = None  # the model a form or a card is about
    step: str | None = None  # the form field asked, or SUMMARY
    expects: Expectation = field(default_factory=Expectation)
    roles: dict[str, str] = field(default_factory=dict)


SUMMARY = "summary"


@dataclass(frozen=True)
class Reply:
    shown: tuple[Shown, ...]  # messages sent or edited by the action, oldest first
    place: Place
    answered: bool = False  # a press got its callback answer
    answer: str | None = None  # that answer's text, if any
    incidents: tuple[str, ...] = ()  # internal errors the bot logged while handling it


class Driver(Protocol):
    """One running bot, many users; every call returns when the bot has finished reacting
    (including background work the action started, such as a generation)."""

    async def new_user(self, role: Role, language: str) -> int: ...

    def commands(self, role: Role) -> list[str]:
        """Commands worth sending as roots of exploration (``start`` first)."""
        ...

    async def command(self, user: int, name: str) -> Reply: ...

    async def text(self, user: int, text: str) -> Reply: ...

    async def upload(self, user: int, kind: str) -> Reply:
        """Send a small valid file: image, audio, video, document, or a sticker."""
        ...

    async def press(self, user: int, message_id: int, label: str) -> Reply:
        """Press the button with this label on that message; raises ``Gone`` if absent."""
        ...

    async def press_again(self, user: int) -> Reply:
        """The user's last press once more, same data, same message (a double tap)."""
        ...

    async def restart(self) -> None:
        """A new process: new runtime and sessions over the same database."""
        ...
