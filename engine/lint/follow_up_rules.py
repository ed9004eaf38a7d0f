"""Follow-ups: models that work on an earlier result (Suno's extend, WAV …) and are opened only
from a button under it. Their id fields are filled from the user's own job, so the data that
says which jobs qualify must be consistent, or a button would open a form that cannot finish."""

from __future__ import annotations

from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.loader.errors import Problem

declare("MODEL013", "a follow-up model's from_job fields and its follow_up do not go together")
declare("MODEL014", "a follow_up names a model that is not in models/")


@check
def follow_up_shape(ctx: LintContext) -> Iterator[Problem]:
    for model in ctx.bundle.models.values():
        entry = model.entry
        fields = entry.job_fields
        if fields and entry.follow_up is None:
            name = next(iter(fields))
            yield finding(
                "MODEL013",
                model.locate("input", name, "from_job"),
                f'model "{entry.id}": "{name}" is filled from an earlier job, but the '
                f"model has no follow_up saying which jobs",
            )
        if entry.follow_up is not None and not fields:
            yield finding(
                "MODEL013",
                model.locate("follow_up"),
                f'model "{entry.id}": a follow_up needs at least one from_job field',
            )


@check
def follow_up_sources(ctx: LintContext) -> Iterator[Problem]:
    models = ctx.bundle.models
    for model in models.values():
        entry = model.entry
        if entry.follow_up is None:
            continue
        for i, source in enumerate(entry.follow_up.after):
            if source not in models:
                yield finding(
                    "MODEL014",
                    model.locate("follow_up", "after", i),
                    f'model "{entry.id}": follows unknown model "{source}"',
                )
