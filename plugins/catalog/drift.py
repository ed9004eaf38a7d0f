"""Where a catalog entry and Kie's published model disagree: input fields and price text.

Fields are compared as they travel: by Kie's key, by the JSON type sent, by the values an enum
allows and by whether Kie requires them. Kie's side first goes through the reference importer
(see ``importer``), so an editor's recorded choice — a field left out, options trimmed, a number
asked for a string field — is not reported as drift. Prices cannot be compared exactly (Kie's is
prose): the check only flags a text naming one credits figure that none of our cases explains.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from engine.schema.catalog import FieldType, InputField, ModelEntry, canonical
from plugins.catalog.importer import UNCOLLECTABLE_TYPES, Imported, import_fields, option_values
from plugins.catalog.listing import plain
from plugins.catalog.openapi import InputSchema, KieField
from plugins.catalog.pricing import PricingError, price_from

ChangeKind = Literal["added", "removed", "deprecated", "type", "enum", "required"]
PriceVerdict = Literal["agrees", "mismatch", "judge", "no_rule", "no_text"]

#: JSON types a catalog type travels as (``send_as`` overrides; enums go by their values)
WIRE = {
    FieldType.STRING: "string",
    FieldType.FILE: "string",
    FieldType.INTEGER: "integer",
    FieldType.NUMBER: "number",
    FieldType.BOOLEAN: "boolean",
    FieldType.FILES: "array",
}
_CREDITS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*credits?\b", re.IGNORECASE)


@dataclass(frozen=True)
class FieldChange:
    field: str  # Kie's key
    kind: ChangeKind
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "kind": self.kind, "detail": self.detail}

    def line(self) -> str:
        return f"{self.field}: {self.kind} — {self.detail}"


@dataclass(frozen=True)
class Comparison:
    changes: tuple[FieldChange, ...]
    imported: Imported  # Kie's fields as the importer makes them (drafts start from these)


def compare_inputs(entry: ModelEntry, schema: InputSchema) -> Comparison:
    cases = (
        [c.model_dump(mode="json", exclude_defaults=True) for c in entry.price.cases] if entry.price else []
    )
    imported = import_fields(entry.id, schema, keep_uncollectable=True, price_cases=cases)
    theirs = {f.get("api_name") or name: f for name, f in imported.fields.items()}
    ours = {f.api_name or name: f for name, f in entry.input.items() if f.send}  # not Kie's
    left_out = _left_out(entry)
    changes: list[FieldChange] = []
    for key, raw in schema.fields.items():
        field = theirs.get(key)
        if key in ours or key in left_out or raw.node.deprecated or field is None:
            continue  # not in theirs: the importer leaves it out on purpose
        if field["type"] in UNCOLLECTABLE_TYPES and not field.get("required"):
            continue  # the importer drops optional lists/objects from a complete schema
        changes.append(FieldChange(key, "added", _describe(field)))
    for key, mine in ours.items():
        kie = schema.fields.get(key)
        if kie is None:
            changes.append(FieldChange(key, "removed", "Kie no longer lists it"))
            continue
        if kie.node.deprecated:
            changes.append(FieldChange(key, "deprecated", "Kie marks it deprecated"))
        changes += _field_changes(key, mine, kie, theirs.get(key))
    return Comparison(tuple(changes), imported)


def _left_out(entry: ModelEntry) -> set[str]:
    """Kie keys the entry's notes say were left out on purpose ("omitted seed: …")."""
    return {
        note.removeprefix("omitted ").split(":", 1)[0].strip()
        for note in entry.notes
        if note.startswith("omitted ") and ":" in note
    }


def _field_changes(
    key: str, mine: InputField, raw: KieField, theirs: dict[str, Any] | None
) -> list[FieldChange]:
    found: list[FieldChange] = []
    if mine.type.value not in UNCOLLECTABLE_TYPES:
        sent = wire_types(mine)
        accepted = set(raw.types) | ({"integer"} if "number" in raw.types else set())
        same_as_importer = theirs is not None and theirs["type"] == mine.type.value
        if raw.types and not sent <= accepted and not same_as_importer:
            found.append(
                FieldChange(key, "type", f"ours {_kind(mine)}, Kie {' or '.join(sorted(raw.types))}")
            )
        else:
            found += _enum_changes(key, mine, raw, theirs)
    required = bool(theirs.get("required")) if theirs is not None else raw.required
    if required != mine.required:
        found.append(
            FieldChange(key, "required", f"Kie {_optional(required)}, ours {_optional(mine.required)}")
        )
    return found


