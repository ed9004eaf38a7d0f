"""Where a user is in a form, and which fields apply given the answers so far.

Kept in the session as plain JSON, so a form survives restarts like any screen does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from engine.schema.catalog import FieldType, InputField, ModelEntry

SUMMARY = "__summary"


@dataclass
class FormState:
    screen: str
    model: str
    values: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    step: str = SUMMARY
    editing: bool = False
    pending_files: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FormState | None:
        try:
            return cls(**data)
        except TypeError:
            return None


def _current(entry: ModelEntry, state: FormState, name: str) -> Any:
    if name in state.values:
        return state.values[name]
    return entry.input[name].default


def _same(a: Any, b: Any) -> bool:
    return a == b or str(a) == str(b)


def is_active(entry: ModelEntry, state: FormState, spec: InputField) -> bool:
    """A field applies unless its ``ask_when`` names another field's value that isn't chosen."""
    for other, allowed in spec.ask_when.items():
        if other not in entry.input:
            return False
        value = _current(entry, state, other)
        if not any(_same(value, a) for a in allowed):
            return False
    return True


def active_fields(entry: ModelEntry, state: FormState) -> list[tuple[str, InputField]]:
    return [(name, spec) for name, spec in entry.input.items()
            if spec.type in _ASKABLE and is_active(entry, state, spec)]


_ASKABLE = frozenset({FieldType.STRING, FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN,
                      FieldType.ENUM, FieldType.FILE, FieldType.FILES})


def next_step(entry: ModelEntry, state: FormState) -> str:
    """The first active field not yet answered or skipped, else the summary."""
    for name, _ in active_fields(entry, state):
        if name not in state.values and name not in state.skipped:
            return name
    return SUMMARY


def final_values(entry: ModelEntry, state: FormState) -> dict[str, Any]:
    """What is submitted: answers of active fields, defaults for the unanswered optional ones."""
    result: dict[str, Any] = {}
    for name, spec in active_fields(entry, state):
        if name in state.values:
            result[name] = state.values[name]
        elif spec.default is not None:
            result[name] = spec.default
    return result


def missing_required(entry: ModelEntry, state: FormState) -> list[str]:
    values = final_values(entry, state)
    return [name for name, spec in active_fields(entry, state)
            if spec.required and name not in values]
