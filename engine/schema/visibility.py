"""Which fields a form asks, given the answers so far — shared by pricing and the linter.

A field that is not asked is not sent, so Kie applies its own default; ``effective_values``
therefore stands a hidden field in with its ``default`` (or leaves it out when there is none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.schema.catalog import InputField, ModelEntry, canonical


def is_given(value: Any) -> bool:
    """An answer counts as given unless it is absent, empty text or an empty list."""
    return value is not None and value != "" and value != []


def one_of(value: Any, allowed: Iterable[Any]) -> bool:
    """``value`` equals one of ``allowed`` in canonical spelling ("5" is 5)."""
    value = canonical(value)
    return any(value == c and isinstance(value, bool) == isinstance(c, bool) for c in map(canonical, allowed))


def is_asked(field: InputField, values: Mapping[str, Any]) -> bool:
    """Whether ``field`` is asked once the earlier answers are ``values`` (defaults applied)."""
    for other, allowed in field.ask_when.items():
        if not one_of(values.get(other), allowed):
            return False
    if not all(is_given(values.get(other)) for other in field.requires):
        return False
    return not any(is_given(values.get(other)) for other in field.excludes)


def is_required(field: InputField, values: Mapping[str, Any]) -> bool:
    """Required outright, or because none of its ``required_unless`` fields was given."""
    if field.required:
        return True
    return bool(field.required_unless) and not any(
        is_given(values.get(other)) for other in field.required_unless
    )


def effective_values(entry: ModelEntry, values: Mapping[str, Any]) -> dict[str, Any]:
    """What Kie will work with: answers where asked and given, defaults elsewhere."""
    result: dict[str, Any] = {}
    for name, field in entry.input.items():
        value = values.get(name)
        if is_asked(field, result) and is_given(value):
            result[name] = value
        elif field.default is not None:
            result[name] = field.default
    return result
