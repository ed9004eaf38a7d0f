"""Per-user conversation state: what a session holds, how it is stored, and the store's seam.

Saving is optimistic: a session is written only if its version is still the one that was read.
Every rendered keyboard carries that version in its callback data, so a press on a keyboard
from before a newer save is recognised as stale rather than acted on.

``SessionStore`` is what the interpreter and the app need of a store; ``PgSessionStore``
(engine.runtime.pg_sessions) keeps sessions in PostgreSQL, ``MemorySessionStore``
(engine.runtime.memory_sessions) in a dict, for tests and diagnostics. Both store the row
``Session.as_row`` gives and read it back with ``Session.from_row``: a field is added there once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Frame:
    """A screen the user left for another, as it was: back returns to it unchanged."""

    screen: str
    args: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"screen": self.screen, "args": self.args, "state": self.state}


@dataclass
class Session:
    user_id: int
    chat_id: int
    language: str = "ru"
    screen: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    stack: list[Frame] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)
    rendered: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the screen's own state beside its args: ``pages`` of generated rows, ``entered``
    #: (results of its on_enter actions); kept on re-render, reset when a screen is entered
    state: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    is_new: bool = True
    loaded_version: int = 0

    MAX_STACK = 30

    def push(self) -> None:
        if self.screen is not None:
            self.stack.append(Frame(self.screen, self.args, self.state))
            del self.stack[: -self.MAX_STACK]

    def pop(self) -> Frame | None:
        return self.stack.pop() if self.stack else None

    def as_row(self) -> SessionRow:
        """The session as every store keeps it (see ``SESSION_COLUMNS``): encoded, so a copy
        that nothing done to this session later changes."""
        return (
            self.user_id,
            self.chat_id,
            self.language,
            self.screen,
            json.dumps(self.args),
            json.dumps([f.as_json() for f in self.stack]),
            json.dumps(self.form),
            json.dumps(self.rendered),
            json.dumps(self.state),
            self.version,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Session:
        """A stored session by column name (a dict of ``as_row``'s values, or a database
        record whose documents may come decoded already), loaded at its stored version."""

        def load(name: str) -> Any:
            value = row[name]
            return json.loads(value) if isinstance(value, str) else value

        return cls(
            user_id=row["user_id"],
            chat_id=row["chat_id"],
            language=row["language"],
            screen=row["screen"],
            args=load("args"),
            stack=[Frame(f["screen"], f["args"], f.get("state", {})) for f in load("stack")],
            form=load("form"),
            rendered=load("rendered"),
            state=load("state"),
            version=row["version"],
            is_new=False,
            loaded_version=row["version"],
        )


#: a session's stored columns, in the order of ``Session.as_row``'s values
SESSION_COLUMNS = (
    "user_id",
    "chat_id",
    "language",
    "screen",
    "args",
    "stack",
    "form",
    "rendered",
    "state",
    "version",
)

#: a session as stored: those columns' values, its documents already JSON-encoded
SessionRow = tuple[int, int, str, str | None, str, str, str, str, str, int]


class StaleSession(Exception):
    """Another update saved this session first; ours must not overwrite it."""


class SessionStore(Protocol):
    """Where sessions live between updates: what the interpreter and the app use of a store."""

    async def load(self, user_id: int, chat_id: int, language: str) -> Session:
        """The user's session as last saved (``chat_id`` is the chat of this update), or a new
        one (``is_new``) in ``language``. Changing it changes nothing stored until ``save``."""
        ...

    async def save(self, s: Session) -> None:
        """Store ``s`` if the stored version is still ``s.loaded_version`` (or, for a new
        session, if there is none), else raise ``StaleSession``; then ``s`` counts as loaded
        at ``s.version``."""
        ...

    async def remember_user(
        self, user_id: int, first_name: str, username: str | None, language: str | None
    ) -> None:
        """Note a person the bot has met (for admin screens and notifications)."""
        ...

    async def flush(self) -> None:
        """Return once every save made so far is stored (before the store's resources close)."""
        ...
