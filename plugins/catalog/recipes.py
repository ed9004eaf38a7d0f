"""Recipes as the catalog serves them: the list, a card's price in plain words, a form's preset.

A recipe (``models/recipes.yaml``, schema in ``engine/schema/recipe.py``) is a model with some
inputs set in advance. Its price is the model's price with those inputs fixed: exact when
nothing the user is asked changes it, "from" the cheapest choice otherwise, and per unit
(characters, seconds of media) when the model is priced so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from engine.loader.bundle import Bundle, RecipeDef
from engine.schema.catalog import FieldType, ModelEntry, canonical
from engine.schema.recipe import Recipe
from engine.schema.visibility import one_of
from plugins.catalog.pricing import cheapest_choice, price_basis, price_from

#: what one run of a model makes, by its category's last word, for "за картинку" and the like
Unit = Literal["image", "video", "clip", "audio", "characters", "seconds", "run"]
_MADE = {
    "image": "image",
    "edit": "image",
    "upscale": "image",
    "video": "video",
    "lipsync": "video",
    "speech": "audio",
    "music": "audio",
    "effects": "audio",
    "isolation": "audio",
}


@dataclass(frozen=True)
class RecipePrice:
    """Credits of one run (or of ``amount`` units), and whether asked answers can raise it."""

    credits: Decimal
    unit: Unit
    amount: int = 1
    at_least: bool = False


def enabled_recipes(bundle: Bundle) -> list[RecipeDef]:
    """Recipes whose model is enabled, in file order: the others are never offered."""
    return [r for r in bundle.recipes.values() if _entry(bundle, r.recipe) is not None]


def _entry(bundle: Bundle, recipe: Recipe) -> ModelEntry | None:
    found = bundle.models.get(recipe.model)
    return found.entry if found is not None and found.entry.enabled else None


def recipe_model(bundle: Bundle, recipe: Recipe) -> ModelEntry:
    entry = _entry(bundle, recipe)
    if entry is None:
        raise LookupError(f"recipe {recipe.id}: model {recipe.model} is not enabled")
    return entry


def narrowed(entry: ModelEntry, values: dict[str, Any]) -> ModelEntry:
    """The model as a recipe leaves it: each preset field required, with only its value."""
    fields = {}
    for name, field in entry.input.items():
        if name not in values:
            fields[name] = field
            continue
        value = values[name]
        options = [o for o in field.options if str(o.value) == str(value)] or field.options
        fields[name] = field.model_copy(
            update={
                "default": options[0].value if field.type is FieldType.ENUM else value,
                "required": True,
                "options": options,
            }
        )
    return entry.model_copy(update={"input": fields})


def recipe_price(entry: ModelEntry, recipe: Recipe) -> RecipePrice:
    """The price of a run of ``recipe`` as its card states it (see the module's docstring)."""
    return unit_price(entry, recipe.values)


#: a price per this many characters reads best on a card ("0,50 ₽ за 100 символов")
CHARACTERS_SHOWN = 100
#: a numeric input a price may be per that counts seconds of the result
SECONDS_FIELD = "duration"


def unit_price(entry: ModelEntry, values: dict[str, Any] | None = None) -> RecipePrice:
    """The price per unit a card and a button state for ``entry`` with ``values`` fixed: per
    100 characters, per second (of the user's media, or of the video when the price is per
    its duration), else per picture, video or track; "from" when something asked can raise it."""
    values = values or {}
    model = narrowed(entry, values)
    rule = model.price
    chosen = {k for case in (rule.cases if rule else []) for k in case.when} - set(values)
    basis = price_basis(model)
    if basis is not None and basis.kind == "characters" and basis.unit > CHARACTERS_SHOWN:
        credits = price_from(model) * CHARACTERS_SHOWN / basis.unit
        return RecipePrice(credits, "characters", CHARACTERS_SHOWN, at_least=bool(chosen))
    if basis is not None and basis.kind in ("characters", "seconds"):
        return RecipePrice(price_from(model), basis.kind, int(basis.unit), at_least=bool(chosen))
    per_second = _per_second(model, values) if SECONDS_FIELD not in values else None
    if per_second is not None:
        credits, several = per_second
        return RecipePrice(credits, "seconds", at_least=several or bool(chosen - {SECONDS_FIELD}))
    priced = set(rule.fields()) if rule else set()
    at_least = bool(priced - set(values))
    credits, cheapest = cheapest_choice(model)
    unit = made_by(entry)
    length = clip_seconds(model, {**cheapest, **values}) if unit == "video" else None
    if length is not None:  # "от 38 ₽ за ролик 5 с": the cheapest price buys the shortest clip
        return RecipePrice(credits, "clip", length, at_least=at_least)
    return RecipePrice(credits, unit, at_least=at_least)


#: the inputs that set a video's length in seconds ("5", 10), by the names Kie.ai's models use
LENGTH_FIELDS = (SECONDS_FIELD, "n_frames")


def clip_seconds(entry: ModelEntry, values: dict[str, Any]) -> int | None:
    """How long the clip is with these values, when a length input is among the priced ones."""
    priced = {k for case in (entry.price.cases if entry.price else []) for k in case.when}
    for name in LENGTH_FIELDS:
        if name in entry.input and name in priced:
            amount = canonical(values.get(name, entry.input[name].default))
            if isinstance(amount, Decimal) and amount > 0 and amount == amount.to_integral_value():
                return int(amount)
    return None


def _per_second(entry: ModelEntry, values: dict[str, Any]) -> tuple[Decimal, bool] | None:
    """The lowest rate per second of a price per the video's duration (among the cases
    ``values`` allow), and whether it varies."""
    field = entry.input.get(SECONDS_FIELD)
    if entry.price is None or field is None:
        return None
    rates: set[Decimal] = set()
    for case in entry.price.cases:
        if not all(one_of(values[k], allowed) for k, allowed in case.when.items() if k in values):
            continue
        if case.per_fields == (SECONDS_FIELD,):
            rates.add(case.credits / case.unit)
        elif not case.per_fields and SECONDS_FIELD in case.when:
            # a price per duration choice (5 s: 55 credits, 10 s: 110): its rate per second
            for seconds in case.when[SECONDS_FIELD]:  # a list: one value is read as a list of it
                amount = canonical(seconds)
                if not isinstance(amount, Decimal) or amount <= 0:
                    return None
                rates.add(case.credits / amount)
        else:
            return None
    if not rates:
        return None
    return min(rates), len(rates) > 1


def made_by(entry: ModelEntry) -> Unit:
    """What one run gives: an image, a video, an audio track (else a plain "run")."""
    last = entry.category.rsplit("-", 1)[-1]
    found = _MADE.get(last)
    return found if found is not None else "run"  # type: ignore[return-value]


def preset(recipe: Recipe, entry: ModelEntry) -> dict[str, Any]:
    """What the recipe's form is prefilled with (the form's ``prefill`` contract); an option is
    sent as the model spells it (``"5"``, not ``5``)."""
    values = {}
    for name, value in recipe.values.items():
        field = entry.input.get(name)
        spelt = (
            [o.value for o in field.options if canonical(o.value) == canonical(value)]
            if (field is not None and field.type is FieldType.ENUM)
            else []
        )
        values[name] = spelt[0] if spelt else value
    return {"values": values, "fixed": list(values), "ask": list(recipe.ask), "compose": dict(recipe.prompt)}
