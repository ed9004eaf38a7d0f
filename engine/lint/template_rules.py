"""Templates written inside flows (arguments, links, media, form settings): valid, and reading
only what their place provides — so a typo such as ``args.modle`` fails the lint, not a user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import TemplateSyntaxError

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.lint.variable_check import problems
from engine.loader.bundle import ScreenDef
from engine.loader.errors import Location, Problem
from engine.loader.yaml_source import PathKey
from engine.schema.flow import Button, ForEach
from engine.templates import environment, is_template, variable_paths

declare("TPL001", "a template written in a flow is not valid")
declare("TPL002", "a template in a flow reads a variable or field its place does not have")


def _sites(
    ctx: LintContext, screen: ScreenDef
) -> Iterator[tuple[tuple[str | int, ...], Any, dict[str, Any], str]]:
    """(path, value, variables, where) for every flow-written value that may be a template."""
    spec = screen.screen
    base = ctx.scopes.screen(screen)
    where = f"on screen {screen.id}"
    data_names = list(spec.data)
    for j, (name, q) in enumerate(spec.data.items()):
        earlier = {k: v for k, v in base.items() if k not in data_names[j:]}
        for arg, value in q.args.items():  # the queries before it only
            yield ("data", name, "args", arg), value, earlier, where
    for i, call in enumerate(spec.on_enter):
        later = set(data_names) | {c.save_as for c in spec.on_enter[i:] if c.save_as}
        scope = {k: v for k, v in base.items() if k not in later}
        for arg, value in call.args.items():  # run before the data; earlier results only
            yield ("on_enter", i, "args", arg), value, scope, where

    if spec.media is not None:
        yield ("media", "source"), spec.media.source, base, where
    for r, row in enumerate(spec.keyboard):
        if isinstance(row, ForEach):
            for arg, value in row.args.items():
                yield ("keyboard", r, "args", arg), value, base, where
            buttons: list[tuple[PathKey, Button]] = [(("keyboard", r, "button"), row.button)]
            scope = {**base, "item": ctx.scopes.item(row)}
            place = f"in a row of {screen.id}"
        else:
            buttons = [(("keyboard", r, c), b) for c, b in enumerate(row)]
            scope, place = base, where
        for path, button in buttons:
            if button.url:
                yield (*path, "url"), button.url, scope, place
            if button.call:  # a go's args are checked with the transitions below
                for arg, value in button.args.items():
                    yield (*path, "args", arg), value, scope, place
    if spec.form is not None:
        yield ("form", "model"), spec.form.model, base, where
        if spec.form.prefill is not None:
            for arg, value in spec.form.prefill.args.items():
                yield ("form", "prefill", "args", arg), value, base, where
    if spec.input is not None:
        scope = {**base, "input": ctx.scopes.input(screen)}
        for arg, value in spec.input.args.items():
            yield ("input", "args", arg), value, scope, f"in the input of {screen.id}"
    for t in ctx.transitions:
        if t.source != screen.id:
            continue
        variables = ctx.scopes.target(screen, t)
        for arg, value in t.args.items():
            yield (*t.args_path, arg), value, variables, f"where {screen.id} opens {t.target}"


def _check(
    screen: ScreenDef, path: tuple[str | int, ...], value: str, variables: dict[str, Any], where: str
) -> Iterator[Problem]:
    at = screen.locate(*path)
    try:
        ast = environment().parse(value)
    except TemplateSyntaxError as exc:
        yield finding("TPL001", at, f"{value!r} is not a valid template: {exc.message}")
        return
    for _, message in problems(variable_paths(ast), variables, where):
        yield finding("TPL002", Location(at.file, at.line, at.column), f"{value}: {message}")


@check
def flow_templates(ctx: LintContext) -> Iterator[Problem]:
    for screen in ctx.bundle.screens.values():
        for path, value, variables, where in _sites(ctx, screen):
            if isinstance(value, str) and is_template(value):
                yield from _check(screen, path, value, variables, where)
