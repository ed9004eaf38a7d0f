"""The plug-in protocol: how the engine reaches wallets, catalogs and Kie.ai without knowing them.

A plug-in owns a namespace and declares, on its class, typed actions and queries::

    class Wallet(Plugin):
        namespace = "wallet"

        @query
        async def balance(self, ctx: CallContext, args: NoArgs) -> BalanceView: ...

The argument model and result type come from the annotations, so the linter checks every call
written in YAML (names, argument names and literal types, template variables on results)
without running anything.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from engine.params import BUILTIN_TYPES, ParamType


class _ModelRefMarker:
    """Marks an argument whose literal values the linter checks against models/."""


ModelRef = Annotated[str, _ModelRefMarker()]


def is_model_ref(metadata: list[Any]) -> bool:
    return any(isinstance(m, _ModelRefMarker) for m in metadata)


class PluginModel(BaseModel):
    """A plug-in's pydantic model (its operations' arguments and results, its rows): validation
    is built on first use. The plug-ins define a few hundred, a start uses few of them, and
    building each at import cost ~7 KB and ~0.3 ms (half of them belong to screens that most
    processes never show)."""

    model_config = ConfigDict(defer_build=True)


class NoArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OperationKind(StrEnum):
    ACTION = "action"
    QUERY = "query"


class ActionError(Exception):
    """An action refused or failed in a way the user should be told about.

    ``text_key`` names a locale text shown to the user; ``params`` fill its template.
    """

    def __init__(self, text_key: str, **params: Any) -> None:
        super().__init__(text_key)
        self.text_key = text_key
        self.params = params


class CallContext(Protocol):
    """What an operation may know about the update it serves."""

    @property
    def user_id(self) -> int: ...

    @property
    def chat_id(self) -> int: ...

    @property
    def language(self) -> str: ...

    @property
    def is_admin(self) -> bool: ...

    @property
    def session_args(self) -> dict[str, Any]: ...

    @property
    def update_key(self) -> str | None:
        """The update being served, the same when it is delivered again (after a crash, or a
        webhook retry): an idempotency key for what an action creates. None when not serving
        an update."""
        ...

    def set_language(self, language: str) -> None: ...


@dataclass(frozen=True)
class Operation:
    name: str
    kind: OperationKind
    args_model: type[BaseModel]
    result_type: Any
    method: Callable[..., Awaitable[Any]]
    doc: str = ""
    guard: str | None = None  # who may run it: checked by the runtime on every call, and by
    # the linter against the guard of every screen that calls it
    #: a query's most items: a number, or the name of an int argument that caps them (when
    #: given, not 0); lets the linter prove a ``for_each`` of it never needs a second page
    at_most: int | str | None = None

    @property
    def item_type(self) -> Any:
        """For a query used by ``for_each``: the type of one item."""
        if typing.get_origin(self.result_type) in (list, tuple, Sequence):
            return typing.get_args(self.result_type)[0]
        return None


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class _Declare:
    """``@action`` / ``@query``, or ``@action(guard="owner")`` for an operation that only those
    passing a guard may run (the runtime refuses anyone else, whatever press led there), or
    ``@query(at_most=3)`` for a query that never returns more (see ``Operation.at_most``)."""

    def __init__(self, kind: OperationKind) -> None:
        self.kind = kind

    @typing.overload
    def __call__(
        self, func: Callable[..., Any], *, guard: None = None, at_most: None = None
    ) -> Callable[..., Any]: ...

    @typing.overload
    def __call__(
        self, func: None = None, *, guard: str | None = None, at_most: int | str | None = None
    ) -> Decorator: ...

    def __call__(
        self,
        func: Callable[..., Any] | None = None,
        *,
        guard: str | None = None,
        at_most: int | str | None = None,
    ) -> Callable[..., Any] | Decorator:
        def mark(f: Callable[..., Any]) -> Callable[..., Any]:
            f.__plugin_operation__ = self.kind  # type: ignore[attr-defined]
            f.__plugin_guard__ = guard  # type: ignore[attr-defined]
            f.__plugin_at_most__ = at_most  # type: ignore[attr-defined]
            return f

        return mark(func) if func is not None else mark


action = _Declare(OperationKind.ACTION)
query = _Declare(OperationKind.QUERY)

GuardCheck = Callable[[CallContext], bool]


@dataclass(frozen=True)
class PressResult:
    """A plug-in's answer to a press on a message it sent itself (not a flow screen)."""

    text_key: str | None = None  # shown as the callback answer
    params: dict[str, Any] = field(default_factory=dict)
    screen: str | None = None  # then open this screen (declared in ``screens``) …
    args: dict[str, Any] = field(default_factory=dict)  # … with these arguments


@dataclass(frozen=True)
class CommandEvent:
    """A command a plug-in asked to see (``command_hooks``), with what followed it.

    ``payload`` is the text after the command (``/start ref_abc`` → ``ref_abc``; a deep link
    ``t.me/bot?start=ref_abc`` arrives so), untrusted and possibly empty. ``first_visit`` is
    true on the user's very first update to the bot (no session existed before it).
    """

    command: str
    payload: str
    first_visit: bool


@dataclass(frozen=True)
class CommandResult:
    """A plug-in's answer to a command it hooked: a notice shown above the screen, and
    optionally another screen (declared in ``screens``) to open instead of the command's."""

    text_key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    screen: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Declarations:
    """What a plug-in class offers, read from its annotations."""

    namespace: str
    operations: Mapping[str, Operation]
    globals: Mapping[str, Any] = field(default_factory=dict)
    texts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    screens: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    param_types: tuple[ParamType, ...] = ()
    guard_implies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    command_hooks: tuple[str, ...] = ()


