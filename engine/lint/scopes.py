"""What each template can read, place by place — the linter's mirror of the runtime.

A screen's templates see the user, its typed ``args``, the plug-ins' globals, its data and
its on_enter results; a row's also see ``item``. A call's targets are rendered after the
call, from a smaller scope: the user, ``args``, the row's ``item`` and the action's
``result`` (or its ``error``). Types are Python types (pydantic models are checked field by
field); ``Any`` and ``dict`` accept everything.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from engine.loader.bundle import ScreenDef
from engine.params import args_model
from engine.plugin import PluginSet
from engine.runtime.incoming import FileInfo
from engine.schema.flow import ForEach, InputKind
from engine.transitions import Transition, Via
from engine.variables import BASE_VARIABLES, ErrorView, UserView


class Nothing:
    """The result of an action that returns nothing: no attribute can be read from it."""


def unwrap_optional(kind: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (itself, False)."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(rest) == 1 and len(rest) < len(typing.get_args(kind)):
            return rest[0], True
    return kind, False


@dataclass(frozen=True)
class Step:
    """Reading one attribute from a type: what comes out, or why nothing does."""

    kind: Any
    known: tuple[str, ...] = ()  # what could have been read, when this failed
    missing: bool = False


def attribute(kind: Any, name: str) -> Step:
    kind, _ = unwrap_optional(kind)
    if kind is Nothing:
        return Step(Any, (), True)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        field = kind.model_fields.get(name)
        if field is not None:
            return Step(field.annotation)
        if hasattr(kind, name):
            return Step(Any)
        return Step(Any, tuple(kind.model_fields), True)
    return Step(Any)  # dict, Any, lists and scalars are not followed further


class Scopes:
    """Variables (name → type) for every kind of place a template can be written."""

    def __init__(self, plugins: PluginSet) -> None:
        self.plugins = plugins
        self.types = plugins.param_types
        self._cache: dict[str, dict[str, Any]] = {}
        self._args: dict[str, type[BaseModel]] = {}

    def args_of(self, screen: ScreenDef) -> type[BaseModel]:
        """``args`` of the screen as a model: built once per screen (lint asks many times)."""
        found = self._args.get(screen.id)
        if found is None:
            found = self._args[screen.id] = args_model(screen.id, screen.screen.params, self.types)
        return found

    def result_of(self, ref: str | None) -> Any:
        op = self.plugins.find(ref) if ref else None
        if op is None:
            return Any if ref else Nothing
        return Nothing if op.result_type in (None, type(None)) else op.result_type

    def screen(self, screen: ScreenDef) -> dict[str, Any]:
        """The screen's text, buttons, data, on_enter, media and form settings."""
        found = self._cache.get(screen.id)
        if found is not None:
            return found
        variables = dict(BASE_VARIABLES)
        variables["args"] = self.args_of(screen)
        variables.update(self.plugins.template_globals())
        for entered in screen.screen.on_enter:
            if entered.save_as:
                variables[entered.save_as] = self.result_of(entered.call)
        for name, call in screen.screen.data.items():
            op = self.plugins.find(call.query)
            variables[name] = op.result_type if op else Any
        self._cache[screen.id] = variables
        return variables

    def item(self, row: ForEach) -> Any:
        op = self.plugins.find(row.for_each)
        return op.item_type if op is not None and op.item_type is not None else Any

    def _row_item(self, screen: ScreenDef, t: Transition) -> Any:
        """The item of the generated row a transition is written in (None outside rows)."""
        if not t.in_row:
            return None
        row = screen.screen.keyboard[int(t.args_path[1])]
        return self.item(row) if isinstance(row, ForEach) else Any

    def input(self, screen: ScreenDef) -> Any:
        spec = screen.screen.input
        accepted = set(spec.accept) if spec else set()
        if accepted == {InputKind.TEXT}:
            return str
        return FileInfo if InputKind.TEXT not in accepted else Any

    def target(self, screen: ScreenDef, t: Transition) -> dict[str, Any]:
        """The arguments of a transition: what they are rendered from (see the runtime)."""
        item = self._row_item(screen, t)
        if t.via in (Via.BUTTON, Via.ROW):
            return {**self.screen(screen), **({"item": item} if t.in_row else {})}
        if t.via in (Via.INPUT, Via.INPUT_ERROR):
            scope = {**self.screen(screen), "input": self.input(screen)}
            if t.via is Via.INPUT and t.call:
                scope["result"] = self.result_of(t.call)
            elif t.via is Via.INPUT_ERROR:
                scope["error"] = ErrorView
            return scope
        scope = {"user": UserView, "args": self.args_of(screen)}
        if t.in_row:
            scope["item"] = item
        if t.via in (Via.ACTION_OK, Via.FORM_DONE):
            scope["result"] = self.result_of(t.call)
        elif t.via in (Via.ACTION_ERROR, Via.FORM_ERROR):
            scope["error"] = ErrorView
        return scope
