"""The CallContext plug-ins receive, and the guards checked on every screen rendered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.plugin import GuardCheck
from engine.runtime.incoming import Person
from engine.runtime.session import Session
from engine.variables import UserView


@dataclass
class ActionContext:
    session: Session
    person: Person
    is_admin: bool
    update_id: int | None = None  # Telegram's, when serving an update

    @property
    def update_key(self) -> str | None:
        return None if self.update_id is None else str(self.update_id)

    @property
    def user_id(self) -> int:
        return self.session.user_id

    @property
    def chat_id(self) -> int:
        return self.session.chat_id

    @property
    def language(self) -> str:
        return self.session.language

    @property
    def session_args(self) -> dict[str, Any]:
        return self.session.args

    def set_language(self, language: str) -> None:
        self.session.language = language

    def user_view(self) -> UserView:
        return UserView(
            id=self.person.id,
            first_name=self.person.first_name,
            username=self.person.username,
            language=self.session.language,
            is_admin=self.is_admin,
        )


class Guards:
    """Named checks; ``admin`` is built in (ADMIN_IDS), plug-ins may add more."""

    def __init__(self, extra: Mapping[str, GuardCheck] | None = None) -> None:
        self.checks: dict[str, GuardCheck] = {"admin": lambda ctx: ctx.is_admin}
        self.checks.update(extra or {})

    def allows(self, guard: str | None, ctx: ActionContext) -> bool:
        if guard is None:
            return True
        check = self.checks.get(guard)
        return bool(check and check(ctx))
