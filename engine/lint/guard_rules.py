"""Guards: a guarded screen may only be entered from where its guard already holds."""

from __future__ import annotations

from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem
from engine.transitions import COMMAND_SOURCE, screen_buttons

declare("GUARD001", "a guarded screen is reachable from a screen without that guard")
declare("GUARD002", "a screen or button names a guard no plug-in provides")


@check
def guard_leaks(ctx: LintContext) -> Iterator[Problem]:
    screens = ctx.bundle.screens
    for t in ctx.transitions:
        target = screens.get(t.target)
        if target is None or target.guard is None or t.source == COMMAND_SOURCE:
            continue  # commands are checked when the screen renders
        source_guard = screens[t.source].guard
        if target.guard in (source_guard, t.button_guard):
            continue
        yield finding(
            "GUARD001", t.location,
            f'"{t.target}" needs guard "{target.guard}" but is reachable from "{t.source}" '
            f'without it: add guard: {target.guard} to the button or the screen')


@check
def unknown_guards(ctx: LintContext) -> Iterator[Problem]:
    known = ctx.plugins.guard_names
    for screen in ctx.bundle.screens.values():
        if screen.guard and screen.guard not in known:
            loc = (screen.locate("guard") if screen.screen.guard
                   else screen.doc.locate(("guard",)))
            yield finding("GUARD002", loc, f'unknown guard "{screen.guard}"')
        for path, button in screen_buttons(screen):
            if button.guard and button.guard not in known:
                yield finding("GUARD002", screen.locate(*path, "guard"),
                              f'unknown guard "{button.guard}"')
