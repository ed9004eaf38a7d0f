"""Check the variables a template reads against what its place provides, attribute by attribute."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any

from engine.lint.scopes import Nothing, attribute
from engine.templates import BUILTIN_NAMES, VariablePath, environment


def near(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def path_type(path: VariablePath, variables: dict[str, Any]) -> Any:
    """The type a read gives (``Any`` when it cannot be followed)."""
    kind = variables.get(path.name, Any)
    for name in path.attributes:
        kind = attribute(kind, name).kind
    return kind


def problems(
    paths: Iterable[VariablePath], variables: dict[str, Any], where: str
) -> Iterator[tuple[VariablePath, str]]:
    """Each read the place cannot satisfy, with a message naming what could be meant."""
    for path in paths:
        if path.name in BUILTIN_NAMES or path.name in environment().globals:
            continue
        if path.name not in variables:
            available = ", ".join(sorted(variables)) or "none"
            yield (
                path,
                (
                    f'"{path.name}" is not available {where}{near(path.name, variables)} '
                    f"(available: {available})"
                ),
            )
            continue
        kind = variables[path.name]
        read = path.name
        for name in path.attributes:
            step = attribute(kind, name)
            if step.missing:
                if kind is Nothing:
                    yield path, f'"{read}" is empty {where}: its action returns nothing'
                else:
                    yield (
                        path,
                        (
                            f'"{read}.{name}": "{read}" {where} has no "{name}"'
                            f"{near(name, step.known)}"
                            + (f" (it has: {', '.join(step.known)})" if step.known else "")
                        ),
                    )
                break
            kind, read = step.kind, f"{read}.{name}"