def _enum_changes(
    key: str, mine: InputField, raw: KieField, theirs: dict[str, Any] | None
) -> list[FieldChange]:
    if theirs is not None:
        values = option_values(theirs) if theirs["type"] == "enum" else None
    else:
        values = list(raw.node.enum) if raw.node.enum else None
    if mine.type is FieldType.ENUM:
        offered = [o.value for o in mine.options]
        if values is None:
            return [FieldChange(key, "enum", "Kie no longer lists fixed values")]
        added = [v for v in values if not _among(v, offered)]
        dropped = [v for v in offered if not _among(v, values)]
        parts = ([f"Kie adds {_values(added)}"] if added else []) + (
            [f"Kie drops {_values(dropped)}"] if dropped else []
        )
        return [FieldChange(key, "enum", "; ".join(parts))] if parts else []
    if values is not None and mine.type is not FieldType.BOOLEAN:
        return [FieldChange(key, "enum", f"Kie now allows only {_values(values)}")]
    return []


def wire_types(field: InputField) -> set[str]:
    if field.send_as:
        return {field.send_as}
    if field.type is FieldType.ENUM:
        return {_json_type(o.value) for o in field.options}
    return {WIRE.get(field.type, field.type.value)}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "string"


def _among(value: Any, values: list[Any]) -> bool:
    """Canonical equality ("5" is 5), but a boolean is never a number."""
    wanted = canonical(value)
    return any(wanted == canonical(v) and isinstance(value, bool) == isinstance(v, bool) for v in values)


def _kind(field: InputField) -> str:
    text = field.type.value
    return f"{text} sent as {field.send_as}" if field.send_as else text


def _optional(required: bool) -> str:
    return "required" if required else "optional"


def _values(values: list[Any]) -> str:
    return ", ".join(json.dumps(v, ensure_ascii=False) for v in values)


def _describe(field: dict[str, Any]) -> str:
    text: str = field["type"] + (f" of {field['media']}" if field.get("media") else "")
    if field["type"] == "enum":
        text += f" ({_values(option_values(field))})"
    return text + (", required" if field.get("required") else "")


# ------------------------------------------------------------------ price


@dataclass(frozen=True)
class PriceCheck:
    """Kie's price text beside our lowest price, with a verdict an editor can trust or judge.

    ``agrees``: the text names one credits figure one of our cases explains; ``mismatch``: it
    names one none of them explains; ``judge``: several figures or none (read it yourself);
    ``no_rule``: we have no price; ``no_text``: Kie gives no price text.
    """

    model: str
    price_from: Decimal | None
    pricing_desc: str | None
    figures: tuple[Decimal, ...]
    verdict: PriceVerdict

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.model,
            "price_from_credits": plain(self.price_from),
            "pricing_desc": self.pricing_desc,
            "credits_in_text": [plain(f) for f in self.figures],
            "verdict": self.verdict,
        }


def check_price(entry: ModelEntry, pricing_desc: str | None) -> PriceCheck:
    lowest: Decimal | None
    try:
        lowest = price_from(entry) if entry.price else None
    except PricingError:
        lowest = None
    figures = credit_figures(pricing_desc or "")
    if not (pricing_desc or "").strip():
        verdict: PriceVerdict = "no_text"
    elif entry.price is None:
        verdict = "no_rule"
    elif len(figures) != 1:
        verdict = "judge"
    else:
        verdict = "agrees" if _explained(entry, figures[0], lowest) else "mismatch"
    return PriceCheck(entry.id, lowest, pricing_desc, figures, verdict)


def credit_figures(text: str) -> tuple[Decimal, ...]:
    """The distinct amounts written as "N credits" ("1,000 credits" is 1000), in text order."""
    found: list[Decimal] = []
    for match in _CREDITS.finditer(text):
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        if value not in found:
            found.append(value)
    return tuple(found)


def _explained(entry: ModelEntry, figure: Decimal, lowest: Decimal | None) -> bool:
    """A case's own figure, our lowest price, or a whole number of a per-unit case's units
    ("a 5-second video costs 120 credits" for 24 per second)."""
    assert entry.price is not None
    if figure == lowest:
        return True
    for case in entry.price.cases:
        if figure == case.credits:
            return True
        if case.per_fields and case.credits > 0 and (figure / case.credits) % 1 == 0:
            return True
    return False
