"""Kie.ai credits for a model and the values a form collected: the price a user confirms.

Rules live in the catalog (``price.cases``, first match wins); this module only reads them.
When a price depends on something not known before generation, the catalog prices the worst
case: a media file's length falls back to its field's ``max_seconds`` until the form tells
the real length (Telegram reports it for audio and video).
"""

from __future__ import annotations

import itertools
import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from engine.schema.catalog import (
    CREDIT_USD,
    TIMED_MEDIA,
    FieldType,
    InputField,
    ModelEntry,
    PriceCase,
)
from engine.schema.visibility import effective_values, is_given, one_of

#: above this many combinations of priced choices, ``price_from`` only tries the defaults
MAX_COMBINATIONS = 4096


class PricingError(ValueError):
    """The model cannot be priced for these values (no rule, no matching case, a missing value)."""


@dataclass(frozen=True)
class PriceBasis:
    """What a unit price is per, for "from 12 credits per 1000 characters" on a card."""

    field: str
    kind: Literal["characters", "seconds", "items", "entries"]  # items: files; entries: a list's
    unit: Decimal


def usd(credits: Decimal) -> Decimal:
    return credits * CREDIT_USD


def match_case(entry: ModelEntry, effective: Mapping[str, Any]) -> PriceCase | None:
    """The first case whose ``when`` holds for ``effective`` values (see ``effective_values``)."""
    if entry.price is None:
        return None
    for case in entry.price.cases:
        if all(one_of(effective.get(name), allowed) for name, allowed in case.when.items()):
            return case
    return None


def credits_for(
    entry: ModelEntry, values: Mapping[str, Any], media_seconds: Mapping[str, float] | None = None
) -> Decimal:
    """Credits for one generation with ``values`` (form answers; missing ones take defaults).

    ``media_seconds`` gives the length of uploaded audio/video by field; where it is missing a
    per-second price assumes the field's ``max_seconds`` (the worst case the form allows).
    """
    if entry.price is None:
        raise PricingError(f'model "{entry.id}" has no price rule')
    effective = effective_values(entry, values)
    case = match_case(entry, effective)
    if case is None:
        chosen = {name: effective.get(name) for name in entry.price.fields()}
        raise PricingError(f'model "{entry.id}": no price case matches {chosen}')
    return case.credits * _units(entry, case, effective, media_seconds or {})


def _units(
    entry: ModelEntry, case: PriceCase, values: Mapping[str, Any], media_seconds: Mapping[str, float]
) -> Decimal:
    if not case.per_fields:
        return Decimal(1)
    amounts = [_amount(entry, name, values, media_seconds) for name in case.per_fields]
    return max(amounts) / case.unit


def _amount(
    entry: ModelEntry, path: str, values: Mapping[str, Any], media_seconds: Mapping[str, float]
) -> Decimal:
    name, _, sub = path.partition(".")
    field = entry.input.get(name)
    if field is None or (sub and sub not in field.items):
        raise PricingError(f'model "{entry.id}": price is per unknown field "{path}"')
    value = values.get(name)
    if sub:  # a field of a list's items: summed over the items
        if not is_given(value) or not isinstance(value, list):
            raise PricingError(f'model "{entry.id}": the price needs a value for "{name}"')
        item_field = field.items[sub]
        given = [i.get(sub, item_field.default) for i in value if isinstance(i, dict)]
        return sum((_plain_amount(entry, path, item_field, v) for v in given if is_given(v)), Decimal(0))
    if field.type in (FieldType.FILE, FieldType.FILES) and field.media in TIMED_MEDIA:
        return _seconds(entry, name, field, value, media_seconds)
    if not is_given(value):
        raise PricingError(f'model "{entry.id}": the price needs a value for "{name}"')
    return _plain_amount(entry, name, field, value)


def _plain_amount(entry: ModelEntry, path: str, field: InputField, value: Any) -> Decimal:
    """The amount of a value that needs no media lengths: characters, count or number."""
    if field.type is FieldType.STRING:
        return Decimal(len(str(value)))
    if field.type in (FieldType.FILES, FieldType.LIST):
        return Decimal(len(value) if isinstance(value, list | tuple) else 1)
    if field.type in (FieldType.INTEGER, FieldType.NUMBER, FieldType.ENUM) and not isinstance(value, bool):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            pass
    raise PricingError(f'model "{entry.id}": "{path}" = {value!r} is not an amount')


def _seconds(
    entry: ModelEntry, name: str, field: InputField, value: Any, media_seconds: Mapping[str, float]
) -> Decimal:
    """Known length (all files of a ``files`` field together), else the worst case."""
    if not is_given(value) and name not in media_seconds:
        return Decimal(0)
    seconds = media_seconds.get(name)
    if seconds is None:
        if field.max_seconds is None:
            raise PricingError(
                f'model "{entry.id}": the length of "{name}" is unknown and it has no max_seconds'
            )
        count = len(value) if isinstance(value, list | tuple) else 1
        seconds = field.max_seconds * count
    return Decimal(math.ceil(seconds))


