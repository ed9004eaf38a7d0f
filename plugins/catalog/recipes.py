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
from plugins.catalog.pricing import price_basis, price_from

#: what one run of a model makes, by its category's last word, for "за картинку" and the like
Unit = Literal["image", "video", "audio", "characters", "seconds", "run"]
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
    model = narrowed(entry, recipe.values)
    credits = price_from(model)
    basis = price_basis(model)
    if basis is not None and basis.kind in ("characters", "seconds"):
        return RecipePrice(credits, basis.kind, int(basis.unit))
    priced = set(model.price.fields()) if model.price else set()
    varying = bool(priced - set(recipe.values))
    return RecipePrice(credits, made_by(entry), at_least=varying)


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
