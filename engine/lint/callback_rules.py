"""Callback data stays within Telegram's 64 bytes for every screen that has buttons."""

from __future__ import annotations

from collections.abc import Iterator

from engine.callbacks import CALLBACK_LIMIT, worst_case_length
from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem
from engine.schema.flow import ForEach

declare("CB001", "a screen's buttons could need callback data over Telegram's 64 bytes")
declare("CB002", "a keyboard could exceed Telegram's 100 buttons")

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
