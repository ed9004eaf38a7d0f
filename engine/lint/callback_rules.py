"""Keyboards Telegram accepts and a user can read: callback data within 64 bytes, at most 100
buttons, and never two lists paging on one screen."""

from __future__ import annotations

from collections.abc import Iterator

from engine.callbacks import CALLBACK_LIMIT, worst_case_length
from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem
from engine.plugin import Operation
from engine.schema.flow import ForEach

declare("CB001", "a screen's buttons could need callback data over Telegram's 64 bytes")
declare("CB002", "a keyboard could exceed Telegram's 100 buttons")
declare("CB003", "two lists on one screen could both need pages: their page buttons look alike")

BUTTON_LIMIT = 100


@check
def callback_length(ctx: LintContext) -> Iterator[Problem]:
    for sid, screen in ctx.bundle.screens.items():
        if not screen.screen.keyboard:
            continue
        length = worst_case_length(sid)
        if length > CALLBACK_LIMIT:
            yield finding(
                "CB001",
                screen.locate(),
                f'screen id "{sid}" is too long: its buttons need up to {length} bytes '
                f"of callback data, Telegram allows {CALLBACK_LIMIT}; shorten the name",
            )


@check
def keyboard_size(ctx: LintContext) -> Iterator[Problem]:
    for screen in ctx.bundle.screens.values():
        total = 0
        for row in screen.screen.keyboard:
            total += row.page_size + 2 if isinstance(row, ForEach) else len(row)
        if total > BUTTON_LIMIT:
            yield finding(
                "CB002",
                screen.locate("keyboard"),
                f"this keyboard can show {total} buttons; Telegram allows {BUTTON_LIMIT} (lower page_size)",
            )


def most_items(op: Operation | None, row: ForEach) -> int | None:
    """The most items ``row`` can list, when its query declares a bound (``at_most``): a number,
    or an argument the row gives as a literal positive number. None: unbounded."""
    bound = op.at_most if op is not None else None
    if isinstance(bound, str):
        given = row.args.get(bound)
        return given if isinstance(given, int) and not isinstance(given, bool) and given > 0 else None
    return bound


@check
def one_paged_list(ctx: LintContext) -> Iterator[Problem]:
    for screen in ctx.bundle.screens.values():
        paged = []
        for r, row in enumerate(screen.screen.keyboard):
            if isinstance(row, ForEach):
                bound = most_items(ctx.plugins.find(row.for_each), row)
                if bound is None or bound > row.page_size:
                    paged.append((r, row))
        for r, row in paged[1:]:
            yield finding(
                "CB003",
                screen.locate("keyboard", r, "for_each"),
                f"{row.for_each} may need pages here, and so may {paged[0][1].for_each} above it: "
                "the user would see two alike rows of ◀️ ▶️; show one list on this screen, or "
                "give the query a bound (@query(at_most=…)) within page_size",
            )
