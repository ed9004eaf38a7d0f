"""What every rule reads: the bundle, the plug-in declarations and where each text is used."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.lint.scopes import Scopes
from engine.loader.bundle import Bundle, ScreenDef
from engine.loader.errors import Location
from engine.plugin import PluginSet
from engine.schema.flow import ForEach
from engine.transitions import Transition, all_transitions
from engine.variables import ENGINE_TEXTS, FormView


@dataclass(frozen=True)
class TextUse:
    """One place a locale key is shown, with the variables available there."""

    key: str
    location: Location
    variables: dict[str, Any]
    where: str
    caption: bool = False  # shown as a media caption (1024) rather than a message (4096)


@dataclass
class LintContext:
    bundle: Bundle
    plugins: PluginSet
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def transitions(self) -> list[Transition]:
        return all_transitions(self.bundle)

    @cached_property
    def scopes(self) -> Scopes:
        return Scopes(self.plugins)

    def screen_variables(self, screen: ScreenDef) -> dict[str, Any]:
        """What the screen's text sees (a form's header also gets ``form``)."""
        variables = dict(self.scopes.screen(screen))
        if screen.screen.form is not None:
            variables["form"] = FormView
        return variables

    @cached_property
    def text_uses(self) -> dict[str, list[TextUse]]:
        uses: dict[str, list[TextUse]] = defaultdict(list)
        for key, names in ENGINE_TEXTS.items():
            uses[key].append(TextUse(key, Location("engine", 1, 1), dict(names), "the engine"))
        for decl in self.plugins.by_namespace.values():
            for key, declared in decl.texts.items():
                uses[key].append(
                    TextUse(key, Location("engine", 1, 1), dict(declared), f"the {decl.namespace} plug-in")
                )
        for command in self.bundle.commands.values():
            if command.command.description:
                uses[command.command.description].append(
                    TextUse(command.command.description, command.location, {}, f"/{command.name}")
                )
        for screen in self.bundle.screens.values():
            base = self.screen_variables(screen)
            spec = screen.screen
            uses[spec.text].append(
                TextUse(spec.text, screen.locate("text"), base, f"screen {screen.id}", spec.media is not None)
            )
            for i, offer in enumerate(spec.form.offers if spec.form else []):
                uses[offer.text].append(
                    TextUse(
                        offer.text,
                        screen.locate("form", "offers", i, "text"),
                        base,
                        f"an offer of {screen.id}",
                    )
                )
            for r, row in enumerate(spec.keyboard):
                if isinstance(row, ForEach):
                    op = self.plugins.find(row.for_each)
                    item = op.item_type if op and op.item_type is not None else Any
                    uses[row.button.text].append(
                        TextUse(
                            row.button.text,
                            screen.locate("keyboard", r, "button", "text"),
                            {**base, "item": item},
                            f"a button of {screen.id}",
                        )
                    )
                    continue
                for c, button in enumerate(row):
                    uses[button.text].append(
                        TextUse(
                            button.text,
                            screen.locate("keyboard", r, c, "text"),
                            base,
                            f"a button of {screen.id}",
                        )
                    )
        return uses
