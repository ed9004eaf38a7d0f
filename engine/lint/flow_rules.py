"""Screens and the ways between them: orphaned targets, unreachable screens, dead ends."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Location, Problem
from engine.transitions import COMMAND_SOURCE, Via, has_way_on

declare("FLOW001", "a button, command or input points to a screen that does not exist")
declare("FLOW002", "a screen no command leads to, directly or through other screens")
declare("FLOW003", "a dead end: a screen with no button, input or form to go on or back")
declare("FLOW004", "two screens have the same id")
declare("FLOW005", "the project has no /start command")
declare("FLOW006", "a plug-in opens a screen that does not exist")
declare("FLOW007", "a form offers a way past a refusal its submit action never gives")
declare("FLOW008", "a plug-in reads the arguments of a command no flow declares")


def _near(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


@check
def orphaned_targets(ctx: LintContext) -> Iterator[Problem]:
    known = list(ctx.bundle.screens)
    for t in ctx.transitions:
        if t.target in ctx.bundle.screens:
            continue
        what = (
            f"command {t.label}"
            if t.via is Via.COMMAND
            else "input"
            if t.via in (Via.INPUT, Via.INPUT_ERROR)
            else "form"
            if t.via in (Via.FORM_DONE, Via.FORM_CANCEL, Via.FORM_ERROR, Via.FORM_OFFER)
            else f'button "{t.label}"'
        )
        yield finding(
            "FLOW001", t.location, f'{what} points to unknown screen "{t.target}"{_near(t.target, known)}'
        )


@check
def offers_answer_real_refusals(ctx: LintContext) -> Iterator[Problem]:
    """An offer shows only when ``submit`` refuses with its ``when`` key: a key the action's
    plug-in does not declare among its texts would never show (a typo, or the wrong action)."""
    for screen in ctx.bundle.screens.values():
        form = screen.screen.form
        if form is None or not form.offers:
            continue
        namespace = form.submit.split(".", 1)[0] if form.submit else None
        declared = ctx.plugins.by_namespace.get(namespace) if namespace else None
        for i, offer in enumerate(form.offers):
            if declared is not None and offer.when in declared.texts:
                continue
            where = f'"{form.submit}"' if form.submit else "a form without submit"
            yield finding(
                "FLOW007",
                screen.locate("form", "offers", i, "when"),
                f'offer for "{offer.when}": {where} never refuses with that text',
            )


@check
def unreachable_screens(ctx: LintContext) -> Iterator[Problem]:
    edges: dict[str, set[str]] = defaultdict(set)
    for t in ctx.transitions:
        edges[t.source].add(t.target)
    seen = {COMMAND_SOURCE}
    todo = [COMMAND_SOURCE]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for sid, screen in ctx.bundle.screens.items():
        if sid not in seen:
            yield finding("FLOW002", screen.locate(), f'screen "{sid}" cannot be reached from any command')


@check
def dead_ends(ctx: LintContext) -> Iterator[Problem]:
    for sid, screen in ctx.bundle.screens.items():
        if not has_way_on(screen):
            yield finding(
                "FLOW003", screen.locate(), f'screen "{sid}" is a dead end: add a button to go on or back'
            )


@check
def duplicate_screens(ctx: LintContext) -> Iterator[Problem]:
    yield from ctx.bundle.duplicates


@check
def start_command(ctx: LintContext) -> Iterator[Problem]:
    if ctx.bundle.screens and "start" not in ctx.bundle.commands:
        first = next(iter(ctx.bundle.screens.values()))
        yield finding("FLOW005", first.doc.locate(()), "no /start command: Telegram users begin with /start")


@check
def plugin_screens(ctx: LintContext) -> Iterator[Problem]:
    start = ctx.bundle.commands.get("start")
    where = start.location if start else Location("flows", 1, 1)
    for decl in ctx.plugins.by_namespace.values():
        for screen in decl.screens:
            if screen not in ctx.bundle.screens:
                yield finding(
                    "FLOW006",
                    where,
                    f'the {decl.namespace} plug-in opens screen "{screen}", which no flow defines',
                )


@check
def hooked_commands(ctx: LintContext) -> Iterator[Problem]:
    """A plug-in that reads a command's arguments needs a flow to declare the command, or
    users' ``/name …`` would only ever get "unknown command"."""
    start = ctx.bundle.commands.get("start")
    where = start.location if start else Location("flows", 1, 1)
    for decl in ctx.plugins.by_namespace.values():
        for command in decl.command_hooks:
            if command not in ctx.bundle.commands:
                yield finding(
                    "FLOW008",
                    where,
                    f"the {decl.namespace} plug-in reads the arguments of /{command}, which no flow declares",
                )
