"""A/B splits: a split that lints clean opens a working screen for every user, whichever
variant the hash gives them or an admin later picks as the winner."""

from __future__ import annotations

from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem
from engine.transitions import has_way_on

declare("SPLIT001", "a split's screen or one of its variants does not exist")
declare("SPLIT002", "a split's weights are not valid: each positive, and at least two variants")
declare("SPLIT003", "a split's variants do not take the same parameters as its screen")
declare("SPLIT004", "a split's variant cannot be reached, or is a dead end")
declare("SPLIT005", "two splits on one screen, or a variant that is itself split")


@check
def split_screens(ctx: LintContext) -> Iterator[Problem]:
    screens = ctx.bundle.screens
    for split in ctx.bundle.splits.values():
        if split.screen not in screens:
            yield finding(
                "SPLIT001",
                split.locate("screen"),
                f'split "{split.id}" tests unknown screen "{split.screen}"',
            )
        for ref, variant in zip(split.split.variants, split.variants, strict=True):
            if variant not in screens:
                yield finding(
                    "SPLIT001",
                    split.locate("variants", ref),
                    f'split "{split.id}": variant "{variant}" is not a screen',
                )


@check
def split_weights(ctx: LintContext) -> Iterator[Problem]:
    for split in ctx.bundle.splits.values():
        if len(split.variants) < 2:
            yield finding(
                "SPLIT002",
                split.locate("variants"),
                f'split "{split.id}" needs at least two variants (it has {len(split.variants)})',
            )
        for ref, weight in split.split.variants.items():
            if weight <= 0:
                yield finding(
                    "SPLIT002",
                    split.locate("variants", ref),
                    f'split "{split.id}": variant "{ref}" has weight {weight}; weights must be positive',
                )


@check
def split_params(ctx: LintContext) -> Iterator[Problem]:
    screens = ctx.bundle.screens
    for split in ctx.bundle.splits.values():
        tested = screens.get(split.screen)
        if tested is None:
            continue
        for ref, variant in zip(split.split.variants, split.variants, strict=True):
            found = screens.get(variant)
            if found is not None and found.screen.params != tested.screen.params:
                yield finding(
                    "SPLIT003",
                    split.locate("variants", ref),
                    f'split "{split.id}": variant "{variant}" takes '
                    f"({', '.join(found.screen.params) or 'nothing'}), but every way to "
                    f'"{split.screen}" passes ({", ".join(tested.screen.params) or "nothing"})',
                )


@check
def split_variants_lead_on(ctx: LintContext) -> Iterator[Problem]:
    screens = ctx.bundle.screens
    reached = {t.target for t in ctx.transitions}
    for split in ctx.bundle.splits.values():
        if split.screen in screens and split.screen not in reached:
            yield finding(
                "SPLIT004",
                split.locate("screen"),
                f'split "{split.id}": nothing leads to "{split.screen}", so no variant is ever shown',
            )
        for ref, variant in zip(split.split.variants, split.variants, strict=True):
            found = screens.get(variant)
            if found is not None and not has_way_on(found):
                yield finding(
                    "SPLIT004",
                    split.locate("variants", ref),
                    f'split "{split.id}": variant "{variant}" is a dead end: its users could not go on',
                )


@check
def nested_splits(ctx: LintContext) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for split in ctx.bundle.splits.values():
        if split.screen in first:
            yield finding(
                "SPLIT005",
                split.locate("screen"),
                f'splits "{first[split.screen]}" and "{split.id}" both test "{split.screen}"',
            )
        first.setdefault(split.screen, split.id)
    for split in ctx.bundle.splits.values():
        for ref, variant in zip(split.split.variants, split.variants, strict=True):
            if variant != split.screen and variant in first:
                yield finding(
                    "SPLIT005",
                    split.locate("variants", ref),
                    f'split "{split.id}": variant "{variant}" is itself split by "{first[variant]}"',
                )
