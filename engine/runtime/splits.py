"""A/B splits at run time: which variant of a split screen a user sees.

The choice is a hash of the split's id and the user's id into the split's total weight, so
it is the same after a restart and on every instance, with nothing stored. An admin's chosen
winner (``WinnerSource``, read at most every ``ttl`` seconds) overrides it for everyone, as
long as the YAML still lists that variant.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Mapping
from typing import Protocol

from engine.loader.bundle import Bundle, SplitDef

log = logging.getLogger(__name__)


class WinnerSource(Protocol):
    async def winners(self) -> Mapping[str, str]:
        """Split id → the variant screen chosen for everyone."""
        ...


class ControlVariants:
    """Every split shows the screen it tests, whatever the weights or admins say: for runs
    that replay one user's path as another's (the explorer, scripted conversations)."""

    def __init__(self, bundle: Bundle) -> None:
        self.chosen = {split.id: split.screen for split in bundle.splits.values()}

    async def winners(self) -> Mapping[str, str]:
        return self.chosen


def bucket(split_id: str, user_id: int, total: int) -> int:
    digest = hashlib.blake2b(f"{split_id}:{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % total


def assign(split: SplitDef, user_id: int) -> str:
    """The variant the weights give this user (winners aside)."""
    weights = [(screen, weight) for screen, weight in split.variants.items() if weight > 0]
    point = bucket(split.id, user_id, sum(w for _, w in weights))
    for screen, weight in weights:
        if point < weight:
            return screen
        point -= weight
    raise AssertionError("unreachable: the point is below the total weight")


class Splits:
    def __init__(self, bundle: Bundle, winners: WinnerSource | None = None, ttl: float = 2.0) -> None:
        self.by_screen: dict[str, SplitDef] = {s.screen: s for s in bundle.splits.values()}
        self.source = winners
        self.ttl = ttl
        self._winners: Mapping[str, str] = {}
        self._read_at = float("-inf")
        self._known = False  # read at least once since start (or since ``forget``)
        self._reading: asyncio.Task[None] | None = None

    def variants_of(self, screen: str) -> frozenset[str]:
        """The screens a way to ``screen`` may open (itself when it is not split)."""
        split = self.by_screen.get(screen)
        return frozenset(split.variants) | {screen} if split else frozenset({screen})

    async def route(self, screen: str, user_id: int) -> tuple[str, str | None]:
        """The screen to show instead of ``screen``, and the variant label for the events."""
        split = self.by_screen.get(screen)
        if split is None:
            return screen, None
        winner = (await self._current()).get(split.id)
        chosen = winner if winner is not None and winner in split.variants else assign(split, user_id)
        return chosen, f"{split.id}:{chosen}"

    async def _current(self) -> Mapping[str, str]:
        """The winners, read again every ``ttl`` seconds, one read at a time: later callers use
        what is known meanwhile, but until a first read has ended every caller waits for it
        (a winner must hold from an instance's first update on)."""
        if self.source is None:
            return self._winners
        now = time.monotonic()
        if self._reading is None and now - self._read_at >= self.ttl:
            self._read_at = now
            self._reading = asyncio.ensure_future(self._read(self.source))
        if self._reading is not None and not self._known:
            await self._reading
        return self._winners

    async def _read(self, source: WinnerSource) -> None:
        try:
            self._winners = dict(await source.winners())
            self._known = True
        except Exception:
            log.exception("could not read the splits' winners; keeping the last known")
        finally:
            self._reading = None

    def forget(self) -> None:
        """Read the winners again on the next route (a winner was just chosen here)."""
        self._read_at = float("-inf")
        self._known = False
