"""Screen parameters: the types a screen may declare, and checking arguments against them.

A screen says what it takes (``params: {model: model, job: job?}``); every way to it passes
those arguments, and the runtime coerces them on the way in, so a screen never renders
without the inputs it declares. The linter reads the same declarations (``engine/lint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, create_model

from engine.schema.flow import Param

#: what a parameter's value may be in Python (``coerce_value`` knows how to make each)
Scalar = str | int | float | bool


@dataclass(frozen=True)
class ParamType:
    """A type a parameter may have: a Python scalar, with what it means to an editor."""

    name: str
    python: type[Scalar]
    doc: str
    model_ref: bool = False  # literal values must be models in models/


BUILTIN_TYPES: dict[str, ParamType] = {
    t.name: t
    for t in (
        ParamType("text", str, "any text"),
        ParamType("integer", int, "a whole number"),
        ParamType("number", float, "a number"),
        ParamType("boolean", bool, "yes or no"),
        ParamType("choice", str, "one of the listed `values`"),
    )
}


class BadArguments(ValueError):
    """Arguments that do not fit a screen's parameters (an old button, a changed flow)."""


_ADAPTERS: dict[type[Scalar], TypeAdapter[Any]] = {t: TypeAdapter(t) for t in (int, float, bool)}


def coerce_value(kind: ParamType, param: Param, value: Any) -> Any:
    """One argument as its parameter's type; raises BadArguments when it cannot be."""
    if value is None or (value == "" and kind.python is not str):
        if param.optional:
            return None
        raise BadArguments("a value is required")
    if kind.python is str:
        if isinstance(value, dict | list):
            raise BadArguments(f"expected text, got {type(value).__name__}")
        text = value if isinstance(value, str) else str(value)
        if param.values is not None and text not in param.values:
            raise BadArguments(f"{text!r} is not one of {', '.join(param.values)}")
        return text
    try:
        return _ADAPTERS[kind.python].validate_python(value)
    except ValidationError as exc:
        raise BadArguments(exc.errors(include_url=False)[0]["msg"]) from exc


def coerce_args(
    params: Mapping[str, Param], types: Mapping[str, ParamType], args: Mapping[str, Any]
) -> dict[str, Any]:
    """Arguments checked against ``params``: unknown ones refused, optional ones filled."""
    unknown = set(args) - set(params)
    if unknown:
        raise BadArguments(f"unknown argument(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for name, param in params.items():
        kind = types.get(param.type)
        if kind is None:
            raise BadArguments(f"parameter {name} has unknown type {param.type}")
        try:
            out[name] = coerce_value(kind, param, args.get(name))
        except BadArguments as exc:
            raise BadArguments(f"{name}: {exc}") from exc
    return out


def args_model(
    screen_id: str, params: Mapping[str, Param], types: Mapping[str, ParamType]
) -> type[BaseModel]:
    """``args`` as templates of this screen see it, for the linter's attribute checks."""
    fields: dict[str, Any] = {}
    for name, param in params.items():
        kind = types.get(param.type)
        python: Any = kind.python if kind else Any
        fields[name] = (Optional[python] if param.optional else python, ...)  # noqa: UP045
    model = create_model(f"args of {screen_id}", __config__=ConfigDict(extra="forbid"), **fields)
    return model
