"""Guards: a guarded screen may only be entered, and a guarded action only called, from where
its guard already holds — the same guard, or one the plug-ins declare implies it (whoever
passes ``owner`` passes ``admin``)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.plugin_rules import call_sites
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem
from engine.transitions import COMMAND_SOURCE, screen_buttons

declare("GUARD001", "a guarded screen is reachable from a screen without that guard")
declare("GUARD002", "a screen or button names a guard no plug-in provides")
declare("GUARD003", "a guarded action is called from a screen without that guard")


@check
def guard_leaks(ctx: LintContext) -> Iterator[Problem]:
    screens = ctx.bundle.screens
    implies = ctx.plugins.implies
    for t in ctx.transitions:
        target = screens.get(t.target)
        if target is None or target.guard is None or t.source == COMMAND_SOURCE:
            continue  # commands are checked when the screen renders
        source_guard = screens[t.source].guard
        if implies(source_guard, target.guard) or implies(t.button_guard, target.guard):
            continue
        held = f'guard "{source_guard}"' if source_guard else "no guard"
        yield finding(
            "GUARD001",
            t.location,
            f'"{t.target}" needs guard "{target.guard}" but is reachable from "{t.source}" '
            f"({held}, which does not imply it): add guard: {target.guard} to the button "
            "or the screen",
        )


@check
def guarded_calls(ctx: LintContext) -> Iterator[Problem]:
    implies = ctx.plugins.implies
    for screen in ctx.bundle.screens.values():
        button_guards = {path: button.guard for path, button in screen_buttons(screen)}
        for site in call_sites(screen):
            op = ctx.plugins.find(site.ref)
            if op is None or op.guard is None:
                continue
            if implies(screen.guard, op.guard) or implies(button_guards.get(site.path), op.guard):
                continue
            held = f'guard "{screen.guard}"' if screen.guard else "no guard"
            yield finding(
                "GUARD003",
                screen.locate(*site.path, site.ref_key),
                f'"{site.ref}" may only be run by guard "{op.guard}", but "{screen.id}" '
                f"({held}) calls it: guard the screen or the button with {op.guard}",
            )


@check
def unknown_guards(ctx: LintContext) -> Iterator[Problem]:
    known = ctx.plugins.guard_names
    for screen in ctx.bundle.screens.values():
        if screen.guard and screen.guard not in known:
            loc = screen.locate("guard") if screen.screen.guard else screen.doc.locate(("guard",))
            yield finding("GUARD002", loc, f'unknown guard "{screen.guard}"')
        for path, button in screen_buttons(screen):
            if button.guard and button.guard not in known:
                yield finding("GUARD002", screen.locate(*path, "guard"), f'unknown guard "{button.guard}"')
