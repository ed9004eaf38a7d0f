"""Diagnostics only: a SessionStore kept in process memory, for telling the engine's own cost
from PostgreSQL's. Not a configuration anyone should run: it forgets everything on restart
and cannot be shared between instances.

It does what the real store does on either side of the database (JSON-encodes the same fields
on save, decodes a row with the engine's own ``_decode`` on load, refuses a stale save), so
the difference between the two is the database round trips and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

from engine.runtime.session import Session, SessionStore, StaleSession, _decode


class MemorySessionStore(SessionStore):
    def __init__(self) -> None:
        super().__init__(pool=None)  # type: ignore[arg-type]
        self.rows: dict[int, dict[str, Any]] = {}

    async def load(self, user_id: int, chat_id: int, language: str) -> Session:
        row = self.rows.get(user_id)
        if row is None:
            return Session(user_id=user_id, chat_id=chat_id, language=language)
        session = _decode(row)  # type: ignore[arg-type]
        session.chat_id = chat_id
        return session

    async def save(self, s: Session) -> None:
        row = {"user_id": s.user_id, "chat_id": s.chat_id, "language": s.language,
               "screen": s.screen, "args": json.dumps(s.args),
               "stack": json.dumps([f.as_json() for f in s.stack]), "form": json.dumps(s.form),
               "rendered": json.dumps(s.rendered), "state": json.dumps(s.state),
               "version": s.version}
        current = self.rows.get(s.user_id)
        if (current is not None) and (s.is_new or current["version"] != s.loaded_version):
            raise StaleSession(s.user_id)
        self.rows[s.user_id] = row
        s.is_new, s.loaded_version = False, s.version

    async def remember_user(self, user_id: int, first_name: str, username: str | None,
                            language: str | None) -> None:
        """The users table is PostgreSQL's; in memory there is nothing to note."""
