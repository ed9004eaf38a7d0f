"""The model catalog: every enabled model can be collected by a form and priced."""

from __future__ import annotations

from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.plugin_rules import call_sites
from engine.lint.registry import check, declare, finding
from engine.loader.bundle import ModelDef
from engine.loader.errors import Problem
from engine.plugin import is_model_ref
from engine.schema.catalog import COLLECTABLE, FieldType, InputField
from engine.templates import is_template

declare("MODEL001", "a flow names a model that is not in models/")
declare("MODEL002", "an enabled model has an input field a form cannot collect")
declare("MODEL003", "an enabled model has no price rule, or its rule names an unknown field")
declare("MODEL004", "a condition (ask_when, price when) names an unknown field or value")
declare("MODEL005", "a model serves a task that is not defined")

NUMERIC = (FieldType.INTEGER, FieldType.NUMBER, FieldType.ENUM, FieldType.FILES)


@check
def model_references(ctx: LintContext) -> Iterator[Problem]:
    models = ctx.bundle.models
    for screen in ctx.bundle.screens.values():
        form = screen.screen.form
        if form and not is_template(form.model) and form.model not in models:
            yield finding("MODEL001", screen.locate("form", "model"),
                          f'unknown model "{form.model}"')
        for site in call_sites(screen):
            op = ctx.plugins.find(site.ref)
            if op is None:
                continue
            for name, value in site.args.items():
                info = op.args_model.model_fields.get(name)
                if (info and is_model_ref(info.metadata) and isinstance(value, str)
                        and not is_template(value) and value not in models):
                    yield finding("MODEL001", screen.locate(*site.path, "args", name),
                                  f'unknown model "{value}"')


@check
def collectable_fields(ctx: LintContext) -> Iterator[Problem]:
    for model in _enabled(ctx):
        for name, field in model.entry.input.items():
            if field.type not in COLLECTABLE:
                yield finding("MODEL002", model.locate("input", name, "type"),
                              f'model "{model.entry.id}": field "{name}" of type '
                              f"{field.type.value} cannot be asked in a chat; disable the model "
                              f"or describe the field as a collectable type")


@check
def price_rules(ctx: LintContext) -> Iterator[Problem]:
    for model in _enabled(ctx):
        entry = model.entry
        if entry.price is None:
            yield finding("MODEL003", model.locate(),
                          f'model "{entry.id}" is enabled but has no price rule')
            continue
        for i, case in enumerate(entry.price.cases):
            if case.per is None:
                continue
            field = entry.input.get(case.per)
            if field is None or field.type not in NUMERIC:
                yield finding("MODEL003", model.locate("price", "cases", i, "per"),
                              f'model "{entry.id}": price is per "{case.per}", which is not a '
                              f"numeric field of the model")


@check
def conditions(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        entry = model.entry
        for name, field in entry.input.items():
            yield from _condition(model, field.ask_when, ("input", name, "ask_when"))
        for i, case in enumerate(entry.price.cases if entry.price else []):
            yield from _condition(model, case.when, ("price", "cases", i, "when"))


def _condition(model: ModelDef, when: dict[str, list[object]],
               path: tuple[str | int, ...]) -> Iterator[Problem]:
    for other, values in when.items():
        target: InputField | None = model.entry.input.get(other)
        if target is None:
            yield finding("MODEL004", model.locate(*path, other),
                          f'model "{model.entry.id}": condition on unknown field "{other}"')
            continue
        allowed = ({o.value for o in target.options} if target.type is FieldType.ENUM
                   else {True, False} if target.type is FieldType.BOOLEAN else None)
        for value in values:
            if allowed is not None and value not in allowed:
                yield finding("MODEL004", model.locate(*path, other),
                              f'model "{model.entry.id}": "{other}" never has the value '
                              f"{value!r}")


@check
def known_tasks(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        for i, task in enumerate(model.entry.tasks):
            if task not in ctx.bundle.tasks:
                yield finding("MODEL005", model.locate("tasks", i),
                              f'model "{model.entry.id}" serves unknown task "{task}"')


def _enabled(ctx: LintContext) -> Iterator[ModelDef]:
    return (m for m in ctx.bundle.models.values() if m.entry.enabled)
