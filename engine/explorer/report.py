"""What the explorer found: failures with the path that led to each, and the run's counts."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

from engine.explorer.driver import Role


@dataclass(frozen=True)
class Step:
    """One thing the user did: a command, a text, a file, a press (on the message step
    ``on`` of the path produced) or a double tap — the bot's process restarted first if
    ``restart``."""

    kind: str  # command, text, upload, press, again
    value: str = ""
    on: int = -1  # for presses: index of the step whose reply showed the message
    stale: bool = False  # the press is on a message the bot has since replaced
    restart: bool = False

    def describe(self) -> str:
        return ("[restart] → " if self.restart else "") + self._what()

    def _what(self) -> str:
        if self.kind == "command":
            return f"/{self.value}"
        if self.kind == "text":
            return f"[text {self.value!r}]"
        if self.kind == "upload":
            return f"[{self.value}]"
        if self.kind == "again":
            return f'"{self.value}" again'
        return f'{"(old message) " if self.stale else ""}"{self.value}"'


def describe(path: list[Step] | tuple[Step, ...]) -> str:
    return " → ".join(step.describe() for step in path)


@dataclass(frozen=True)
class Failure:
    kind: str  # internal error, silent, unrendered, unanswered
    detail: str
    role: Role
    language: str
    path: tuple[Step, ...]

    def format(self) -> str:
        return f"{self.kind} ({self.role}, {self.language}): {describe(self.path)}\n    {self.detail}"


VARYING = re.compile(r"(error id|error|user|job|id) [0-9a-f-]+", re.IGNORECASE)


def signature(detail: str) -> str:
    """A failure's detail without what differs between occurrences (error ids, user ids)."""
    return VARYING.sub(r"\1 …", detail.split("\n")[0])[:200]


@dataclass
class Report:
    started: float = field(default_factory=time.monotonic)
    counts: Counter[str] = field(default_factory=Counter)
    screens: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phases: dict[str, tuple[int, float]] = field(default_factory=dict)  # actions, seconds
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def phase(self, name: str, since: float, actions: int) -> None:
        """Record how much a part of the run did and took (from ``since``, ``actions`` on)."""
        self.phases[name] = (self.counts["actions"] - actions, time.monotonic() - since)

    def fail(self, failure: Failure) -> None:
        """Keep one failure per kind, detail and last step: the first (shortest) path to it."""
        last = failure.path[-1].describe() if failure.path else ""
        key = (failure.kind, signature(failure.detail), last)
        if key not in self._seen:
            self._seen.add(key)
            self.failures.append(failure)

    @property
    def clean(self) -> bool:
        return not self.failures

    def format(self) -> str:
        lines = [f.format() for f in self.failures]
        lines += [f"note: {n}" for n in self.notes[:20]]
        if len(self.notes) > 20:
            lines.append(f"note: … and {len(self.notes) - 20} more notes")
        lines += [
            f"{name}: {actions} actions in {seconds:.1f} s"
            for name, (actions, seconds) in self.phases.items()
        ]
        elapsed = time.monotonic() - self.started
        lines.append(
            f"explored in {elapsed:.1f} s: {len(self.screens)} screens seen, "
            f"{self.counts['states']} states, {self.counts['presses']} presses, "
            f"{self.counts['actions']} actions, {self.counts['restarts']} restarts, "
            f"{len(self.models)} models walked ({self.counts['form steps checked']} form steps "
            f"checked, {self.counts['form steps answered only']} answered only), "
            f"{self.counts['diverged']} replays lost their way, {len(self.failures)} failures"
        )
        return "\n".join(lines)
