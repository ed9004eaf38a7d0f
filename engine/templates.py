"""Jinja2 texts: one sandboxed environment, compiled once at load, analysed for the linter.

Texts are Telegram HTML, so values are escaped; editors may use <b>, <i>, <a> in the texts.
A text without template syntax is kept as a plain string and never compiled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
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
    autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=False)
ENVIRONMENT.filters["num"] = _number

#: names every template can use whatever the screen
BUILTIN_NAMES = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"})


def is_template(source: str) -> bool:
    return "{{" in source or "{%" in source or "{#" in source


@dataclass(frozen=True)
class Text:
    """A locale text ready to render, with its parsed form kept for the linter."""

    source: str
    compiled: Any = None  # jinja2.Template, or None for plain text
    ast: Any = None       # jinja2.nodes.Template, or None for plain text

    def render(self, context: dict[str, Any]) -> str:
        if self.compiled is None:
            return self.source
        return str(self.compiled.render(context))


def compile_text(source: str) -> tuple[Text, TemplateSyntaxError | None]:
    if not is_template(source):
        return Text(source), None
    try:
        ast = ENVIRONMENT.parse(source)
        code = ENVIRONMENT.compile(ast, filename="<text>")
        template = ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.globals)
        return Text(source, template, ast), None
    except TemplateSyntaxError as exc:
        return Text(source), exc


def render_inline(source: str, context: dict[str, Any]) -> str:
    """Render a short template written inside a flow (args, URLs); plain strings pass as they are."""
    if not is_template(source):
        return source
    return str(_inline_cache(source).render(context))


_INLINE: dict[str, Any] = {}


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
    for node in ast.find_all(nodes.Name):
        if node.ctx != "load" or id(node) in attr_names or node.name in assigned:
            continue
        if node.name not in seen_plain:
            seen_plain.add(node.name)
            uses.append(VariableUse(node.name, None, node.lineno))
    return uses
