"""Calls into plug-ins: the operation exists, is of the right kind, and gets valid arguments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.bundle import ScreenDef
from engine.loader.errors import Problem
from engine.loader.yaml_source import PathKey
from engine.plugin import OperationKind
from engine.schema.flow import Button, ForEach
from engine.templates import is_template

declare("PLUG001", "an action or query that no plug-in declares")
declare("PLUG002", "an argument that is unknown, missing or of the wrong type")
declare("PLUG003", "a query used where an action is needed, or the other way round")


@dataclass(frozen=True)
class CallSite:
    screen: ScreenDef
    ref: str
    kind: OperationKind
    args: dict[str, Any]
    path: tuple[str | int, ...]  # path of the mapping that holds the reference
    ref_key: str  # key of the reference inside that mapping
    needs_items: bool = False


def call_sites(screen: ScreenDef) -> Iterator[CallSite]:
    spec = screen.screen
    for name, q in spec.data.items():
        yield CallSite(screen, q.query, OperationKind.QUERY, q.args, ("data", name), "query")
    for i, a in enumerate(spec.on_enter):
        yield CallSite(screen, a.call, OperationKind.ACTION, a.args, ("on_enter", i), "call")
    for r, row in enumerate(spec.keyboard):
        if isinstance(row, ForEach):
            yield CallSite(
                screen,
                row.for_each,
                OperationKind.QUERY,
                row.args,
                ("keyboard", r),
                "for_each",
                needs_items=True,
            )
            buttons: list[tuple[PathKey, Button]] = [(("keyboard", r, "button"), row.button)]
        else:
            buttons = [(("keyboard", r, c), b) for c, b in enumerate(row)]
        for path, button in buttons:
            if button.call:
                yield CallSite(screen, button.call, OperationKind.ACTION, button.args, path, "call")
    if spec.form is not None and spec.form.prefill is not None:
        yield CallSite(
            screen,
            spec.form.prefill.query,
            OperationKind.QUERY,
            spec.form.prefill.args,
            ("form", "prefill"),
            "query",
        )
    if spec.form is not None:
        implicit = {"model": "{{ form.model }}", "values": "{{ form.values }}"}
        if spec.form.price:
            yield CallSite(screen, spec.form.price, OperationKind.QUERY, implicit, ("form",), "price")
        if spec.form.submit:
            yield CallSite(screen, spec.form.submit, OperationKind.ACTION, implicit, ("form",), "submit")
    if spec.input is not None and spec.input.call:
        yield CallSite(screen, spec.input.call, OperationKind.ACTION, spec.input.args, ("input",), "call")


@check
def plugin_calls(ctx: LintContext) -> Iterator[Problem]:
    for screen in ctx.bundle.screens.values():
        for site in call_sites(screen):
            yield from _check_site(ctx, site)


def _check_site(ctx: LintContext, site: CallSite) -> Iterator[Problem]:
    screen = site.screen
    op = ctx.plugins.find(site.ref)
    ref_at = screen.locate(*site.path, site.ref_key)
    if op is None:
        namespace = site.ref.partition(".")[0]
        decl = ctx.plugins.by_namespace.get(namespace)
        known = (
            f"; {namespace} offers: {', '.join(sorted(decl.operations))}"
            if decl
            else f"; known plug-ins: {', '.join(sorted(ctx.plugins.by_namespace))}"
        )
        yield finding("PLUG001", ref_at, f'unknown {site.kind.value} "{site.ref}"{known}')
        return
    if op.kind is not site.kind:
        yield finding(
            "PLUG003", ref_at, f'"{site.ref}" is a {op.kind.value}, but is used here as a {site.kind.value}'
        )
        return
    if site.needs_items and op.item_type is None:
        yield finding(
            "PLUG003", ref_at, f'"{site.ref}" does not return a list, so rows cannot be made from it'
        )
    fields = op.args_model.model_fields
    for name, value in site.args.items():
        at = screen.locate(*site.path, "args", name)
        if name not in fields:
            yield finding(
                "PLUG002",
                at,
                f'"{site.ref}" has no argument "{name}" (it takes: {", ".join(fields) or "none"})',
            )
            continue
        if isinstance(value, str) and is_template(value):
            continue
        try:
            TypeAdapter(fields[name].annotation).validate_python(value)
        except ValidationError as exc:
            reason = exc.errors(include_url=False)[0]["msg"]
            yield finding("PLUG002", at, f'argument "{name}" of "{site.ref}": {reason}')
    for name, info in fields.items():
        if info.is_required() and name not in site.args:
            yield finding("PLUG002", screen.locate(*site.path), f'"{site.ref}" needs argument "{name}"')
