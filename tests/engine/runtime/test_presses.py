"""Presses as the session keeps them: each kind comes back as itself, anything else as None
(an old session's dicts, a tampered row) — which the interpreter answers as out of date."""

from __future__ import annotations

import pytest

from engine.runtime.presses import (
    Answer,
    Back,
    Call,
    Choose,
    Edit,
    FormOp,
    Go,
    NextTarget,
    Page,
    restored,
    stored,
)

EVERY_KIND = [
    Go(screen="catalog.card", args={"model": "flux"}),
    Back(),
    Call(
        call="wallet.approve_receipt",
        args={"receipt_id": 7},
        next=NextTarget(screen="admin.decided", args={"receipt": "{{ result.id }}"}),
    ),
    Page(row=0, page=2),
    Choose(index=3),
    Answer(value=False),
    FormOp(kind="form.confirm"),
    Edit(field="prompt"),
]


@pytest.mark.parametrize("press", EVERY_KIND, ids=lambda p: p.kind)
def test_a_press_comes_back_as_itself(press) -> None:  # type: ignore[no-untyped-def]
    assert restored(stored(press)) == press


@pytest.mark.parametrize(
    "data",
    [
        {"do": "go", "target": "main.start", "args": {}},  # before typed presses
        {"kind": "form.delete_everything"},
        {"kind": "go"},  # no screen
        {"kind": "page", "row": "x", "page": 1},
        "go",
        None,
        42,
    ],
)
def test_anything_else_is_no_press(data) -> None:  # type: ignore[no-untyped-def]
    assert restored(data) is None
