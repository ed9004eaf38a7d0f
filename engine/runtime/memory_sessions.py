"""Sessions in a dict: the interpreter tested without a database, and the engine's own cost
measured apart from PostgreSQL's (bench/runtime_bench.py, way (m)).

Not a configuration to run the bot on: it forgets everything on restart and cannot be shared
between instances. Otherwise it behaves as ``PgSessionStore``: it keeps the very row
``Session.as_row`` encodes and decodes it on load (so a loaded session is a copy, and a
field that does not survive storage fails here too), and refuses a stale save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.runtime.session import SESSION_COLUMNS, Session, StaleSession


@dataclass(frozen=True)
class KnownUser:
    """A person the bot has met, as ``remember_user`` last noted them."""

    first_name: str
    username: str | None
    language: str | None


class MemorySessionStore:
    """``SessionStore`` in process memory: rows by user id, people met by user id."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.people: dict[int, KnownUser] = {}

    async def load(self, user_id: int, chat_id: int, language: str) -> Session:
        row = self.rows.get(user_id)
        if row is None:
            return Session(user_id=user_id, chat_id=chat_id, language=language)
        session = Session.from_row(row)
        session.chat_id = chat_id
        return session

    async def save(self, s: Session) -> None:
        current = self.rows.get(s.user_id)
        stored_version = None if current is None else current["version"]
        if stored_version != (None if s.is_new else s.loaded_version):
            raise StaleSession(s.user_id)
        self.rows[s.user_id] = dict(zip(SESSION_COLUMNS, s.as_row(), strict=True))
        s.is_new, s.loaded_version = False, s.version

    async def remember_user(
        self, user_id: int, first_name: str, username: str | None, language: str | None
    ) -> None:
        self.people[user_id] = KnownUser(first_name, username, language)

    async def flush(self) -> None:
        """Every save is stored when it returns: nothing waits."""
