"""Breadth-first over the states a user can reach: every button of every state is pressed
(once normally, then at once again), the first one after a restart; every state gets
unexpected input, then presses on its now outdated message, and its valid answer if it asks
for one.

A state is a message the user sees, known by its screen and button labels; each is explored
once per language (for all roles). A fresh user replays its path, and goes on from one try to
the next as long as Back returns it to the state; a replay that loses its way is a note.
"""

from __future__ import annotations

import random
import zlib
from collections import deque
from dataclasses import dataclass, field, replace

from engine.explorer.conversation import Conversation, Diverged, Limits, shape
from engine.explorer.driver import Driver, Place, Role, Shown
from engine.explorer.inputs import answers, unexpected
from engine.explorer.report import Report, Step

Key = tuple[str | None, frozenset[str]]


def state_key(shown: Shown) -> Key:
    """A message's screen and the shapes of its labels: numbers (prices, dates, ids) are
    masked and repeats folded, so a list of three receipts is the state a list of one is."""
    return shown.screen, frozenset(shape(label) for label in shown.buttons)


def replayable(path: list[Step]) -> list[Step]:
    """A path without its restarts: the state after one is the state before it."""
    return [replace(step, restart=False) if step.restart else step for step in path]


@dataclass
class State:
    path: list[Step]
    on: int  # index of the step whose reply showed the message
    shown: Shown
    place: Place | None  # set when the message is the user's current screen
    topic_only: bool = False  # its key was explored already: only open its model's form


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
    seen: dict[str, set[Key]] = field(default_factory=dict)  # per language, for all roles
    openers: dict[Key, set[str]] = field(default_factory=dict)  # label shapes that open a form
    max_topics: int | None = None  # how many models' cards to explore (all when None)

    async def _conversation(self, role: Role, language: str) -> Conversation:
        return await Conversation(self.driver, self.report, self.limits, role, language).begin()

    async def crawl(self, role: Role, language: str) -> None:
        seen = self.seen.setdefault(language, set())
        queue: deque[State] = deque()
        for name in self.driver.commands(role):
            conv = await self._conversation(role, language)
            if await conv.do(Step("command", name)) is not None:
                self._discover(conv, seen, queue, conv.path)
        explored: set[str | None] = set()
        while queue:
            state = self._next(queue, explored)
            explored.add(state.shown.screen)
            await self._explore(state, role, language, seen, queue)

    @staticmethod
    def _next(queue: deque[State], explored: set[str | None]) -> State:
        """Breadth first, but a screen not explored yet before another state of one that was,
        and another model's card (cheap: its form opened) before the rest: a run on a budget
        sees as many screens and forms as it can."""
        for wanted in (lambda s: s.shown.screen not in explored, lambda s: s.topic_only):
            for index, state in enumerate(queue):
                if wanted(state):
                    del queue[index]
                    return state
        return queue.popleft()

    def _owns(self, model: str, role: Role, language: str) -> bool:
        """Each model's card is explored once, by users, in one language (by a stable hash)."""
        index = zlib.crc32(model.encode()) % len(self.languages)
        if self.max_topics is not None and len(self.topics) >= self.max_topics:
            return False
        return role is Role.USER and self.languages[index] == language

    def _discover(self, conv: Conversation, seen: set[Key], queue: deque[State], path: list[Step]) -> None:
        """Queue the messages the last step showed that are states not seen yet; ``path`` is
        the shortest way there (the conversation may have taken a longer one)."""
        last = len(conv.replies) - 1
        place = conv.place
        path = replayable(path)
        if place.model and place.step and place.model not in self.forms:
            self.forms[place.model] = FormEntry(conv.role, conv.language, path)
        for index, shown in conv.messages():
            if index != last:
                continue
            current = shown.screen is not None and shown.screen == place.screen
            key = state_key(shown)
            topic = place.model if current and not place.step else None
            new_topic = (
                topic is not None and topic not in self.topics and self._owns(topic, conv.role, conv.language)
            )
            if key in seen and not new_topic:
                continue
            topic_only = key in seen
            seen.add(key)
            if new_topic:
                assert topic is not None
                self.topics.add(topic)
            self.report.counts["states"] += 1
            queue.append(State(path, len(path) - 1, shown, place if current else None, topic_only))

    async def _fresh(self, state: State, role: Role, language: str) -> Conversation | None:
        """A new user brought to the state by replaying its path; None (noted) if it strays."""
        try:
            conv = await (await self._conversation(role, language)).replay(state.path)
        except Diverged as exc:
            self.report.counts["diverged"] += 1
            self.report.notes.append(str(exc))
            return None
        key = state_key(state.shown)
        if not any(state_key(shown) == key for shown in conv.replies[state.on].shown):
            # found by a user who had been elsewhere first (a list kept at its page): a fresh
            # user sees another state there; this one is left to be found on a way that shows it
            self.report.counts["states shown otherwise on replay"] += 1
            self.seen.setdefault(language, set()).discard(key)
            return None
        return conv

    @staticmethod
    def _showing(conv: Conversation, state: State) -> int | None:
        """The step whose reply shows the state as the user's current screen, else None."""
        found = conv.screen()
        if (
            state.place is None
            or found is None
            or conv.place.screen != state.shown.screen
            or state_key(found[1]) != state_key(state.shown)
        ):
            return None
        return found[0]

    async def _back_to(self, conv: Conversation, state: State) -> int | None:
        """Bring the user back to the state, if one or two presses can: where the state's
        own way in is on screen (the user is at its parent), that; else Back, and then the
        way in if Back went to the parent. None when the user is elsewhere."""
        if state.place is None:
            return None
        way_in = state.path[-1]
        for _ in range(2):
            found = conv.screen()
            if found is None:
                return None
            if way_in.kind == "press" and way_in.value in found[1].buttons:
                label = way_in.value
            else:
                backs = [label for label, does in conv.place.roles.items() if does == "back"]
                if not backs:
                    return None
                label = backs[0]
            if await conv.do(Step("press", label, on=found[0])) is None:
                return None
            shown = self._showing(conv, state)
            if shown is not None:
                return shown
        return None

    async def _explore(
        self, state: State, role: Role, language: str, seen: set[Key], queue: deque[State]
    ) -> None:
        """Every button (the first after a restart, each pressed twice), unexpected input,
        presses on the outdated message, and the valid answers.

        One user does as much of that as it can: after each try, Back brings it to the
        state again (the next try goes on from there), and only when Back does not is the
        state's path replayed with a fresh user. A state found on the way is queued with
        the path a fresh user takes to it (the state's path and the one try).

        Another model's card, a state already explored, only has its form opened (by the
        buttons that opened a form on the card explored first)."""
        key = state_key(state.shown)
        openers = self.openers.setdefault(key, set())
        labels = list(state.shown.buttons)
        self.rng.shuffle(labels)
        if state.topic_only and openers:
            labels = [label for label in labels if shape(label) in openers]
        conv: Conversation | None = None
        on: int | None = None
        if state.place is not None and not state.topic_only:
            conv = await self._fresh(state, role, language)
            if conv is not None:
                for step in unexpected(state.place.expects):
                    await conv.do(step)
                for label in labels:  # the state's message is outdated now
                    await conv.do(Step("press", label, on=state.on, stale=True))
                on = self._showing(conv, state)
        tries = [
            Step("press", label, on=state.on, restart=number == 0) for number, label in enumerate(labels)
        ]
        if state.place is not None and not state.topic_only:
            tries += answers(state.place.expects, self.rng)
        for step in tries:
            if conv is None or on is None:
                conv, on = await self._fresh(state, role, language), state.on
                if conv is None:
                    continue
            taken = replace(step, on=on) if step.kind == "press" else step
            if await conv.do(taken) is None:
                conv = None
                continue
            self._discover(conv, seen, queue, [*state.path, step])
            if step.kind == "press" and conv.place.step is not None:
                openers.add(shape(step.value))
            if step.kind == "press":
                await conv.do(Step("again", step.value))
            on = await self._back_to(conv, state)
