"""The explorer's driver names what every kind of press does, so walks find Back, Cancel,
Confirm and the answers by role (a press kind it did not know left forms unwalked)."""

from __future__ import annotations

from typing import get_args

from app.explore_place import FORM_OPS, ROLES, role_of
from engine.runtime.presses import FormOp, Press, stored


def test_every_press_kind_has_a_role() -> None:
    kinds = get_args(get_args(Press)[0])
    assert {kind for kind in kinds if kind is not FormOp} == set(ROLES)
    assert set(get_args(FormOp.model_fields["kind"].annotation)) == set(FORM_OPS)


def test_form_moves_are_told_apart() -> None:
    assert role_of(stored(FormOp(kind="form.back"))) == "back"
    assert role_of(stored(FormOp(kind="form.cancel"))) == "cancel"
    assert role_of({"kind": "something old"}) == "unknown"
