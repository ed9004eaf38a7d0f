"""The model catalog: every enabled model can be collected by a form (price rules: the project's)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from engine.lint.context import LintContext
from engine.lint.plugin_rules import call_sites
from engine.lint.registry import check, declare, finding
from engine.loader.bundle import ModelDef
from engine.loader.errors import Problem
from engine.loader.yaml_source import PathKey
from engine.plugin import is_model_ref
from engine.schema.catalog import (
    COLLECTABLE,
    FieldType,
    InputField,
    canonical,
    is_collectable,
)
from engine.templates import is_template

declare("MODEL001", "a flow names a model that is not in models/")
declare("MODEL002", "an enabled model has an input field a form cannot collect")
declare("MODEL004", "a condition (ask_when, requires, price when …) names an unknown field or value")
declare("MODEL005", "a model serves a task that is not defined")
declare("MODEL006", "a default is not one of the field's options or outside its limits")
declare("MODEL008", "a cross-field rule depends on a field asked later, or can never hold")
declare("MODEL010", "a price per second of media whose field has no max_seconds")
declare("MODEL011", "an enabled model serves no task, so no menu reaches it")
declare("MODEL012", "an enabled model's list of objects, or a field of its items, has no title")

CROSS_RULES = ("requires", "excludes", "required_unless")


@check
def model_references(ctx: LintContext) -> Iterator[Problem]:
    models = ctx.bundle.models
    for screen in ctx.bundle.screens.values():
        form = screen.screen.form
        if form and not is_template(form.model) and form.model not in models:
            yield finding("MODEL001", screen.locate("form", "model"), f'unknown model "{form.model}"')
        for site in call_sites(screen):
            op = ctx.plugins.find(site.ref)
            if op is None:
                continue
            for name, value in site.args.items():
                info = op.args_model.model_fields.get(name)
                if (
                    info
                    and is_model_ref(info.metadata)
                    and isinstance(value, str)
                    and not is_template(value)
                    and value not in models
                ):
                    yield finding(
                        "MODEL001", screen.locate(*site.path, "args", name), f'unknown model "{value}"'
                    )


@check
def collectable_fields(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        for name, field in model.entry.input.items():
            if is_collectable(field):
                continue
            bad = next((k for k, f in field.items.items() if f.type not in COLLECTABLE), None)
            if bad is not None:
                yield finding(
                    "MODEL002",
                    model.locate("input", name, "items", bad, "type"),
                    f'model "{model.entry.id}": item field "{name}.{bad}" of type '
                    f"{field.items[bad].type.value} cannot be asked in a chat (lists "
                    f"of objects do not nest); disable the model or describe it as "
                    f"a scalar or file field",
                )
            else:
                yield finding(
                    "MODEL002",
                    model.locate("input", name, "type"),
                    f'model "{model.entry.id}": field "{name}" of type '
                    f"{field.type.value} cannot be asked in a chat; disable the model "
                    f"or describe the field as a collectable type (a list of objects "
                    f"needs its items)",
                )


@check
def titled_lists(ctx: LintContext) -> Iterator[Problem]:
    """A list's screen and its items' steps are named by titles; a raw API name won't do."""
    for model in enabled_models(ctx):
        for name, field in model.entry.input.items():
            if not field.is_object_list:
                continue
            untitled: list[tuple[PathKey, str]] = [((name,), name)] if field.title is None else []
            untitled += [
                ((name, "items", k), f"{name}.{k}") for k, f in field.items.items() if f.title is None
            ]
            for path, shown in untitled:
                yield finding(
                    "MODEL012",
                    model.locate("input", *path),
                    f'model "{model.entry.id}": "{shown}" needs a title (ru and en)',
                )


