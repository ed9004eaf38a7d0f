"""Per-user conversation state in PostgreSQL, so any instance serves any update and a restart
loses nothing.

Saving is optimistic: a row is written only if its version is still the one that was read.
Every rendered keyboard carries that version in its callback data, so a press on a keyboard
from before a newer save is recognised as stale rather than acted on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import asyncpg


@dataclass
class Frame:
    screen: str
    args: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"screen": self.screen, "args": self.args}


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
    flash: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    message_id: int | None = None
    is_new: bool = True
    loaded_version: int = 0

    MAX_STACK = 30

    def push(self) -> None:
        if self.screen is not None:
            self.stack.append(Frame(self.screen, self.args))
            del self.stack[: -self.MAX_STACK]

    def pop(self) -> Frame | None:
        return self.stack.pop() if self.stack else None


_COLUMNS = "user_id, chat_id, language, screen, args, stack, form, rendered, flash, version, message_id"


def _decode(row: asyncpg.Record) -> Session:
    def load(name: str) -> Any:
        value = row[name]
        return json.loads(value) if isinstance(value, str) else value

    return Session(
        user_id=row["user_id"], chat_id=row["chat_id"], language=row["language"],
        screen=row["screen"], args=load("args"),
        stack=[Frame(f["screen"], f["args"]) for f in load("stack")], form=load("form"),
        rendered=load("rendered"), flash=load("flash"), version=row["version"],
        message_id=row["message_id"], is_new=False, loaded_version=row["version"])


class StaleSession(Exception):
    """Another update saved this session first; ours must not overwrite it."""


class SessionStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def load(self, user_id: int, chat_id: int, language: str) -> Session:
        row = await self.pool.fetchrow(f"SELECT {_COLUMNS} FROM sessions WHERE user_id = $1",
                                       user_id)
        if row is None:
            return Session(user_id=user_id, chat_id=chat_id, language=language)
        session = _decode(row)
        session.chat_id = chat_id
        return session

    async def save(self, s: Session) -> None:
        values = (s.user_id, s.chat_id, s.language, s.screen, json.dumps(s.args),
                  json.dumps([f.as_json() for f in s.stack]), json.dumps(s.form),
                  json.dumps(s.rendered), json.dumps(s.flash), s.version, s.message_id)
        if s.is_new:
            status = await self.pool.execute(
                f"INSERT INTO sessions ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb,"
                " $7::jsonb, $8::jsonb, $9::jsonb, $10, $11) ON CONFLICT (user_id) DO NOTHING",
                *values)
        else:
            status = await self.pool.execute(
                "UPDATE sessions SET chat_id = $2, language = $3, screen = $4, args = $5::jsonb,"
                " stack = $6::jsonb, form = $7::jsonb, rendered = $8::jsonb, flash = $9::jsonb,"
                " version = $10, message_id = $11, updated_at = now()"
                " WHERE user_id = $1 AND version = $12", *values, s.loaded_version)
        if status.endswith(" 0"):
            raise StaleSession(s.user_id)
        s.is_new, s.loaded_version = False, s.version
