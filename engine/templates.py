"""Jinja2 texts: one sandboxed environment; a text is parsed and compiled to Python on first use
(most texts of a big bundle are never shown in a process's first minutes: compiling them all
cost a production start about a second, and parsing them 0.1 s and 0.6 MB). The linter
parses and compiles every one, so a syntax error or an unknown filter is still its finding.
jinja2 itself (2 MB) is imported with the first template used, not at start-up.

Texts are Telegram HTML, so values are escaped; editors may use <b>, <i>, <a> in the texts.
A text without template syntax is kept as a plain string and never compiled.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import TemplateSyntaxError, nodes
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


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The one environment every text and flow template is read with."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    made = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    made.filters["num"] = _number
    return made


#: names every template can use whatever the screen
BUILTIN_NAMES = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"})


def is_template(source: str) -> bool:
    return "{{" in source or "{%" in source or "{#" in source


_UNPARSED: Any = object()


class Text:
    """A locale text ready to render: parsed and compiled the first time it is needed.

    ``ast`` is the parsed template, or None for plain text and for a text that does not parse
    (``syntax_error`` says why; such a text shows as written)."""

    __slots__ = ("_ast", "_error", "_template", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._ast: Any = _UNPARSED if is_template(source) else None
        self._error: TemplateSyntaxError | None = None
        self._template: Any = None

    @property
    def ast(self) -> Any:
        """The jinja2.nodes.Template (parsed on first use), or None."""
        if self._ast is _UNPARSED:
            from jinja2 import TemplateSyntaxError

            try:
                self._ast = environment().parse(self.source)
            except TemplateSyntaxError as exc:
                self._ast, self._error = None, exc
        return self._ast

    @property
    def syntax_error(self) -> TemplateSyntaxError | None:
        self.ast  # noqa: B018  (parsing tells)
        return self._error

    @property
    def compiled(self) -> Any:
        """The jinja2.Template (compiled on first use), or None for plain text."""
        if self._template is None:
            ast = self.ast
            if ast is None:
                return None
            env = environment()
            code = env.compile(ast, filename="<text>")
            self._template = env.template_class.from_code(env, code, env.globals)
        return self._template

    def render(self, context: dict[str, Any]) -> str:
        template = self.compiled
        if template is None:
            return self.source
        return str(template.render(context))

    def __repr__(self) -> str:
        return f"Text({self.source!r})"

    def __reduce__(self) -> tuple[type[Text], tuple[str]]:
        return Text, (self.source,)  # parsed and compiled forms are caches: made again on use


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
        compiled = _EXPRESSIONS[expression] = environment().compile_expression(
            expression, undefined_to_none=False
        )
    result = compiled(**context)
    from jinja2 import Undefined  # imported by now

    if isinstance(result, Undefined):
        result._fail_with_undefined_error()
    return result


def _inline_cache(source: str) -> Any:
    template = _INLINE.get(source)
    if template is None:
        template = _INLINE[source] = environment().from_string(source)
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


def chain(node: nodes.Node) -> tuple[str, tuple[str, ...]] | None:
    """``result.job.id`` as ("result", ("job", "id")); None for anything but such a read."""
    from jinja2 import nodes

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
    from jinja2 import nodes

    ast = environment().parse(source) if isinstance(source, str) else source
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    inner: set[int] = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)  # find_all types it as their base
        inner.add(id(node.node))
    paths: list[VariablePath] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner:
            continue
        found = chain(node)
        if found is not None and found[0] not in assigned:
            paths.append(VariablePath(found[0], found[1], node.lineno))
    return paths


def variables_used(source: str | nodes.Template) -> list[VariableUse]:
    """Top-level variables a template reads (not those it assigns), for the linter."""
    from jinja2 import nodes

    ast = environment().parse(source) if isinstance(source, str) else source
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
