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


class FieldView(BaseModel):
    """One input field of a model's form, as step texts see it."""

    name: str
    title: str
    hint: str = ""
    required: bool = False
    default: str = ""  # the default, as the user would read it; "" when none
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None  # of a typed answer: never more than one message
    file_max_length: int | None = None  # of a text sent as .txt, where more is allowed
    min_length: int | None = None
    max_seconds: int | None = None
    media: str | None = None
    max_mb: float | None = None
    min_items: int | None = None
    max_items: int | None = None
    count: int = 0  # files (or items of a list) collected so far
    items: list[str] = []  # a list's items so far, one line each (escaped)
    kind: str = ""  # the field's type (string, integer, enum, file …): what an answer must be
    page: int = 0  # a long choice shown page by page: this page (from 1) of ``pages``
    pages: int = 0
    group: str = ""  # the filter the options are narrowed to ("" for all)


class SummaryLine(BaseModel):
    title: str
    value: str
    default: bool = False  # never answered: the model's default (or none) applies


class FormView(BaseModel):
    """The form as a whole: which model, how far along, and the values so far."""

    model: str
    model_name: str
    step: int = 0
    steps: int = 0
    lines: list[SummaryLine] = []


class ErrorView(BaseModel):
    """Why an action refused, as an ``on_error`` target's arguments may read it."""

    text: str
    key: str


#: name → type; ``dict`` and ``Any`` accept any attribute. A screen's templates also see
#: ``args`` (its parameters), plug-in globals, its data and on_enter results; a call's targets
#: see ``result`` or ``error`` (see engine/lint/scopes.py, which mirrors the runtime).
BASE_VARIABLES: dict[str, Any] = {
    "user": UserView,
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
    "engine.invalid_input": {},
    "engine.too_fast": {},
    "engine.private_only": {"bot": str},
}

_STEP = {"field": FieldView, "form": FormView}
_FIELD = {"field": FieldView}
#: texts of the forms generated from models' input schemas
FORM_TEXTS: dict[str, dict[str, Any]] = {
    "form.ask_choice": _STEP,
    "form.ask_boolean": _STEP,
    "form.ask_number": _STEP,
    "form.ask_text": _STEP,
    "form.ask_file": _STEP,
    "form.ask_files": _STEP,
    "form.summary": {"form": FormView, "price": Any},
    "form.skip": _FIELD,
    "form.yes": {},
    "form.no": {},
    "form.done": _FIELD,
    "form.back": {},
    "form.cancel": {},
    "form.confirm": {},
    "form.edit": _FIELD,
    "form.error_number": _FIELD,
    "form.error_range": _FIELD,
    "form.error_text_length": _FIELD,
    "form.error_empty": _FIELD,
    "form.error_text_file": _FIELD,
    "form.error_text_short": _FIELD,
    "form.error_file_long": _FIELD,
    "form.error_file_kind": _FIELD,
    "form.error_file_type": _FIELD,
    "form.error_file_size": _FIELD,
    "form.error_files_count": _FIELD,
    "form.error_file_unreadable": _FIELD,
    "form.error_file_unavailable": _FIELD,
    "form.error_use_buttons": _FIELD,
    "form.error_model": {},
    "form.ask_items": _STEP,
    "form.item_header": _FIELD,
    "form.add": _FIELD,
    "form.remove_last": _FIELD,
    "form.error_items_count": _FIELD,
    "form.error_needs_job": {},
    "form.from_job_value": {},
    "form.error_needs": _FIELD,
    "form.page_prev": {"page": int, "pages": int},
    "form.page_next": {"page": int, "pages": int},
    "form.group": {"label": str, "selected": bool},
    "form.group_all": {"selected": bool},
}
ENGINE_TEXTS.update(FORM_TEXTS)
