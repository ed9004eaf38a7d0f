"""The reference importer's conversion, applied to Kie's live schema.

``scripts/import_reference_catalog.py`` decided how a Kie input becomes a catalog field (media by
field name, titles, advanced knobs) and holds the per-model adjustments editors made (fields left
out, options kept, types changed). ``catalog sync`` runs Kie's schema through the same code, so a
deliberate adjustment is not reported as drift and a draft reads like the generated catalog.
The script is not part of the installed package, so it is loaded from the repository by path.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from plugins.catalog.openapi import URL_FORMATS, InputSchema, KieField

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "import_reference_catalog.py"
UNCOLLECTABLE_TYPES = frozenset({"object", "list"})


class ImporterMissing(RuntimeError):
    """The repository's import script is not next to the engine (an installed copy)."""


@dataclass(frozen=True)
class Imported:
    """Fields as the importer would write them (our names, its key order) and its notes.

    ``adjusted`` is False when the model's recorded adjustments no longer fit Kie's schema
    (e.g. they name a field Kie dropped) and the fields were converted without them.
    """

    fields: dict[str, dict[str, Any]]
    notes: tuple[str, ...]
    adjusted: bool


@cache
def importer() -> ModuleType:
    if not SCRIPT.is_file():
        raise ImporterMissing(
            f"catalog sync needs {SCRIPT.name} from the repository's scripts/ "
            f"folder (its conversion tables); not found at {SCRIPT.parent}"
        )
    spec = importlib.util.spec_from_file_location("_kie_reference_importer", SCRIPT)
    if spec is None or spec.loader is None:
        raise ImporterMissing(f"cannot load {SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def not_models() -> dict[str, str]:
    """Ids Kie lists that are known not to be models, each with its reason
    (``scripts/known/not_models.yaml``, which the importer leaves out of ``models/``)."""
    found: dict[str, str] = importer().load_not_models()
    return found


def media_names() -> frozenset[str]:
    """Field names the importer treats as uploaded media (``image_urls``, ``audio_url`` …)."""
    return frozenset().union(*importer().MEDIA.values())


def reference_input(field: KieField) -> dict[str, Any]:
    """A Kie field in the reference's vocabulary (``url``, ``url-array``, ``enum`` …)."""
    node = field.node
    ref: dict[str, Any] = {
        "name": field.name,
        "type": _reference_type(field),
        "required": field.required,
        "description": node.description or "",
    }
    if ref["type"] == "enum":
        ref["enum"] = list(node.enum or [])
    if node.default is not None:
        ref["default"] = node.default
    for ours, value in (
        ("min", node.minimum),
        ("max", node.maximum),
        ("min_length", node.min_length),
        ("max_length", node.max_length),
        ("min_items", node.min_items),
        ("max_items", node.max_items),
    ):
        if value is not None:
            ref[ours] = value
    if node.deprecated:
        ref["deprecated"] = True
    return ref


def _reference_type(field: KieField) -> str:
    node, types = field.node, field.types
    if node.enum:  # even of booleans: the reference (and so our catalog) keeps those as enums
        return "enum"
    url = field.name in media_names()
    if "array" in types:
        items = set(node.item_types)
        if "object" in items:
            return "object-array"
        if "array" in items:
            return "array-array"
        if items & {"integer", "number"}:
            return "integer-array"
        return "url-array" if url or node.item_format in URL_FORMATS else "string-array"
    if "object" in types:
        return "object"
    if "string" in types or not types:
        return "url" if url or node.format in URL_FORMATS else "string"
    return next((k for k in ("integer", "number", "boolean") if k in types), "string")


def import_fields(
    model_id: str,
    schema: InputSchema,
    *,
    keep_uncollectable: bool,
    price_cases: Sequence[dict[str, Any]] = (),
) -> Imported:
    """Kie's fields through the importer: its conversion, the model's adjustments, and its rule
    that a field the price depends on is asked. ``keep_uncollectable`` keeps optional list or
    object inputs (the importer drops them from complete schemas)."""
    ref = {
        "id": model_id,
        "inputs": [reference_input(f) for f in schema.fields.values()],
        "schema_confidence": "low" if keep_uncollectable else "high",
        "status": "documented",
    }
    try:
        model, adjusted = _built(ref, adjusted=True), True
    except (SystemExit, KeyError, TypeError):  # an adjustment that no longer fits Kie's fields
        model, adjusted = _built(ref, adjusted=False), False
    per = importer().per_fields
    priced = {name for case in price_cases for name in [*case.get("when", {}), *per(case)]}
    if price_cases and priced <= set(model.fields):
        model.price = {"cases": list(price_cases)}
        model.require_priced_fields()
    try:
        fields = model.ordered_fields()
    except ValueError:  # a key the importer does not order; keep its own order
        fields = dict(model.fields)
    return Imported(fields, tuple(model.notes), adjusted)


def _built(ref: dict[str, Any], *, adjusted: bool) -> Any:
    script = importer()
    model = script.Model(ref)
    if not adjusted:
        model.over = {}
    else:
        omitted = set(model.over.get("omit", {}))
        present = {
            script.api_safe_name(i["name"])[0]
            for i in ref["inputs"]
            if i["name"] not in omitted and not i.get("deprecated")
        }
        patches = model.over.get("fields", {})
        model.over = {**model.over, "fields": {k: v for k, v in patches.items() if k in present}}
    model.build_inputs()
    return model


def option_values(field: dict[str, Any]) -> list[Any]:
    return [o["value"] if isinstance(o, dict) else o for o in field.get("options", [])]
