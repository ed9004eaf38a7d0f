"""Draft catalog entries for models Kie added or changed, for an editor to finish.

A draft never changes the catalog: it is written outside ``models/``, disabled, with a reason
editors can grep for. A new model's draft is Kie's schema through the importer (media, titles,
advanced knobs) plus Kie's texts as notes; a changed model's draft is our entry with only the
reported changes applied, so diffing it against ``models/`` shows just those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine.schema.catalog import InputField, ModelEntry
from engine.schema.catalog_file import CatalogFile
from plugins.catalog.drift import Comparison, FieldChange
from plugins.catalog.importer import Imported, import_fields, importer
from plugins.catalog.openapi import InputSchema
from plugins.integrations.kie.records import ModelInfo

DRAFT_REASON = "draft from catalog sync — review fields, texts and price"
HEADER = """Draft written by `python -m engine catalog sync` on {day} for an editor: review fields,
texts and price, then move the entry into models/ and enable it. Nothing here is live."""
#: Kie task types (slugged) that the reference spells otherwise
MODE_ALIASES = {
    "image-to-image": "image-to-image/edit",
    "image-edit": "image-to-image/edit",
    "text-to-music": "music",
    "lip-sync": "avatar/lipsync",
    "avatar": "avatar/lipsync",
}
#: what an editor wrote about a field, kept when Kie changes the field's type
EDITOR_KEYS = ("title", "hint", "advanced", "ask_when", "requires", "excludes", "required_unless")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class DraftError(ValueError):
    """The draft would not load as a catalog file; it is not written."""


def file_name(model_id: str) -> str:
    return model_id.replace("/", "__") + ".yaml"


def new_model_draft(info: ModelInfo, schema: InputSchema | None) -> dict[str, Any]:
    """A disabled entry from Kie's catalog listing and (when published) its schema."""
    title = (info.title or info.model).strip()
    notes = [
        f"Kie task types: {', '.join(info.task_types) or 'none given'}",
        "name and description are Kie's English texts: write the ru and en ones",
    ]
    if info.pricing_desc:
        notes.append(f"Kie pricingDesc: {info.pricing_desc}")
    fields: dict[str, dict[str, Any]] = {}
    if schema is None:
        notes.append("Kie has not published this model's schema yet: add its input fields by hand")
    else:
        imported = import_fields(info.model, schema, keep_uncollectable=False)
        fields, problems = _valid_fields(imported.fields)
        notes += [*imported.notes, *problems]
    mode, modes = _modes(info.task_types)
    script = importer()
    entry: dict[str, Any] = {
        "id": info.model,
        "vendor": info.provider or info.model.split("/")[0],
        "category": script.CATEGORY.get(MODE_ALIASES.get(mode, mode), "other"),
        "tasks": _unique(t for m in modes for t in script.TASK_OF_MODE.get(m, ())),
        "name": {"ru": title, "en": title},
        "description": {"ru": (info.description or title).strip(), "en": (info.description or title).strip()},
        "enabled": False,
        "disabled_reason": DRAFT_REASON,
        "notes": notes,
    }
    if fields:
        entry["input"] = fields
    return entry


def changed_model_draft(
    entry: ModelEntry, comparison: Comparison, pricing_desc: str | None
) -> dict[str, Any]:
    """Our entry, disabled, with the reported field changes applied and listed in its notes."""
    data = _plain(entry.model_dump(mode="python", exclude_defaults=True))
    fields: dict[str, dict[str, Any]] = data.get("input", {})
    problems = _apply(fields, comparison.changes, comparison.imported)
    notes = [
        *data.get("notes", []),
        *(f"catalog sync: {change.line()}" for change in comparison.changes),
        *problems,
    ]
    orphans = [name for name in (entry.price.fields() if entry.price else ()) if name not in fields]
    if orphans:
        notes.append(f"the price still names {', '.join(orphans)}, which Kie no longer lists")
    if pricing_desc:
        notes.append(f"Kie pricingDesc: {pricing_desc}")
    if not entry.enabled:
        notes.append(f"disabled in models/: {entry.disabled_reason}")
    data.update(enabled=False, disabled_reason=DRAFT_REASON, notes=notes, input=fields)
    if not fields:
        del data["input"]
    return {key: data[key] for key in ModelEntry.model_fields if key in data}