def price_from(entry: ModelEntry) -> Decimal:
    """The lowest price any choice gives ("from …" on a card).

    Per-unit prices (characters, media seconds) count one unit, so a voice-over shows its price
    per 1000 characters; numeric amounts (duration, number of images) take their minimum.
    Worked out once per entry (``cheapest_choice``): the catalog, the generation and the prices
    plug-ins each ask it of every model as they start (three passes of ~20 ms).
    """
    return cheapest_choice(entry)[0]


#: cheapest choices already worked out, by the entry's identity (entries are frozen, and
#: compare by value, so not by key): every plug-in of every start asks for all of them; a
#: reloaded or narrowed entry's answer goes with the entry
_CHEAPEST: dict[int, tuple[weakref.ref[ModelEntry], Decimal, dict[str, Any]]] = {}


def cheapest_choice(entry: ModelEntry) -> tuple[Decimal, dict[str, Any]]:
    """The lowest price and the choice of values that gives it (the first such, in the order
    of the fields' options), so a card can say what that price buys ("a 5-second clip")."""
    key = id(entry)
    known = _CHEAPEST.get(key)
    if known is None or known[0]() is not entry:
        credits, values = _cheapest(entry)
        known = _CHEAPEST[key] = (weakref.ref(entry, lambda _: _CHEAPEST.pop(key, None)), credits, values)
    return known[1], dict(known[2])


def _cheapest(entry: ModelEntry) -> tuple[Decimal, dict[str, Any]]:
    if entry.price is None:
        raise PricingError(f'model "{entry.id}" has no price rule')
    lowest: tuple[Decimal, dict[str, Any]] | None = None
    for values, seconds in _lowest_choices(entry):
        try:
            credits = credits_for(entry, values, seconds)
        except PricingError:
            continue
        if lowest is None or credits < lowest[0]:
            lowest = (credits, values)
    if lowest is None:
        raise PricingError(f'model "{entry.id}": no choice of values matches a price case')
    return lowest


def price_basis(entry: ModelEntry) -> PriceBasis | None:
    """The unit of a per-character, per-second-of-media or per-item price, if it is one."""
    for case in entry.price.cases if entry.price else []:
        for path in case.per_fields:
            field = field_at(entry, path)
            if field is None:
                continue
            if field.type is FieldType.STRING:
                return PriceBasis(path, "characters", case.unit)
            if field.type in (FieldType.FILE, FieldType.FILES) and field.media in TIMED_MEDIA:
                return PriceBasis(path, "seconds", case.unit)
            if field.type is FieldType.FILES:
                return PriceBasis(path, "items", case.unit)
            if field.type is FieldType.LIST:
                return PriceBasis(path, "entries", case.unit)
    return None


def field_at(entry: ModelEntry, path: str) -> InputField | None:
    """The field a price's ``per`` names: ``name`` or ``list.item_field``."""
    name, _, sub = path.partition(".")
    field = entry.input.get(name)
    if field is None or not sub:
        return field
    return field.items.get(sub)


def finite_choices(entry: ModelEntry, name: str) -> list[Any] | None:
    """Every value an enum or boolean field can take (None = left empty), else None."""
    field = entry.input[name]
    if field.type is FieldType.ENUM:
        choices: list[Any] = [o.value for o in field.options]
    elif field.type is FieldType.BOOLEAN:
        choices = [True, False]
    else:
        return None
    if (not field.required or field.is_conditional) and field.default is None:
        choices.append(None)
    return choices


def _lowest_choices(entry: ModelEntry) -> list[tuple[dict[str, Any], dict[str, float]]]:
    assert entry.price is not None
    names = [n for n in entry.price.fields() if n in entry.input]
    finite = {n: c for n in names if (c := finite_choices(entry, n)) is not None}
    base: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    units = max((case.unit for case in entry.price.cases), default=Decimal(1))
    for name in names:
        if name in finite:
            continue
        field = entry.input[name]
        if field.type is FieldType.LIST:
            base[name] = _sample_items(field, units)
        elif field.type in (FieldType.FILE, FieldType.FILES) and field.media in TIMED_MEDIA:
            base[name], seconds[name] = "x", 1.0
        else:
            base[name] = _sample(field, units)
    combos = math.prod(len(c) for c in finite.values())
    if combos > MAX_COMBINATIONS:
        return [(base, seconds)]
    keys = list(finite)
    return [
        ({**base, **dict(zip(keys, combo, strict=True))}, seconds)
        for combo in itertools.product(*(finite[k] for k in keys))
    ]


def _sample(field: InputField, units: Decimal) -> Any:
    """The smallest value of a field that still counts one unit of a per-unit price."""
    if field.type is FieldType.STRING:
        return "x" * max(int(units), field.min_length or 1)
    if field.type is FieldType.FILES:
        return ["x"] * max(field.min_items or 1, 1)
    if field.type is FieldType.FILE:
        return "x"
    if field.type is FieldType.ENUM:
        return field.options[0].value
    if field.type is FieldType.BOOLEAN:
        return False
    if field.minimum is not None:
        return field.minimum
    return field.default if field.default is not None else 1


def _sample_items(field: InputField, units: Decimal) -> list[dict[str, Any]]:
    """The fewest items a list takes: the first counts one unit, the others their least."""
    count = max(field.min_items or 1, 1)
    return [
        {k: _sample(f, units if i == 0 else Decimal(1)) for k, f in field.items.items()} for i in range(count)
    ]
