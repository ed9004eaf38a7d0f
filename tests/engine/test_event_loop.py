"""The bot's event loop: uvloop when installed, asyncio's own when asked (or without it)."""

from __future__ import annotations

import asyncio

import pytest

from engine import event_loop


async def loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_default_is_uvloop_where_it_is_installed() -> None:
    pytest.importorskip("uvloop")
    assert event_loop.best_loop() == "uvloop"
    assert event_loop.run(loop_module()).startswith("uvloop")


def test_asyncio_can_be_chosen() -> None:
    assert event_loop.run(loop_module(), "asyncio").startswith("asyncio")
