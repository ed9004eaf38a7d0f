"""Screen signatures: every way to a screen passes exactly the arguments it declares, typed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, get_args, get_origin

from jinja2 import TemplateSyntaxError, nodes

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.lint.scopes import unwrap_optional
from engine.lint.variable_check import near, path_type
from engine.loader.bundle import ScreenDef
from engine.loader.errors import Location, Problem
from engine.params import BadArguments, ParamType, coerce_value
from engine.schema.flow import Param
from engine.templates import environment, expression_of, is_template, variable_paths
from engine.transitions import Transition, Via

declare("ARG001", "a way to a screen leaves out a parameter the screen requires")
declare("ARG002", "an argument the target screen does not declare")
declare("ARG003", "an argument whose value or template does not fit the parameter's type")
declare("ARG004", "a parameter of a type no plug-in provides")
declare("ARG005", "a plug-in opens a screen with arguments that do not fit its parameters")


@check
def unknown_param_types(ctx: LintContext) -> Iterator[Problem]:
    types = ctx.plugins.param_types
    for screen in ctx.bundle.screens.values():
        for name, param in screen.screen.params.items():
            if param.type not in types:
                yield finding(
                    "ARG004",
                    screen.locate("params", name),
                    f'parameter "{name}" of {screen.id} has unknown type '
                    f'"{param.type}"{near(param.type, types)} '
                    f"(types: {', '.join(sorted(types))})",
                )


def _compatible(param: ParamType, spec: Param, kind: Any) -> str | None:
    """Why a value of Python type ``kind`` cannot fill the parameter (None: it can)."""
    kind, optional = unwrap_optional(kind)
    if optional and not spec.optional:
        return "may be none, but the parameter is required"
    if kind is Any or (param.python is str and spec.values is None):
        return None
    if get_origin(kind) is Literal:
        values = [str(v) for v in get_args(kind)]
        if spec.values is not None and not set(values) <= set(spec.values):
            return f"may be {', '.join(values)}; the parameter takes {', '.join(spec.values)}"
        return None
    if not isinstance(kind, type):
        return None
    if (param.python is float and kind in (int, float)) or kind is param.python:
        return None
    if param.python is str:
        return None if kind is str else f"is {kind.__name__}, the parameter is a choice"
    return f"is {kind.__name__}, the parameter is {param.name}"


def _inferred(source: str, variables: dict[str, Any]) -> Any:
    """The type of a template that is one plain read (``{{ item.id }}``), else ``Any``."""
    if expression_of(source) is None:
        return str
    try:
        ast = environment().parse(source)
    except TemplateSyntaxError:
        return Any  # TPL001 says so
    output = ast.body[0]
    node = output.nodes[0] if isinstance(output, nodes.Output) and output.nodes else None
    paths = variable_paths(ast)
    if len(paths) != 1 or not isinstance(node, nodes.Getattr | nodes.Name | nodes.Getitem):
        return Any
    if (paths[0].name, paths[0].attributes) == ("input", ()):
        return Any  # typed text is read as the parameter's type on arrival, or refused then
    return path_type(paths[0], variables)


def check_arguments(
    ctx: LintContext,
    target: ScreenDef,
    args: Mapping[str, Any],
    variables: dict[str, Any],
    locate: Any,
    what: str,
    code: str = "",
) -> Iterator[Problem]:
    """``args`` given to ``target``, each checked against its parameters."""
    params = target.screen.params
    types = ctx.plugins.param_types
    for name, value in args.items():
        at = locate(name)
        if name not in params:
            declared = ", ".join(params) or "none"
            yield finding(
                code or "ARG002",
                at,
                f'{what} passes "{name}", which {target.id} does not take'
                f"{near(name, params)} (it takes: {declared})",
            )
            continue
        spec = params[name]
        kind = types.get(spec.type)
        if kind is None:
            continue
        if isinstance(value, str) and is_template(value):
            reason = _compatible(kind, spec, _inferred(value, variables))
            if reason:
                yield finding(
                    code or "ARG003", at, f'{what}: "{name}" = {value} {reason} ({spec.type} on {target.id})'
                )
            continue
        try:
            checked = coerce_value(kind, spec, value)
        except BadArguments as exc:
            yield finding(code or "ARG003", at, f'{what}: "{name}" = {value!r}: {exc}')
            continue
        if kind.model_ref and checked is not None and checked not in ctx.bundle.models:
            yield finding(
                code or "ARG003",
                at,
                f'{what}: "{name}" = {value!r} is no model in models/{near(str(checked), ctx.bundle.models)}',
            )
    missing = [n for n, p in params.items() if not p.optional and n not in args]
    if missing:
        yield finding(
            code or "ARG001",
            locate(None),
            f"{what} opens {target.id} without {', '.join(missing)}, which it requires",
        )


def _keeps_params(t: Transition) -> bool:
    """A call or input leading back to its own screen with no args keeps the parameters."""
    return t.source == t.target and not t.args and t.via is not Via.COMMAND


@check
def transition_arguments(ctx: LintContext) -> Iterator[Problem]:
    screens = ctx.bundle.screens
    for t in ctx.transitions:
        target = screens.get(t.target)
        if target is None or _keeps_params(t):
            continue
        if t.via is Via.COMMAND:
            if any(not p.optional for p in target.screen.params.values()):
                yield finding(
                    "ARG001",
                    t.location,
                    f"command {t.label} opens {target.id}, which requires parameters "
                    "a command cannot pass; open it from a button instead",
                )
            continue
        source = screens[t.source]
        variables = ctx.scopes.target(source, t)
        what = (
            f'button "{t.label}"'
            if t.via in (Via.BUTTON, Via.ROW, Via.ACTION_OK, Via.ACTION_ERROR)
            else t.label
        )

        def locate(name: str | None, s: ScreenDef = source, t: Transition = t) -> Location:
            return s.locate(*t.args_path, name) if name else t.location

        yield from check_arguments(ctx, target, t.args, variables, locate, what)


@check
def plugin_screen_arguments(ctx: LintContext) -> Iterator[Problem]:
    start = ctx.bundle.commands.get("start")
    where = start.location if start else Location("flows", 1, 1)
    types = ctx.plugins.param_types
    for decl in ctx.plugins.by_namespace.values():
        for screen_id, passed in decl.screens.items():
            target = ctx.bundle.screens.get(screen_id)
            if target is None:
                continue  # FLOW006
            params = target.screen.params
            what = f"the {decl.namespace} plug-in"
            for name, kind in passed.items():
                spec = params.get(name)
                if spec is None:
                    yield finding(
                        "ARG005",
                        target.locate(),
                        f'{what} opens {screen_id} with "{name}", which it does not '
                        f"declare in params{near(name, params)}",
                    )
                    continue
                param = types.get(spec.type)
                reason = _compatible(param, spec, kind) if param else None
                if reason:
                    yield finding(
                        "ARG005",
                        target.locate("params", name),
                        f'{what} opens {screen_id} with "{name}" that {reason}',
                    )
            missing = [n for n, p in params.items() if not p.optional and n not in passed]
            if missing:
                yield finding(
                    "ARG005",
                    where,
                    f"{what} opens {screen_id} without {', '.join(missing)}, which it requires",
                )
