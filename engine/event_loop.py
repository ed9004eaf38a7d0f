"""The event loop the bot runs on: uvloop where it is installed, asyncio's own elsewhere.

uvloop (libuv, by asyncpg's authors) makes each socket round trip — a Bot API call, a
session write — cheaper in CPU than asyncio's pure-Python loop. It is not on Windows, so
the default loop stays a working fallback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

T = TypeVar("T")
LoopName = Literal["uvloop", "asyncio"]


def best_loop() -> LoopName:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def run(main: Coroutine[Any, Any, T], loop: LoopName | None = None) -> T:
    """``asyncio.run`` on ``loop`` (default: the best one installed)."""
    if (loop or best_loop()) == "uvloop":
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)
