"""The plug-ins' dependencies are named fields: a misspelt one stops the start, not a job later."""

from __future__ import annotations

from typing import Any

import pytest

from app.assembly import Dependencies


def test_a_misspelt_dependency_is_a_type_error() -> None:
    given: dict[str, Any] = {
        "bundle": None,
        "pool": None,
        "bot": None,
        "kie_url": "u",
        "kie_key": "k",
        "kie_ulpoad_url": "u",
    }
    with pytest.raises(TypeError, match="kie_ulpoad_url"):
        Dependencies(**given)
