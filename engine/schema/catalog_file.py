"""One ``models/*.yaml`` file: its tasks, its models, the field texts they share, recipes."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from engine.schema.catalog import (
    LocalText,
    ModelEntry,
    ModelId,
    ModelTexts,
    OneText,
    OptionGroup,
    canonical,
)
from engine.schema.flow import FlowModel, Identifier
from engine.schema.recipe import Recipe


class Task(FlowModel):
    """A user-facing task on the main menu ("video for Reels"), served by several models."""

    id: Identifier
    name: LocalText
    emoji: str = ""
    description: LocalText | None = None


class FieldText(FlowModel):
    title: LocalText | None = None
    hint: LocalText | None = None
    labels: dict[str, LocalText] = Field(
        default_factory=dict, description="Option labels by value, for options without one."
    )
    groups: list[OptionGroup] = Field(
        default_factory=list,
        description="Filters for same-named enum fields (also a list's item fields): each "
        "field gets the groups narrowed to its own options, empty ones left out.",
    )

    @field_validator("labels", mode="before", json_schema_input_type=dict[str, LocalText | OneText])
    @classmethod
    def _same_everywhere(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): {"ru": v, "en": v} if isinstance(v, str) else v for k, v in value.items()}
        return value


class CatalogFile(FlowModel):
    """One ``models/*.yaml`` file.

    ``field_texts`` holds the titles, hints and option labels shared by same-named fields of
    the file's models ("prompt" is "Промпт" everywhere), so a model lists only what is its own;
    a field's own ``title``/``hint``/``label`` wins. They are filled in at load time: readers
    see complete fields.
    """

    field_texts: dict[Identifier, FieldText] = Field(default_factory=dict)
    tasks: list[Task] = Field(default_factory=list)
    models: list[ModelEntry] = Field(default_factory=list)
    recipes: list[Recipe] = Field(
        default_factory=list, description="Ready-made tasks built on the models (see recipe.py)."
    )
    texts: dict[ModelId, ModelTexts] = Field(
        default_factory=dict,
        description="Editor-owned card texts by model id (models/texts/*.yaml), for models of any file.",
    )

    @model_validator(mode="before")
    @classmethod
    def _shared_texts(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("field_texts"), dict):
            return data
        shared = {k: v for k, v in data["field_texts"].items() if isinstance(v, dict)}
        models = data.get("models")
        if not shared or not isinstance(models, list):
            return data
        return {**data, "models": [_with_texts(m, shared) for m in models]}


def _with_texts(model: Any, shared: dict[str, dict[str, Any]]) -> Any:
    """A copy of a raw model whose fields take missing title/hint from ``shared``."""
    fields = model.get("input") if isinstance(model, dict) else None
    if not isinstance(fields, dict):
        return model
    return {**model, "input": _filled(fields, shared)}


def _filled(
    fields: dict[Any, Any], shared: dict[str, dict[str, Any]], nested: bool = False
) -> dict[Any, Any]:
    filled = {}
    for name, field in fields.items():
        texts = shared.get(name) if isinstance(name, str) else None
        if texts and isinstance(field, dict):
            if not nested:
                field = {**{k: v for k, v in texts.items() if k in ("title", "hint")}, **field}
            labels = texts.get("labels")
            if isinstance(labels, dict) and isinstance(field.get("options"), list):
                field = {**field, "options": [_labelled(o, labels) for o in field["options"]]}
            groups = texts.get("groups")
            if isinstance(groups, list) and "groups" not in field and isinstance(field.get("options"), list):
                field = {**field, "groups": _narrowed(groups, field["options"])}
        if isinstance(field, dict) and isinstance(field.get("items"), dict):  # a list's item fields
            field = {**field, "items": _filled(field["items"], shared, nested=True)}
        filled[name] = field
    return filled


def _narrowed(groups: list[Any], options: list[Any]) -> list[Any]:
    """Shared groups cut down to the values this field offers; groups left empty go."""
    offered = {canonical(o.get("value") if isinstance(o, dict) else o) for o in options}
    narrowed = []
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("values"), list):
            narrowed.append(group)  # malformed: validation says what is wrong
            continue
        values = [v for v in group["values"] if canonical(v) in offered]
        if values:
            narrowed.append({**group, "values": values})
    return narrowed


def _labelled(option: Any, labels: dict[Any, Any]) -> Any:
    if isinstance(option, dict) or str(option) not in labels:
        return option
    return {"value": option, "label": labels[str(option)]}