def render(entry: dict[str, Any], day: date) -> str:
    """The draft as a catalog file, in the importer's layout; ``DraftError`` if it would not load."""
    # the importer is a module loaded from scripts/, untyped: its render returns the file's text
    text: str = importer().render(HEADER.format(day=day.isoformat()), {}, "models", [entry], {})
    try:
        CatalogFile.model_validate(yaml.safe_load(text))
    except (ValidationError, yaml.YAMLError) as exc:
        raise DraftError(f"the draft of {entry['id']} would not load: {exc}") from None
    return text


def write(directory: Path, entry: dict[str, Any], day: date) -> Path:
    text = render(entry, day)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / file_name(entry["id"])
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ helpers


def _apply(
    fields: dict[str, dict[str, Any]], changes: Iterable[FieldChange], imported: Imported
) -> list[str]:
    """Apply the changes in place; returns notes on fields that had to be left out."""
    ours = {f.get("api_name") or name: name for name, f in fields.items()}
    theirs = {f.get("api_name") or name: (name, f) for name, f in imported.fields.items()}
    for change in changes:
        name, kie = ours.get(change.field), theirs.get(change.field)
        if change.kind == "removed" and name:
            fields.pop(name, None)
        elif change.kind == "added" and kie:
            fields[kie[0]] = dict(kie[1])
        elif change.kind == "required" and name in fields and kie:
            fields[name].pop("required", None)
            if kie[1].get("required"):
                fields[name]["required"] = True
        elif change.kind in ("type", "enum") and name in fields and kie:
            fields[name] = _retyped(fields[name], kie[1])
    valid, problems = _valid_fields(fields)
    for name in list(fields):
        if name not in valid:
            del fields[name]
    return problems


def _retyped(mine: dict[str, Any], kie: dict[str, Any]) -> dict[str, Any]:
    """Kie's field with our texts and conditions; an enum keeps our labels for kept values."""
    field = {**kie, **{k: mine[k] for k in EDITOR_KEYS if k in mine}}
    if mine.get("type") == "enum" and kie.get("type") == "enum":
        labelled = {str(o["value"]): o for o in mine.get("options", []) if isinstance(o, dict)}
        field["options"] = [
            labelled.get(str(v), v)
            for v in (o["value"] if isinstance(o, dict) else o for o in kie["options"])
        ]
    return field


def _valid_fields(fields: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    valid: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for name, field in fields.items():
        if not _IDENTIFIER.match(name):
            problems.append(f"left out {name}: not a usable field name")
            continue
        try:
            InputField.model_validate(field)
        except ValidationError as exc:
            problems.append(f"left out {name}: {exc.errors()[0]['msg']}")
            continue
        valid[name] = field
    return valid, problems


def _modes(task_types: Iterable[str]) -> tuple[str, list[str]]:
    """Kie's task types as reference modes ("Text to Video" → "text-to-video"); the first leads."""
    modes = [re.sub(r"\s+", "-", t.strip().lower()) for t in task_types if t.strip()]
    modes += [MODE_ALIASES[m] for m in modes if m in MODE_ALIASES]
    return (modes[0] if modes else "other"), modes


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _plain(value: Any, key: str | None = None) -> Any:
    """A dump as the catalog spells it: bare unlabelled options, whole numbers without ".0"."""
    if isinstance(value, dict):
        plain = {k: _plain(v, k) for k, v in value.items()}
        if key in ("when", "ask_when"):  # {mode: [pro]} reads as the catalog writes it
            plain = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in plain.items()}
        return plain
    if isinstance(value, list | tuple):
        items = [_plain(v) for v in value]
        if key == "options":
            items = [o["value"] if isinstance(o, dict) and set(o) == {"value"} else o for o in items]
        return items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value
