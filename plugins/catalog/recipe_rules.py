"""Recipes (``models/recipes.yaml``) checked against the models they run: an enabled model, preset
values that exist and fit their fields, questions that exist, texts in both languages, a picture
on disk, and a price. Registered through ``Project.lint_rules`` like the catalog's price rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.lint.variable_check import near
from engine.loader.bundle import LANGUAGES, RecipeDef
from engine.loader.errors import Problem
from engine.schema.catalog import FieldType, InputField, ModelEntry, canonical
from plugins.catalog.pricing import PricingError
from plugins.catalog.recipes import recipe_price

declare("RECIPE001", "a recipe runs a model that is not in models/ or is disabled")
declare("RECIPE002", "a recipe presets, asks or words a field its model does not have")
declare("RECIPE003", "a recipe's preset value does not fit its field (type, option, limits)")
declare("RECIPE004", "a recipe has no texts in a language, or hints a field it does not ask")
declare("RECIPE005", "a recipe's picture is not an image file under models/")
declare("RECIPE006", "a recipe neither presets nor asks a field its model requires")
declare("RECIPE007", "a recipe's prompt wording is not on an asked text field or lacks {answer}")
declare("RECIPE008", "a recipe cannot be priced with its preset values")

PICTURE_TYPES = (".png", ".jpg", ".jpeg")


def _models(ctx: LintContext) -> Iterator[tuple[RecipeDef, ModelEntry]]:
    """Each recipe with its model, when it has an enabled one (RECIPE001 says when not)."""
    for found in ctx.bundle.recipes.values():
        model = ctx.bundle.models.get(found.recipe.model)
        if model is not None and model.entry.enabled:
            yield found, model.entry


@check
def recipe_models(ctx: LintContext) -> Iterator[Problem]:
    for found in ctx.bundle.recipes.values():
        recipe = found.recipe
        model = ctx.bundle.models.get(recipe.model)
        if model is None:
            yield finding(
                "RECIPE001",
                found.locate("model"),
                f'recipe "{recipe.id}" runs unknown model "{recipe.model}"'
                f"{near(recipe.model, ctx.bundle.models)}",
            )
        elif not model.entry.enabled:
            yield finding(
                "RECIPE001",
                found.locate("model"),
                f'recipe "{recipe.id}" runs model "{recipe.model}", which is disabled '
                f"({model.entry.disabled_reason or 'no reason given'})",
            )


@check
def recipe_fields(ctx: LintContext) -> Iterator[Problem]:
    for found, entry in _models(ctx):
        recipe = found.recipe
        named = [("values", n) for n in recipe.values] + [("ask", n) for n in recipe.ask]
        named += [("prompt", n) for n in recipe.prompt]
        for where, name in named:
            if name not in entry.input:
                at = (
                    found.locate(where, name)
                    if where != "ask"
                    else found.locate("ask", recipe.ask.index(name))
                )
                yield finding(
                    "RECIPE002",
                    at,
                    f'recipe "{recipe.id}": model "{entry.id}" has no field "{name}"'
                    f"{near(name, entry.input)} (fields: {', '.join(entry.input)})",
                )
        for name in set(recipe.values) & set(recipe.ask):
            yield finding(
                "RECIPE002",
                found.locate("ask", recipe.ask.index(name)),
                f'recipe "{recipe.id}" both presets and asks "{name}"; do one',
            )


@check
def recipe_values(ctx: LintContext) -> Iterator[Problem]:
    for found, entry in _models(ctx):
        for name, value in found.recipe.values.items():
            field = entry.input.get(name)
            why = misfit(field, value) if field is not None else None
            if why:
                yield finding(
                    "RECIPE003",
                    found.locate("values", name),
                    f'recipe "{found.recipe.id}": "{name}" = {value!r} {why}',
                )


def misfit(field: InputField, value: Any) -> str | None:
    """Why ``value`` cannot be preset on ``field`` (None: it can)."""
    if field.type is FieldType.ENUM:
        options = [o.value for o in field.options]
        if canonical(value) not in {canonical(o) for o in options}:
            return f"is not one of its options ({', '.join(map(str, options))})"
        return None
    if field.type is FieldType.BOOLEAN:
        return None if isinstance(value, bool) else "is not true or false"
    if field.type in (FieldType.INTEGER, FieldType.NUMBER):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "is not a number"
        if field.type is FieldType.INTEGER and not float(value).is_integer():
            return "is not a whole number"
        if field.minimum is not None and value < field.minimum:
            return f"is below its minimum {field.minimum:g}"
        if field.maximum is not None and value > field.maximum:
            return f"is above its maximum {field.maximum:g}"
        return None
    if field.type is FieldType.STRING:
        if not isinstance(value, str) or not value:
            return "is not text"
        if field.max_length is not None and len(value) > field.max_length:
            return f"is longer than its max_length {field.max_length}"
        return None
    return f"cannot be preset: a {field.type.value} field is sent by the user"


@check
def recipe_texts(ctx: LintContext) -> Iterator[Problem]:
    for found in ctx.bundle.recipes.values():
        recipe = found.recipe
        for language in LANGUAGES:
            words = getattr(recipe, language)
            if words is None:
                yield finding(
                    "RECIPE004",
                    found.locate(),
                    f'recipe "{recipe.id}" has no {language} texts (name, description)',
                )
                continue
            for name in words.questions:
                if name not in recipe.ask:
                    yield finding(
                        "RECIPE004",
                        found.locate(language, "questions", name),
                        f'recipe "{recipe.id}": a {language} hint for "{name}", which '
                        f"the recipe does not ask",
                    )
        if recipe.ru and recipe.en:
            for name in set(recipe.ru.questions) ^ set(recipe.en.questions):
                missing = "en" if name in recipe.ru.questions else "ru"
                yield finding(
                    "RECIPE004",
                    found.locate(),
                    f'recipe "{recipe.id}": the hint for "{name}" has no {missing} text',
                )


@check
def recipe_pictures(ctx: LintContext) -> Iterator[Problem]:
    models = (ctx.bundle.root / "models").resolve()
    for found in ctx.bundle.recipes.values():
        picture = found.recipe.picture
        path = (models / picture).resolve()
        if not path.is_relative_to(models) or path.suffix.lower() not in PICTURE_TYPES:
            yield finding(
                "RECIPE005",
                found.locate("picture"),
                f'recipe "{found.recipe.id}": picture "{picture}" must be a .png or .jpg under models/',
            )
        elif not path.is_file():
            yield finding(
                "RECIPE005",
                found.locate("picture"),
                f'recipe "{found.recipe.id}": picture "models/{picture}" does not exist '
                f"(scripts/draw_recipe_pictures.py draws the shipped ones)",
            )


@check
def recipe_required(ctx: LintContext) -> Iterator[Problem]:
    for found, entry in _models(ctx):
        recipe = found.recipe
        for name, field in entry.input.items():
            if (
                field.required
                and field.from_job is None
                and field.default is None
                and not field.is_conditional
                and name not in recipe.values
                and name not in recipe.ask
            ):
                yield finding(
                    "RECIPE006",
                    found.locate("ask"),
                    f'recipe "{recipe.id}": model "{entry.id}" requires "{name}"; preset it or add it to ask',
                )


@check
def recipe_prompts(ctx: LintContext) -> Iterator[Problem]:
    for found, entry in _models(ctx):
        recipe = found.recipe
        for name, wording in recipe.prompt.items():
            field = entry.input.get(name)
            if field is None:
                continue  # RECIPE002
            if field.type is not FieldType.STRING or name not in recipe.ask:
                yield finding(
                    "RECIPE007",
                    found.locate("prompt", name),
                    f'recipe "{recipe.id}": wording for "{name}", which is not an asked text field',
                )
            elif "{answer}" not in wording:
                yield finding(
                    "RECIPE007",
                    found.locate("prompt", name),
                    f'recipe "{recipe.id}": the wording for "{name}" has no {{answer}}, '
                    f"so what the user types would be lost",
                )
            elif field.max_length is not None and len(wording) >= field.max_length:
                yield finding(
                    "RECIPE007",
                    found.locate("prompt", name),
                    f'recipe "{recipe.id}": the wording for "{name}" leaves no room '
                    f"within its max_length {field.max_length}",
                )


@check
def recipe_prices(ctx: LintContext) -> Iterator[Problem]:
    for found, entry in _models(ctx):
        if entry.price is None:
            continue  # MODEL003
        try:
            recipe_price(entry, found.recipe)
        except PricingError as exc:
            yield finding("RECIPE008", found.locate("values"), f'recipe "{found.recipe.id}": {exc}')
