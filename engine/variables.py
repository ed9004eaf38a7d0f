"""Variables the engine itself puts into every template, with their types for the linter."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class UserView(BaseModel):
    """The person the bot is talking to, as templates see them."""

    id: int
    first_name: str = ""
    username: str | None = None
    language: str = "ru"
    is_admin: bool = False


#: name → type; ``dict`` and ``Any`` accept any attribute
BASE_VARIABLES: dict[str, Any] = {
    "user": UserView,
    "args": dict,      # the screen's arguments
    "result": Any,     # what the last action returned
    "error": Any,      # the failure that led to an error screen: {text}
}

#: texts the engine renders on its own, with the variables each receives
ENGINE_TEXTS: dict[str, dict[str, Any]] = {
    "engine.stale": {},
    "engine.forbidden": {},
    "engine.internal_error": {"error_id": str},
    "engine.expect_button": {},
    "engine.unexpected_input": {},
    "engine.unknown_command": {"command": str},
    "engine.next_page": {"page": int, "pages": int},
    "engine.prev_page": {"page": int, "pages": int},
    "engine.action_failed": {},
}
