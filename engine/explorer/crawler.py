"""Breadth-first over the states a user can reach: every button of every state is pressed
(once normally, then at once again), the first one after a restart; every state gets
unexpected input, then presses on its now outdated message, and its valid answer if it asks
for one.

A state is a message the user sees, known by its screen and button labels; each is explored
once per role and language, replaying its path with a fresh user for every try.
"""

from __future__ import annotations

import random
import re
import zlib
from collections import deque
from dataclasses import dataclass, field, replace

from engine.explorer.conversation import Conversation, Diverged, Limits
from engine.explorer.driver import Driver, Place, Role, Shown
from engine.explorer.inputs import answers, unexpected
from engine.explorer.report import Report, Step

DIGITS = re.compile(r"\d+([.,:]\d+)*")
Key = tuple[str | None, frozenset[str]]


def state_key(shown: Shown) -> Key:
    """A message's screen and the shapes of its labels: numbers (prices, dates, ids) are
    masked and repeats folded, so a list of three receipts is the state a list of one is."""
    return shown.screen, frozenset(DIGITS.sub("#", label) for label in shown.buttons)


def replayable(path: list[Step]) -> list[Step]:
    """A path without its restarts: the state after one is the state before it."""
    return [replace(step, restart=False) if step.restart else step for step in path]


@dataclass
class State:
    path: list[Step]
    on: int                  # index of the step whose reply showed the message
    shown: Shown
    place: Place | None      # set when the message is the user's current screen


@dataclass
class FormEntry:
    """A path that opens a model's form, as found while crawling."""

    role: Role
    language: str
    path: list[Step]


@dataclass
class Crawler:
    driver: Driver
    report: Report
    limits: Limits
    rng: random.Random
    languages: tuple[str, ...]
    forms: dict[str, FormEntry] = field(default_factory=dict)
    topics: set[str] = field(default_factory=set)
    seen: dict[str, set[Key]] = field(default_factory=dict)   # per language, for all roles
    max_topics: int | None = None   # how many models' cards to explore (all when None)

    async def _conversation(self, role: Role, language: str) -> Conversation:
        return await Conversation(self.driver, self.report, self.limits, role, language).begin()

    async def crawl(self, role: Role, language: str) -> None:
        seen = self.seen.setdefault(language, set())
        queue: deque[State] = deque()
        for name in self.driver.commands(role):
            conv = await self._conversation(role, language)
            if await conv.do(Step("command", name)) is not None:
                self._discover(conv, seen, queue)
        while queue:
            await self._explore(queue.popleft(), role, language, seen, queue)

    def _owns(self, model: str, role: Role, language: str) -> bool:
        """Each model's card is explored once, by users, in one language (by a stable hash)."""
        index = zlib.crc32(model.encode()) % len(self.languages)
        if self.max_topics is not None and len(self.topics) >= self.max_topics:
            return False
        return role is Role.USER and self.languages[index] == language

    def _discover(self, conv: Conversation, seen: set[Key],
                  queue: deque[State]) -> None:
        """Queue the messages the last step showed that are states not seen yet."""
        last = len(conv.replies) - 1
        place = conv.place
        if place.model and place.step and place.model not in self.forms:
            self.forms[place.model] = FormEntry(conv.role, conv.language, replayable(conv.path))
        for index, shown in conv.messages():
            if index != last:
                continue
            current = shown.screen is not None and shown.screen == place.screen
            key = state_key(shown)
            topic = place.model if current and not place.step else None
            new_topic = (topic is not None and topic not in self.topics
                         and self._owns(topic, conv.role, conv.language))
            if key in seen and not new_topic:
                continue
            seen.add(key)
            if new_topic:
                assert topic is not None
                self.topics.add(topic)
            self.report.counts["states"] += 1
            queue.append(State(replayable(conv.path), index, shown,
                               place if current else None))

    async def _explore(self, state: State, role: Role, language: str,
                       seen: set[Key],
                       queue: deque[State]) -> None:
        labels = list(state.shown.buttons)
        self.rng.shuffle(labels)
        for number, label in enumerate(labels):
            try:
                conv = await (await self._conversation(role, language)).replay(state.path)
            except Diverged as exc:
                self.report.notes.append(str(exc))
                return
            if await conv.do(Step("press", label, on=state.on, restart=number == 0)) is None:
                continue
            self._discover(conv, seen, queue)
            await conv.do(Step("again", label))
        if state.place is None:
            return
        conv = await (await self._conversation(role, language)).replay(state.path)
        for step in unexpected(state.place.expects):
            await conv.do(step)
        for label in labels:  # the state's message is outdated now
            await conv.do(Step("press", label, on=state.on, stale=True))
        for wanted in answers(state.place.expects, self.rng):
            conv = await (await self._conversation(role, language)).replay(state.path)
            if await conv.do(wanted) is not None:
                self._discover(conv, seen, queue)