@check
def conditions(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        entry = model.entry
        for name, field in entry.input.items():
            yield from _condition(model, field.ask_when, ("input", name, "ask_when"))
            for rule in CROSS_RULES:
                for i, other in enumerate(getattr(field, rule)):
                    if other not in entry.input:
                        yield finding(
                            "MODEL004",
                            model.locate("input", name, rule, i),
                            f'model "{entry.id}": {rule} names unknown field "{other}"',
                        )
        for i, case in enumerate(entry.price.cases if entry.price else []):
            yield from _condition(model, case.when, ("price", "cases", i, "when"))


def _condition(
    model: ModelDef, when: Mapping[str, Sequence[object]], path: tuple[str | int, ...]
) -> Iterator[Problem]:
    for other, values in when.items():
        target: InputField | None = model.entry.input.get(other)
        if target is None:
            yield finding(
                "MODEL004",
                model.locate(*path, other),
                f'model "{model.entry.id}": condition on unknown field "{other}"',
            )
            continue
        allowed = (
            {canonical(o.value) for o in target.options}
            if target.type is FieldType.ENUM
            else {True, False}
            if target.type is FieldType.BOOLEAN
            else None
        )
        for value in values:
            if allowed is not None and canonical(value) not in allowed:
                yield finding(
                    "MODEL004",
                    model.locate(*path, other),
                    f'model "{model.entry.id}": "{other}" never has the value {value!r}',
                )


@check
def known_tasks(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        for i, task in enumerate(model.entry.tasks):
            if task not in ctx.bundle.tasks:
                yield finding(
                    "MODEL005",
                    model.locate("tasks", i),
                    f'model "{model.entry.id}" serves unknown task "{task}"',
                )


@check
def defaults(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        for name, field in model.entry.input.items():
            if field.default is None:
                continue
            why = _bad_default(field)
            if why:
                yield finding(
                    "MODEL006",
                    model.locate("input", name, "default"),
                    f'model "{model.entry.id}": default of "{name}" {why}',
                )


def _bad_default(field: InputField) -> str | None:
    value = field.default
    if field.type is FieldType.ENUM:
        if canonical(value) not in {canonical(o.value) for o in field.options}:
            return f"{value!r} is not one of its options"
        return None
    if field.type is FieldType.BOOLEAN:
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if field.type in (FieldType.INTEGER, FieldType.NUMBER):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number"
        if field.type is FieldType.INTEGER and not float(value).is_integer():
            return f"{value!r} is not a whole number"
        if field.minimum is not None and value < field.minimum:
            return f"{value!r} is below its minimum {field.minimum:g}"
        if field.maximum is not None and value > field.maximum:
            return f"{value!r} is above its maximum {field.maximum:g}"
        return None
    if field.type is FieldType.STRING:
        if not isinstance(value, str):
            return f"{value!r} is not text"
        if field.max_length is not None and len(value) > field.max_length:
            return f"is longer than its max_length {field.max_length}"
        return None
    return "is set on a field a user must send (files have no default)"


@check
def cross_field_order(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        order = list(model.entry.input)
        for position, (name, field) in enumerate(model.entry.input.items()):
            refs: list[tuple[str, tuple[str | int, ...]]] = [
                (other, ("ask_when", other)) for other in field.ask_when
            ]
            refs += [
                (other, (rule, i)) for rule in CROSS_RULES for i, other in enumerate(getattr(field, rule))
            ]
            for other, sub in refs:
                if other in order and order.index(other) >= position:
                    yield finding(
                        "MODEL008",
                        model.locate("input", name, *sub),
                        f'model "{model.entry.id}": "{name}" depends on "{other}", '
                        f"which is not asked before it",
                    )
            never = [other for other, values in field.ask_when.items() if not values]
            never += sorted(set(field.requires) & set(field.excludes))
            if never:
                yield finding(
                    "MODEL008",
                    model.locate("input", name),
                    f'model "{model.entry.id}": "{name}" can never be asked '
                    f"(conditions on {', '.join(never)} cannot hold)",
                )


@check
def served_tasks(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        if not model.entry.tasks:
            yield finding(
                "MODEL011", model.locate("id"), f'model "{model.entry.id}" is enabled but serves no task'
            )


def enabled_models(ctx: LintContext) -> Iterator[ModelDef]:
    return (m for m in ctx.bundle.models.values() if m.entry.enabled)
