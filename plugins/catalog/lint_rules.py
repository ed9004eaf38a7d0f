"""The catalog's prices: every enabled model has a rule, it prices every choice a form allows,
and what it multiplies by always has an amount. They need the catalog's pricing, so they live
with the catalog plug-in and run where the project lists them (``Project.lint_rules``)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from engine.lint.context import LintContext
from engine.lint.model_rules import enabled_models
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem
from engine.schema.catalog import TIMED_MEDIA, FieldType, InputField, ModelEntry, canonical
from engine.schema.visibility import effective_values
from plugins.catalog.pricing import MAX_COMBINATIONS, field_at, finite_choices, match_case

declare("MODEL003", "an enabled model has no price rule, or its rule is per a field with no amount")
declare("MODEL007", "an enabled model's price depends on a field that may be left empty")
declare("MODEL009", "an enabled model's price rule leaves some choice of values unpriced")


@check
def price_rules(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        entry = model.entry
        if entry.price is None:
            yield finding("MODEL003", model.locate(), f'model "{entry.id}" is enabled but has no price rule')
            continue
        for i, case in enumerate(entry.price.cases):
            for name in case.per_fields:
                field = field_at(entry, name)
                item = "." in name
                if field is None or not _has_amount(field) or (item and _timed(field)):
                    yield finding(
                        "MODEL003",
                        model.locate("price", "cases", i, "per"),
                        f'model "{entry.id}": price is per "{name}", which is not a '
                        f"number, text, media file, list of files or list of objects "
                        f"of the model (nor a number, text or image list of its items)",
                    )


def _timed(field: InputField) -> bool:
    return field.type in (FieldType.FILE, FieldType.FILES) and field.media in TIMED_MEDIA


def _has_amount(field: InputField) -> bool:
    if field.type in (FieldType.INTEGER, FieldType.NUMBER, FieldType.STRING, FieldType.FILES):
        return True
    if field.type is FieldType.LIST:
        return field.is_object_list
    if field.type is FieldType.FILE:
        return field.media in TIMED_MEDIA
    if field.type is FieldType.ENUM:
        return all(isinstance(canonical(o.value), Decimal) for o in field.options)
    return False


@check
def priced_fields_filled(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        entry = model.entry
        for name in entry.price.fields() if entry.price else ():
            field = entry.input.get(name)
            if field is None or field.type in (FieldType.FILE, FieldType.FILES):
                continue
            if field.default is None and (not field.required or field.is_conditional):
                yield finding(
                    "MODEL007",
                    model.locate("input", name),
                    f'model "{entry.id}": the price depends on "{name}", which may be '
                    f"left empty; make it required or give it a default",
                )


_OTHER = object()


@check
def exhaustive_prices(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        entry = model.entry
        if entry.price is None:
            continue
        combo = _unpriced_choice(entry)
        if combo is not None:
            shown = ", ".join(f"{k}={'(other)' if v is _OTHER else v!r}" for k, v in combo.items())
            yield finding(
                "MODEL009",
                model.doc.locate_key((*model.path, "price", "cases")),
                f'model "{entry.id}": no price case matches {shown}; add a case or a last case without when',
            )


def _unpriced_choice(entry: ModelEntry) -> dict[str, Any] | None:
    assert entry.price is not None
    names = [n for n in dict.fromkeys(k for c in entry.price.cases for k in c.when) if n in entry.input]
    choices = {n: _choices(entry, n) for n in names}
    if math.prod(len(c) for c in choices.values()) > MAX_COMBINATIONS:
        return None
    for combo in itertools.product(*choices.values()):
        values = dict(zip(names, combo, strict=True))
        if match_case(entry, effective_values(entry, values)) is None:
            return values
    return None


def _choices(entry: ModelEntry, name: str) -> list[Any]:
    """An enum's or boolean's values; for any other field, the values the price cases name
    and one value none of them names."""
    found = finite_choices(entry, name)
    if found is not None:
        return found
    field = entry.input[name]
    cases = entry.price.cases if entry.price else []
    found = [v for case in cases for v in case.when.get(name, [])] + [_OTHER]
    if field.default is None and (not field.required or field.is_conditional):
        found.append(None)
    return found


@check
def media_seconds_bounded(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        entry = model.entry
        for i, case in enumerate(entry.price.cases if entry.price else []):
            for name in case.per_fields:
                field = entry.input.get(name)
                if (
                    field is not None
                    and field.type in (FieldType.FILE, FieldType.FILES)
                    and field.media in TIMED_MEDIA
                    and field.max_seconds is None
                ):
                    yield finding(
                        "MODEL010",
                        model.locate("price", "cases", i, "per"),
                        f'model "{entry.id}": price is per second of "{name}", which '
                        f"has no max_seconds, so the worst case is unbounded",
                    )
