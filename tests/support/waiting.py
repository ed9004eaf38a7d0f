"""Waiting on a condition instead of sleeping and hoping: a test that waits for what it needs is
as fast as the code allows and fails with a message, not a flake, when the code is slow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def until(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Return as soon as ``condition()`` is truthy; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout}s: {what or condition}")
        await asyncio.sleep(0.005)
