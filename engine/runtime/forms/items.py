"""A list of objects in a form: items are added one by one, each item's fields asked in turn.

The list's own screen shows the items so far with "Add", "Remove last" and "Done"; "Add" walks
the item's fields — asked and checked exactly like top-level fields by the controller — and
returns to the list. Only these moves on ``FormState`` live here; the screens are the
controller's.
"""

from __future__ import annotations

from typing import Any

from engine.runtime.forms.state import FormState
from engine.runtime.forms.values import Refusal
from engine.schema.catalog import InputField

COUNT_REFUSAL = Refusal("form.error_items_count")


def lowest(spec: InputField) -> int:
    """The fewest items "Done" accepts: ``min_items``, and at least one."""
    return max(spec.min_items or 1, 1)


def can_add(spec: InputField, state: FormState) -> bool:
    return spec.max_items is None or len(state.items) < spec.max_items


def add(spec: InputField, state: FormState) -> Refusal | None:
    """Start a new item at its first field (refused once ``max_items`` are there)."""
    if not can_add(spec, state):
        return COUNT_REFUSAL
    state.item, state.item_step = {}, next(iter(spec.items))
    state.pending_files = []
    return None


def remove_last(state: FormState) -> None:
    if state.items:
        state.items.pop()


def finished(spec: InputField, state: FormState) -> list[dict[str, Any]] | Refusal:
    """The items, once there are enough of them for "Done"."""
    if len(state.items) < lowest(spec) or not all(_complete(spec, i) for i in state.items):
        return COUNT_REFUSAL
    return [dict(i) for i in state.items]


def answer(spec: InputField, state: FormState, value: Any) -> None:
    """The asked field of the item gets ``value``; go on to the item's next field."""
    assert state.item_step is not None
    state.item[state.item_step] = value
    _forward(spec, state)


def skip(spec: InputField, state: FormState) -> None:
    """An optional field of the item is left out (Kie applies its default)."""
    assert state.item_step is not None
    state.item.pop(state.item_step, None)
    _forward(spec, state)


def back(spec: InputField, state: FormState) -> None:
    """The item's previous field, or (from its first) the list again without this item."""
    names = list(spec.items)
    position = names.index(state.item_step) if state.item_step in names else 0
    state.pending_files = []
    if position == 0:
        state.item, state.item_step = {}, None
    else:
        state.item_step = names[position - 1]


def _forward(spec: InputField, state: FormState) -> None:
    names = list(spec.items)
    position = names.index(state.item_step) if state.item_step in names else len(names)
    state.pending_files = []
    if position + 1 < len(names):
        state.item_step = names[position + 1]
        return
    state.items.append(state.item)
    state.item, state.item_step = {}, None


def _complete(spec: InputField, item: Any) -> bool:
    """Every required field of an item is there (an item restored from a session may not be)."""
    return isinstance(item, dict) and all(name in item for name, sub in spec.items.items() if sub.required)
