"""How a form step and its summary look: texts from locale keys, buttons by field type."""

from __future__ import annotations

import html
from typing import Any

from engine.callbacks import CallbackData
from engine.runtime.forms.documents import file_limit, message_limit
from engine.runtime.presses import FormPress, Go, stored
from engine.runtime.view import ViewButton
from engine.schema.catalog import FieldType, InputField, ModelEntry
from engine.text_units import shorten
from engine.variables import FieldView, FormView, SummaryLine

ASK_KEYS = {
    FieldType.ENUM: "form.ask_choice",
    FieldType.BOOLEAN: "form.ask_boolean",
    FieldType.INTEGER: "form.ask_number",
    FieldType.NUMBER: "form.ask_number",
    FieldType.STRING: "form.ask_text",
    FieldType.FILE: "form.ask_file",
    FieldType.FILES: "form.ask_files",
    FieldType.LIST: "form.ask_items",
}
ITEM_TEXT_LIMIT = 40  # characters of one value in an item's one-line summary


def title_of(name: str, spec: InputField, language: str) -> str:
    if spec.title is not None:
        return spec.title.get(language)
    return name.replace("_", " ").capitalize()


def option_label(spec: InputField, value: Any, language: str) -> str:
    for option in spec.options:
        if option.value == value or str(option.value) == str(value):
            return option.label.get(language) if option.label else str(option.value)
    return str(value)


def display(spec: InputField, value: Any, language: str, yes: str, no: str) -> str:
    """A value as the user reads it in the summary (escaped: it goes into HTML)."""
    return html.escape(_shorten(_plain(spec, value, language, yes, no), 300))


def item_summary(spec: InputField, item: dict[str, Any], language: str, yes: str, no: str) -> str:
    """One item of a list of objects on one line, each value shortened (not escaped)."""
    return ", ".join(
        _shorten(_plain(sub, item[name], language, yes, no), ITEM_TEXT_LIMIT)
        for name, sub in spec.items.items()
        if name in item
    )


def _plain(spec: InputField, value: Any, language: str, yes: str, no: str) -> str:
    if spec.type is FieldType.ENUM:
        return option_label(spec, value, language)
    if spec.type is FieldType.BOOLEAN:
        return yes if value else no
    if spec.type is FieldType.FILE and isinstance(value, dict):
        return "📎 " + (value.get("file_name") or value.get("kind") or "file")
    if spec.type is FieldType.FILES and isinstance(value, list):
        return "📎 × " + str(len(value))
    if spec.type is FieldType.LIST and isinstance(value, list):
        return f"{len(value)}: " + "; ".join(
            item_summary(spec, i, language, yes, no) for i in value if isinstance(i, dict)
        )
    return str(value)


def _shorten(text: str, limit: int) -> str:
    return shorten(text, limit)  # in UTF-16 units, before escaping: never inside an entity


def field_view(
    name: str,
    spec: InputField,
    language: str,
    yes: str,
    no: str,
    count: int = 0,
    items: list[dict[str, Any]] | None = None,
) -> FieldView:
    default = "" if spec.default is None else html.unescape(display(spec, spec.default, language, yes, no))
    return FieldView(
        name=name,
        title=title_of(name, spec, language),
        hint=spec.hint.get(language) if spec.hint else "",
        required=spec.required,
        default=default,
        minimum=spec.minimum,
        maximum=spec.maximum,
        max_length=message_limit(spec),
        file_max_length=file_limit(spec),
        min_length=spec.min_length,
        max_seconds=spec.max_seconds,
        media=spec.media.value if spec.media else None,
        max_mb=spec.max_mb,
        min_items=spec.min_items,
        max_items=spec.max_items,
        count=len(items) if items is not None else count,
        items=[html.escape(item_summary(spec, i, language, yes, no)) for i in items or []],
        kind=spec.type.value,
    )


def form_view(
    entry: ModelEntry, language: str, step: int = 0, steps: int = 0, lines: list[SummaryLine] | None = None
) -> FormView:
    return FormView(
        model=entry.id, model_name=entry.name.get(language), step=step, steps=steps, lines=lines or []
    )


class ButtonMaker:
    """Collects a form step's buttons and the actions their keys stand for."""

    def __init__(self, screen: str, version: int) -> None:
        self.screen = screen
        self.version = version
        self.actions: dict[str, dict[str, Any]] = {}

    def button(self, label: str, key: str, press: FormPress | Go) -> ViewButton:
        self.actions[key] = stored(press)
        return ViewButton(label, callback_data=CallbackData(self.screen, self.version, key).encode())
