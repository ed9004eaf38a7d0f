"""Jinja2 texts: one sandboxed environment, parsed at load (a syntax error is the linter's),
compiled to Python on first use (most texts of a big bundle are never shown in a process's
first minutes, and compiling them all cost a production start about a second).

Texts are Telegram HTML, so values are escaped; editors may use <b>, <i>, <a> in the texts.
A text without template syntax is kept as a plain string and never compiled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment


def _number(value: Any) -> str:
    """5.0 → '5', 2.5 → '2.5', 0.333 → '0.33': numbers as people write them."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")


ENVIRONMENT = ImmutableSandboxedEnvironment(
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
ENVIRONMENT.filters["num"] = _number

#: names every template can use whatever the screen
BUILTIN_NAMES = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"})


def is_template(source: str) -> bool:
    return "{{" in source or "{%" in source or "{#" in source


@dataclass(frozen=True)
class Text:
    """A locale text ready to render, with its parsed form kept for the linter."""

    source: str
    ast: Any = None  # jinja2.nodes.Template, or None for plain text
    _template: list[Any] = field(default_factory=list, compare=False, repr=False)  # compiled, once

    @property
    def compiled(self) -> Any:
        """The jinja2.Template (compiled on first use), or None for plain text."""
        if self.ast is None:
            return None
        if not self._template:
            code = ENVIRONMENT.compile(self.ast, filename="<text>")
            self._template.append(
                ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.globals)
            )
        return self._template[0]

    def render(self, context: dict[str, Any]) -> str:
        template = self.compiled
        if template is None:
            return self.source
        return str(template.render(context))


def compile_text(source: str) -> tuple[Text, TemplateSyntaxError | None]:
    if not is_template(source):
        return Text(source), None
    try:
        return Text(source, ENVIRONMENT.parse(source)), None
    except TemplateSyntaxError as exc:
        return Text(source), exc


def render_inline(source: str, context: dict[str, Any]) -> str:
    """Render a short template written inside a flow (args, URLs); plain strings pass as they are."""
    if not is_template(source):
        return source
    return str(_inline_cache(source).render(context))


_INLINE: dict[str, Any] = {}
_EXPRESSIONS: dict[str, Any] = {}


def expression_of(source: str) -> str | None:
    """The expression of a template that is exactly one ``{{ … }}``; None for anything else."""
    stripped = source.strip()
    if (
        stripped.startswith("{{")
        and stripped.endswith("}}")
        and stripped.count("{{") == 1
        and stripped.count("}}") == 1
        and "{%" not in stripped
    ):
        return stripped[2:-2].strip()
    return None


def render_value(value: Any, context: dict[str, Any]) -> Any:
    """An argument written in a flow, evaluated: ``"{{ args.job }}"`` gives the job id itself
    (a number stays a number, none stays none); other templates render to text."""
    if not isinstance(value, str) or not is_template(value):
        return value
    expression = expression_of(value)
    if expression is None:
        return render_inline(value, context)
    compiled = _EXPRESSIONS.get(expression)
    if compiled is None:
        compiled = _EXPRESSIONS[expression] = ENVIRONMENT.compile_expression(
            expression, undefined_to_none=False
        )
    result = compiled(**context)
    if isinstance(result, Undefined):
        result._fail_with_undefined_error()
    return result


def _inline_cache(source: str) -> Any:
    template = _INLINE.get(source)
    if template is None:
        template = _INLINE[source] = ENVIRONMENT.from_string(source)
    return template


@dataclass(frozen=True)
class VariableUse:
    """A variable the template reads, with the first attribute it takes from it, if any."""

    name: str
    attribute: str | None
    line: int


@dataclass(frozen=True)
class VariablePath:
    """A variable with the chain of attributes a template reads from it (``result.job.id``)."""

    name: str
    attributes: tuple[str, ...]
    line: int


def _chain(node: nodes.Node) -> tuple[str, tuple[str, ...]] | None:
    attributes: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            attributes.append(node.attr)
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            attributes.append(node.arg.value)
        else:
            break
        node = node.node
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return node.name, tuple(reversed(attributes))
    return None


def variable_paths(source: str | nodes.Template) -> list[VariablePath]:
    """Every variable a template reads, with the longest attribute chain at each use."""
    ast = ENVIRONMENT.parse(source) if isinstance(source, str) else source
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    inner: set[int] = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)  # find_all types it as their base
        inner.add(id(node.node))
    paths: list[VariablePath] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner:
            continue
        found = _chain(node)
        if found is not None and found[0] not in assigned:
            paths.append(VariablePath(found[0], found[1], node.lineno))
    return paths


def variables_used(source: str | nodes.Template) -> list[VariableUse]:
    """Top-level variables a template reads (not those it assigns), for the linter."""
    ast = ENVIRONMENT.parse(source) if isinstance(source, str) else source
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    uses: list[VariableUse] = []
    seen_plain: set[str] = set()
    attr_names: set[int] = set()
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.ctx == "load":
            attr_names.add(id(node.node))
            if node.node.name not in assigned:
                uses.append(VariableUse(node.node.name, node.attr, node.lineno))
    for name in ast.find_all(nodes.Name):
        if name.ctx != "load" or id(name) in attr_names or name.name in assigned:
            continue
        if name.name not in seen_plain:
            seen_plain.add(name.name)
            uses.append(VariableUse(name.name, None, name.lineno))
    return uses
