"""What a template's loops and lookup tables read, so that the linter can type them.

``{% for op in operations %}`` makes ``op`` an item of ``operations``: a read of
``op.amout_text`` is as wrong as one of ``args.modle``, and fails at run time the same way (the
environment's undefined is strict). ``{% set label = {"hold": "…"} %}…label.get(op.kind)`` is a
lookup table: when ``op.kind`` can only take a closed set of values (an enum, a ``Literal``),
each of them needs a key, or a user reads a raw code.
"""

from __future__ import annotations

import enum
import typing
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

from engine.lint.scopes import attribute, unwrap_optional
from engine.templates import VariablePath, chain


@dataclass(frozen=True)
class Binding:
    """A loop variable: what its loop runs over, read in the loop's outer scope (``outer``: the
    binding of that read's own variable, when it is a loop variable too)."""

    over: VariablePath
    outer: Binding | None


@dataclass(frozen=True)
class LoopRead:
    path: VariablePath  # ``op.amount_text``
    binding: Binding  # what ``op`` is


@dataclass(frozen=True)
class TableLookup:
    table: str
    keys: frozenset[str]
    key: VariablePath  # what is looked up (``op.kind``)
    binding: Binding | None  # when ``key`` starts at a loop variable


@dataclass
class TemplateReads:
    loops: list[LoopRead]
    lookups: list[TableLookup]


def template_reads(ast: nodes.Template) -> TemplateReads:
    reads = TemplateReads([], [])
    rebound = {n.target.name for n in ast.find_all(nodes.Assign) if isinstance(n.target, nodes.Name)}
    _walk(ast, {}, {}, rebound, reads)
    return reads


def _walk(
    node: nodes.Node,
    scope: dict[str, Binding],
    tables: dict[str, frozenset[str]],
    rebound: set[str],
    reads: TemplateReads,
) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, tables, rebound, reads)
        inner = {k: v for k, v in scope.items() if k not in _names(node.target)}
        found = chain(node.iter)
        if (
            isinstance(node.target, nodes.Name)
            and node.target.name not in rebound
            and found is not None
            and found[0] not in rebound  # what a {% set %} made has no known type
        ):
            over = VariablePath(found[0], found[1], node.lineno)
            inner[node.target.name] = Binding(over, scope.get(found[0]))
        for child in [*([node.test] if node.test else []), *node.body]:
            _walk(child, inner, tables, rebound, reads)
        for child in node.else_:
            _walk(child, scope, tables, rebound, reads)
        return
    if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
        _note_table(node.target.name, node.node, tables)
    looked_up = _lookup(node, tables)
    if looked_up is not None:
        table, key_node = looked_up
        key = chain(key_node)
        if key is not None:
            path = VariablePath(key[0], key[1], key_node.lineno)
            reads.lookups.append(TableLookup(table, tables[table], path, scope.get(key[0])))
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        found = chain(node)
        if found is not None and found[0] in scope:
            reads.loops.append(LoopRead(VariablePath(found[0], found[1], node.lineno), scope[found[0]]))
            return
    for child in node.iter_child_nodes():
        _walk(child, scope, tables, rebound, reads)


def _note_table(name: str, value: nodes.Node, tables: dict[str, frozenset[str]]) -> None:
    """``{% set name = {"a": …, "b": …} %}`` with literal string keys: a lookup table (as
    written, or as jinja's optimizer folds it once the text is compiled: a constant dict)."""
    keys: list[object] = []
    if isinstance(value, nodes.Dict):
        keys = [i.key.value if isinstance(i.key, nodes.Const) else None for i in value.items]
    elif isinstance(value, nodes.Const) and isinstance(value.value, dict):
        keys = list(value.value)
    if keys and all(isinstance(k, str) for k in keys):
        tables[name] = frozenset(str(k) for k in keys)


def _names(target: nodes.Node) -> set[str]:
    return {n.name for n in target.find_all(nodes.Name)} | (
        {target.name} if isinstance(target, nodes.Name) else set()
    )


def _lookup(node: nodes.Node, tables: dict[str, frozenset[str]]) -> tuple[str, nodes.Node] | None:
    """``table.get(key, …)`` or ``table[key]``, the table named or written in place
    (``{"a": …}.get(key)``): the table's name and the key's expression. A table written in
    place is noted in ``tables`` under a name of its own."""
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr == "get":
        table, key = node.node.node, node.args[0] if node.args else None
    elif isinstance(node, nodes.Getitem):
        table, key = node.node, node.arg
    else:
        return None
    if isinstance(table, nodes.Dict | nodes.Const):
        name = f"written at line {table.lineno}"
        _note_table(name, table, tables)
        table = nodes.Name(name, "load") if name in tables else table
    if key is None or not isinstance(table, nodes.Name) or table.name not in tables:
        return None
    return table.name, key


# ---------------------------------------------------------------------------------- types
def follow(kind: Any, attributes: tuple[str, ...]) -> Any:
    for name in attributes:
        step = attribute(kind, name)
        if step.missing:
            return Any
        kind = step.kind
    return kind


def item_of(kind: Any) -> Any:
    """The type of one item of a list (``Any`` for anything else)."""
    kind, _ = unwrap_optional(kind)
    origin = typing.get_origin(kind)
    if origin in (list, tuple, typing.Sequence, typing.Iterable) or (
        isinstance(origin, type) and origin.__name__ in ("Sequence", "Iterable")
    ):
        args = typing.get_args(kind)
        return args[0] if args else Any
    return Any


def loop_item(binding: Binding, variables: dict[str, Any]) -> Any:
    """The type of a loop variable, given the types of the template's variables."""
    if binding.outer is None:
        base = variables.get(binding.over.name, Any)
    else:
        base = loop_item(binding.outer, variables)
    return item_of(follow(base, binding.over.attributes))


def closed_values(kind: Any) -> frozenset[str] | None:
    """The values a type allows when they are a closed set of strings, else None."""
    kind, _ = unwrap_optional(kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return frozenset(str(m.value) for m in kind)
    if typing.get_origin(kind) is typing.Literal:
        return frozenset(str(a) for a in typing.get_args(kind))
    return None
