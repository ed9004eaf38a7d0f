"""One reference entry on its way to a catalog entry: fields, price, status, texts and order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .fields import FIELD_KEYS, api_safe_name, convert_field, uncollectable_item
from .menu import CATEGORY, TASK_OF_MODE
from .names import MODE_NAMES, NAMES, vendor_of
from .not_models import load_unconfirmed, unconfirmed_note
from .overrides import OVERRIDES
from .prices import PRICE_SOURCES, PRICES, per_fields, per_paths

LEGACY_NOTE = "legacy id: not in the Aug-2026 docs, still listed in the playground paths (2026-06)"
PROMPT_FIELDS = ("prompt", "text")


class Model:
    """One reference entry on its way to a catalog entry."""

    def __init__(self, ref: dict[str, Any]) -> None:
        self.ref = ref
        self.id: str = ref["id"]
        self.over: dict[str, Any] = OVERRIDES.get(self.id, {})
        self.notes: list[str] = []
        self.blockers: list[str] = []
        self.fields: dict[str, dict[str, Any]] = {}
        self.price: dict[str, Any] | None = None

    # -- inputs
    def build_inputs(self) -> None:
        omit: dict[str, str] = self.over.get("omit", {})
        for ref in self.ref["inputs"]:
            name, api_name = api_safe_name(ref["name"])
            if ref["name"] in omit:
                self.notes.append(f"omitted {ref['name']}: {omit[ref['name']]}")
                continue
            if ref.get("deprecated"):
                self.notes.append(f"omitted {ref['name']}: deprecated in the reference")
                continue
            field = convert_field(self.id, ref)
            if api_name:
                field["api_name"] = api_name
            if field["type"] in ("list", "object"):
                what = _uncollectable(ref, field)
                if what is None and not ref.get("required"):
                    self.notes.append(
                        f"omitted {ref['name']}: an optional list of objects, left out to keep the form short"
                    )
                    continue
                if what is not None and ref.get("required"):
                    self.blockers.append(f"{ref['name']} ({what})")
                elif what is not None and self.ref["schema_confidence"] not in ("low", "none"):
                    self.notes.append(f"omitted {ref['name']}: {what}, which a chat cannot collect")
                    continue
            self.fields[name] = field
        for name, patch in self.over.get("fields", {}).items():
            if name not in self.fields:
                raise SystemExit(f"{self.id}: override for unknown field {name}")
            self._patch(name, patch)

    def _patch(self, name: str, patch: dict[str, Any]) -> None:
        field = self.fields[name]
        for key, value in patch.items():
            if key == "keep_options":
                field["options"] = [
                    o for o in field["options"] if str(o["value"] if isinstance(o, dict) else o) in value
                ]
                if "default" in field and str(field["default"]) not in value:
                    del field["default"]
            elif key == "type" and value in ("integer", "number") and field["type"] == "string":
                field["type"] = value
                field.pop("max_length", None)
            elif value is None:
                field.pop(key, None)
            else:
                field[key] = value
        if field.get("type") == "enum" and "options" not in field:
            raise SystemExit(f"{self.id}: {name} became an enum without options")

    # -- price
    def build_price(self) -> None:
        spec = PRICES.get(self.id) or self.ref.get("verified_rule")
        if spec is None:
            return
        rows = self.ref.get("price") or []
        if self.ref.get("verified_source"):
            rows = [r for r in rows if r["source"].startswith("VERIFIED:")]
            sources = [f"{self.ref['verified_file']}: {self.ref['verified_source']}"]
        else:
            sources = sorted({PRICE_SOURCES[r["source"].split(":")[0]] for r in rows})
        source = spec.get("source") or "; ".join(sources)
        self.price = {"source": source}
        if spec.get("note"):
            self.price["note"] = spec["note"]
        self.price["cases"] = spec["cases"]
        for case in spec["cases"]:
            for name in [*case.get("when", {}), *per_paths(case)]:
                top, _, item = name.partition(".")
                if top not in self.fields or (item and item not in self.fields[top].get("items", {})):
                    raise SystemExit(f"{self.id}: price names unknown field {name}")
        self._check_against_reference(spec, rows)

    def _check_against_reference(self, spec: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """Every figure we charge is one the sources give (or one we explained)."""
        known = {Decimal(str(r["credits"])) for r in rows}
        known |= {Decimal(str(v)) for v in spec.get("extra_credits", ())}
        for case in spec["cases"]:
            if Decimal(str(case["credits"])) not in known:
                raise SystemExit(f"{self.id}: {case['credits']} credits is not in the sources")

    def require_priced_fields(self) -> None:
        """A price must never rest on a field the user may leave empty."""
        if self.price is None:
            return
        for case in self.price["cases"]:
            for name in [*case.get("when", {}), *per_fields(case)]:
                field = self.fields[name]
                if not field.get("required") and "default" not in field:
                    field["required"] = True
                    self.notes.append(
                        f"{name} is asked (optional at Kie, no default) because the price depends on it"
                    )

    # -- order
    def ordered_fields(self) -> dict[str, dict[str, Any]]:
        return {
            name: {k: field[k] for k in sorted(field, key=FIELD_KEYS.index)}
            for name, field in self._ordered().items()
        }

    def _ordered(self) -> dict[str, dict[str, Any]]:
        names = list(self.fields)

        def rank(name: str) -> tuple[int, int, int, int]:
            field = self.fields[name]
            return (
                0 if name in PROMPT_FIELDS else 1,
                0 if field.get("required") else 1,
                1 if field.get("advanced") else 0,
                names.index(name),
            )

        placed: dict[str, dict[str, Any]] = {}

        def place(name: str, path: tuple[str, ...]) -> None:
            if name in placed or name in path:
                return
            field = self.fields[name]
            for other in [
                *field.get("ask_when", {}),
                *field.get("requires", []),
                *field.get("excludes", []),
                *field.get("required_unless", []),
            ]:
                if other in self.fields:
                    place(other, (*path, name))
            placed[name] = field

        for name in sorted(names, key=rank):
            place(name, ())
        return placed

    # -- status
    def status(self) -> tuple[bool, str | None]:
        confidence = self.ref["schema_confidence"]
        if self.over.get("disable"):
            return False, self.over["disable"]
        if confidence == "none":
            return False, "id only: the reference has no input schema and no price for this id"
        if confidence == "low":
            return False, (
                "low-confidence schema: fields rebuilt from secondary sources — "
                f"{_short(self.ref['status'])}; verify them against docs.kie.ai "
                "before enabling"
            )
        if self.blockers:
            return False, (
                "uncollectable input: requires " + ", ".join(self.blockers) + ", which a chat cannot collect"
            )
        if self.price is None:
            lists = [n for n, f in self.fields.items() if f.get("items")]
            return False, (
                "no price: neither the reference nor scripts/verified/ gives a Kie "
                "price for this model"
                + (
                    f" (its input schema is complete, the lists of objects {', '.join(lists)} included)"
                    if lists
                    else ""
                )
            )
        return True, None

    # -- texts
    def base_name(self) -> str:
        return NAMES[self.id][0]

    def mode(self) -> str:
        return NAMES[self.id][1]

    def name(self) -> dict[str, str]:
        """The generated name; an editor's ``name`` in ``models/texts/`` wins at load time."""
        suffix = MODE_NAMES[self.mode()]
        return {"ru": f"{self.base_name()} — {suffix[0]}", "en": f"{self.base_name()} — {suffix[1]}"}

    def tasks(self) -> list[str]:
        found: list[str] = []
        for mode in self.over.get("modes") or self.ref["modes"]:
            for task in TASK_OF_MODE.get(mode, ()):
                if task not in found:
                    found.append(task)
        return found

    def entry(self) -> dict[str, Any]:
        enabled, reason = self.status()
        if "legacy" in self.ref["status"]:
            self.notes.insert(0, LEGACY_NOTE)
        notes = [*self.over.get("notes", []), *self.notes]
        if self.id in (unconfirmed := load_unconfirmed()):
            notes.insert(0, unconfirmed_note(unconfirmed[self.id]))
        entry: dict[str, Any] = {
            "id": self.id,
            "vendor": vendor_of(self.ref),
            "category": CATEGORY[self.ref["category"]],
            "tasks": self.tasks(),
            "name": self.name(),
            "enabled": enabled,
        }
        if reason:
            entry["disabled_reason"] = reason
        if notes:
            entry["notes"] = notes
        if self.price:
            entry["price"] = self.price
        if self.over.get("follow_up"):
            entry["follow_up"] = self.over["follow_up"]
        if self.fields:
            entry["input"] = self.ordered_fields()
        return entry


def _uncollectable(ref: dict[str, Any], field: dict[str, Any]) -> str | None:
    """Why a list/object input cannot be asked (None: a list of objects a form can collect)."""
    kind = ref["type"]
    if kind.startswith("url"):
        return "a document or web link"
    what = f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
    if kind != "object-array":
        return what
    if not field.get("items"):
        return f"{what} whose items the reference does not describe"
    bad = uncollectable_item(field)
    if bad is not None:
        item = next(i for i in ref["items"] if api_safe_name(i["name"])[0] == bad)
        return f"{what} whose item field {item['name']} is {_uncollectable(item, {}) or 'a list'}"
    return None


def _short(status: str) -> str:
    """The reference status up to its first ';' (the whole of it inside parentheses)."""
    first = status.split(";")[0]
    if first.count("(") > first.count(")"):
        first = status
    return first.replace(" (unverified by me)", "").strip()
