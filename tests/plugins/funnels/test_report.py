"""The Wilson interval against known values, and the funnel's conversions."""

from __future__ import annotations

import pytest

from plugins.funnels.report import Funnel, wilson


def test_wilson_matches_the_textbook_values() -> None:
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)
    low, high = wilson(0, 10)  # no successes: still an upper bound above zero
    assert low == 0.0
    assert high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_conversion_is_from_the_step_before() -> None:
    funnel = Funnel((10, 5, 0, 0, 0))
    assert funnel.conversion(0) is None
    assert funnel.conversion(1) == 0.5
    assert funnel.conversion(2) == 0.0
    assert funnel.conversion(3) is None  # nobody at the step before
