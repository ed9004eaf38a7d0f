"""Calling plug-in operations from flows: render the arguments, validate, run."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from engine.plugin import ActionError, PluginSet
from engine.runtime.context import ActionContext, Guards
from engine.templates import render_value


def render_args(args: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return {k: render_value(v, context) for k, v in args.items()}


class Calls:
    def __init__(self, plugins: PluginSet, guards: Guards | None = None) -> None:
        self.plugins = plugins
        self.guards = guards or Guards()

    async def run(self, ref: str, args: dict[str, Any], ctx: ActionContext) -> Any:
        """Run an action or query with already-rendered arguments.

        Arguments that fail validation come from data a user could influence (a forged or
        outdated press, free input), so they are refused as an ActionError, not a crash.
        """
        op = self.plugins.find(ref)
        namespace = ref.partition(".")[0]
        instance = self.plugins.instances.get(namespace)
        if op is None or instance is None:
            raise LookupError(f"no plug-in operation {ref}")
        if op.guard is not None and not self.guards.allows(op.guard, ctx):
            # a guarded screen should have stopped them; the operation does not rely on it
            raise ActionError("engine.forbidden")
        try:
            parsed = op.args_model.model_validate(args)
        except ValidationError as exc:
            raise ActionError("engine.action_failed", detail=str(exc)) from exc
        return await op.method(instance, ctx, parsed)