class Plugin:
    """Base class of every plug-in. Subclasses set ``namespace`` and mark methods."""

    namespace: ClassVar[str]
    #: variables this plug-in puts into every template, with their types
    template_globals: ClassVar[dict[str, Any]] = {}
    #: locale keys the plug-in renders itself (messages outside screens), with their variables
    texts: ClassVar[dict[str, dict[str, Any]]] = {}
    #: screens the plug-in opens by itself (from presses on its own messages), each with the
    #: arguments it passes and their Python types: the linter checks them against the params
    screens: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    #: parameter types the plug-in adds to the flow language (``model``, ``job``, …)
    param_types: ClassVar[tuple[ParamType, ...]] = ()
    #: callback data starting with this is a press on one of the plug-in's own messages
    press_prefix: ClassVar[str | None] = None
    #: commands whose arguments this plug-in reads (``on_command``), e.g. ``("start",)`` for
    #: deep-link payloads; the command itself still opens its screen
    command_hooks: ClassVar[tuple[str, ...]] = ()
    #: the guards ``guards()`` provides, each with the guards it implies: whoever passes
    #: ``owner`` passes ``admin`` too, so a screen guarded ``owner`` may lead to one guarded
    #: ``admin`` (the linter reads this; the checks themselves stay in ``guards()``)
    guard_implies: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    @classmethod
    def declarations(cls) -> Declarations:
        ops: dict[str, Operation] = {}
        for name, func in inspect.getmembers(cls, inspect.isfunction):
            kind = getattr(func, "__plugin_operation__", None)
            if kind is None:
                continue
            hints = typing.get_type_hints(func)
            args_model = hints.get("args", NoArgs)
            if not (isinstance(args_model, type) and issubclass(args_model, BaseModel)):
                raise TypeError(f"{cls.__name__}.{name}: 'args' must be a pydantic model")
            ops[name] = Operation(
                name,
                kind,
                args_model,
                hints.get("return"),
                func,
                inspect.getdoc(func) or "",
                getattr(func, "__plugin_guard__", None),
                getattr(func, "__plugin_at_most__", None),
            )
        return Declarations(
            cls.namespace,
            ops,
            dict(cls.template_globals),
            dict(cls.texts),
            {k: dict(v) for k, v in cls.screens.items()},
            tuple(cls.param_types),
            {k: tuple(v) for k, v in cls.guard_implies.items()},
            tuple(cls.command_hooks),
        )

    async def template_values(self, ctx: CallContext) -> dict[str, Any]:
        """Values for ``template_globals`` on one render; override when there are any."""
        return {}

    def guards(self) -> Mapping[str, GuardCheck]:
        return {}

    async def on_command(self, ctx: CallContext, event: CommandEvent) -> CommandResult | None:
        """A command named in ``command_hooks``, before its screen is shown (None: nothing to add)."""
        return None

    async def on_press(self, ctx: CallContext, data: str) -> PressResult:
        """A press whose callback data starts with ``press_prefix`` (the prefix removed)."""
        raise NotImplementedError


class PluginSet:
    """The plug-ins of one running bot (or, for the linter, their classes' declarations)."""

    def __init__(
        self,
        declarations: list[Declarations],
        instances: Mapping[str, Plugin] | None = None,
        guard_names: frozenset[str] = frozenset({"admin"}),
    ) -> None:
        self.by_namespace = {d.namespace: d for d in declarations}
        self.instances = dict(instances or {})
        self.implied: dict[str, frozenset[str]] = _closure([d.guard_implies for d in declarations])
        self.guard_names = guard_names.union(self.implied, *self.implied.values())

    @classmethod
    def of(cls, plugins: list[Plugin]) -> PluginSet:
        decls = [type(p).declarations() for p in plugins]
        guards = frozenset({"admin"}).union(*(p.guards().keys() for p in plugins))
        return cls(decls, {p.namespace: p for p in plugins}, guards)

    def implies(self, held: str | None, needed: str | None) -> bool:
        """Whoever passes guard ``held`` surely passes ``needed`` (no guard is passed by all)."""
        if needed is None or held == needed:
            return True
        return held is not None and needed in self.implied.get(held, frozenset())

    def find(self, ref: str) -> Operation | None:
        namespace, _, name = ref.partition(".")
        decl = self.by_namespace.get(namespace)
        return decl.operations.get(name) if decl else None

    @cached_property
    def param_types(self) -> dict[str, ParamType]:
        """Every parameter type flows may use: the built-in ones and the plug-ins'."""
        types = dict(BUILTIN_TYPES)
        for decl in self.by_namespace.values():
            for kind in decl.param_types:
                if kind.name in types:
                    raise ValueError(f"parameter type {kind.name!r} is declared twice")
                types[kind.name] = kind
        return types

    def template_globals(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for decl in self.by_namespace.values():
            merged.update(decl.globals)
        return merged


def _closure(declared: list[Mapping[str, tuple[str, ...]]]) -> dict[str, frozenset[str]]:
    """Each guard with every guard it implies, directly or through others."""
    direct: dict[str, set[str]] = {}
    for mapping in declared:
        for guard, implied in mapping.items():
            direct.setdefault(guard, set()).update(implied)
    closed: dict[str, frozenset[str]] = {}
    for guard in direct:
        seen: set[str] = set()
        todo = list(direct[guard])
        while todo:
            g = todo.pop()
            if g not in seen:
                seen.add(g)
                todo.extend(direct.get(g, ()))
        closed[guard] = frozenset(seen - {guard})
    return closed
