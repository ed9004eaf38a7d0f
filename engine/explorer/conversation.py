"""One explorer user's conversation: do steps, remember replies, check every reply.

A conversation is a path of steps from a fresh user, so whatever it finds is reported with
the path that led there, and any state it reaches can be reached again by replaying the path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from engine.explorer.driver import Driver, Gone, Place, Reply, Role, Shown
from engine.explorer.report import Failure, Report, Step

LEFTOVERS = ("{{", "}}", "{%", "%}", "{#")
RAW_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
DIGITS = re.compile(r"\d+([.,:]\d+)*")


def shape(label: str) -> str:
    """A label with its numbers masked: "#3 · 500 ₽" and "#4 · 700 ₽" are one shape."""
    return DIGITS.sub("#", label)


class OutOfBudget(Exception):
    """The run has used the actions it was given."""


class Diverged(Exception):
    """A replay did not show what the path expects (a button is gone): the try is skipped and
    noted, never a crash."""


@dataclass
class Limits:
    budget: int | None = None


def unrendered(text: str) -> str | None:
    """Template leftovers or a raw locale key in something a user reads, else None."""
    for mark in LEFTOVERS:
        if mark in text:
            return f"template leftover {mark!r} in {text[:160]!r}"
    if RAW_KEY.match(text.strip()):
        return f"raw text key {text.strip()!r}"
    return None


class Conversation:
    def __init__(self, driver: Driver, report: Report, limits: Limits, role: Role, language: str) -> None:
        self.driver = driver
        self.report = report
        self.limits = limits
        self.role = role
        self.language = language
        self.user = 0
        self.path: list[Step] = []
        self.replies: list[Reply] = []

    async def begin(self) -> Conversation:
        self.user = await self.driver.new_user(self.role, self.language)
        return self

    @property
    def place(self) -> Place:
        return self.replies[-1].place if self.replies else Place()

    def screen(self) -> tuple[int, Shown] | None:
        """The newest message with buttons, and the index of the step that showed it."""
        for index in range(len(self.replies) - 1, -1, -1):
            for shown in reversed(self.replies[index].shown):
                if shown.buttons:
                    return index, shown
        return None

    def messages(self) -> list[tuple[int, Shown]]:
        """Every message with buttons, newest version of each, newest first."""
        seen: set[int] = set()
        found = []
        for index in range(len(self.replies) - 1, -1, -1):
            for shown in reversed(self.replies[index].shown):
                if shown.message_id not in seen:
                    seen.add(shown.message_id)
                    if shown.buttons:
                        found.append((index, shown))
        return found

    async def replay(self, path: list[Step]) -> Conversation:
        """Do ``path`` again from a fresh user. A button whose numbers changed (a receipt an
        admin has since decided, a balance) is found by its shape at the same message."""
        for step in path:
            if await self.do(step) is not None:
                continue
            alike = self._alike(step)
            if alike is None or await self.do(replace(step, value=alike)) is None:
                raise Diverged(f"replay lost its way at {step.describe()}")
        return self

    def _alike(self, step: Step) -> str | None:
        if step.kind != "press" or not 0 <= step.on < len(self.replies):
            return None
        wanted = shape(step.value)
        for shown in reversed(self.replies[step.on].shown):
            for label in shown.buttons:
                if shape(label) == wanted:
                    return label
        return None

    async def do(self, step: Step) -> Reply | None:
        """Do one step and check the reply; None when its button is not there to press."""
        counts = self.report.counts
        if self.limits.budget is not None and counts["actions"] >= self.limits.budget:
            raise OutOfBudget
        driver, user = self.driver, self.user
        if step.restart:
            await driver.restart()
            counts["restarts"] += 1
        counts["actions"] += 1
        if step.kind == "command":
            reply = await driver.command(user, step.value)
        elif step.kind == "text":
            reply = await driver.text(user, step.value)
        elif step.kind == "upload":
            reply = await driver.upload(user, step.value)
        elif step.kind == "again":
            counts["presses"] += 1
            reply = await driver.press_again(user)
        else:
            message = self._message_of(step)
            if message is None:
                counts["actions"] -= 1
                return None
            try:
                reply = await driver.press(user, message, step.value)
            except Gone:
                counts["actions"] -= 1
                return None
            counts["presses"] += 1
        self.path.append(step)
        self.replies.append(reply)
        self._check(step, reply)
        return reply

    def _message_of(self, step: Step) -> int | None:
        if not 0 <= step.on < len(self.replies):
            return None
        for shown in reversed(self.replies[step.on].shown):
            if step.value in shown.buttons:
                return shown.message_id
        return None

    def _check(self, step: Step, reply: Reply) -> None:
        if reply.place.screen:
            self.report.screens.add(reply.place.screen)
        for incident in reply.incidents:
            self._fail("internal error", incident)
        pressed = step.kind in ("press", "again")
        if pressed and not reply.answered:
            self._fail("unanswered press", "the press got no callback answer (a spinning button)")
        if not reply.shown and not (pressed and reply.answered):
            self._fail("silent", "the bot neither replied nor answered")
        for shown in reply.shown:
            for text in (shown.text, *shown.buttons, *shown.other_labels):
                problem = unrendered(text)
                if problem:
                    self._fail("unrendered text", problem)

    def _fail(self, kind: str, detail: str) -> None:
        self.report.fail(Failure(kind, detail, self.role, self.language, tuple(self.path)))
