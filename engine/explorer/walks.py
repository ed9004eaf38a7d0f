"""Walk one model's form from its first step to the summary and on to a result.

At every step: unexpected input, Back (and Back once more, a double tap), Cancel (and once
more), then a valid answer. At the summary: Back, Cancel, Confirm (and Confirm once more),
then every button under the result ("again", "change parameters", follow-ups), and on the
form each of them opens, Back, the button again, and Cancel.

Cheap where it can be: Back and Cancel are pressed in the walking conversation, which then
comes back to where it was (after Back, the step before answered again as it was; after
Cancel, the form's way in and the answers so far); a fresh user replays the way only when
that does not bring it back. A step whose shape (its field, the
labels and roles of its buttons, and the step before it) was already checked in another
model's form is only answered: forms are one machine, and a shape behaves the same in every
model. Every model is still walked to its summary, confirmed, and its result's buttons
pressed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from engine.explorer.conversation import Conversation, Diverged, Limits
from engine.explorer.crawler import FormEntry
from engine.explorer.driver import SUMMARY, Driver, Place
from engine.explorer.inputs import answer, unexpected
from engine.explorer.report import Report, Step

MAX_MOVES = 60
ANSWER_ROLES = ("answer", "done", "skip", "add")
FOLLOW = 2  # screens followed from a result's button towards a form
StepShape = tuple[object, ...]


def step_shape(place: Place) -> StepShape:
    """What a form step looks like to the user and to the machine, without its model."""
    return place.step, place.expects, tuple(sorted(place.roles.items()))


@dataclass
class Walker:
    driver: Driver
    report: Report
    limits: Limits
    rng: random.Random
    checked: set[tuple[StepShape, StepShape | None]] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)  # models a card opens (walked from it)
    tried: set[str] = field(default_factory=set)  # follow-ups walked from under a result

    async def _replay(self, entry: FormEntry, path: list[Step]) -> Conversation:
        conv = Conversation(self.driver, self.report, self.limits, entry.role, entry.language)
        return await (await conv.begin()).replay(path)

    async def walk(self, model: str, entry: FormEntry) -> None:
        try:
            conv = await self._to_summary(await self._replay(entry, entry.path), entry)
            if conv is not None:
                await self._at_summary(conv, entry)
                self.report.models.add(model)
        except Diverged as exc:
            self.report.counts["diverged"] += 1
            self.report.notes.append(f"{model}: {exc}")

    async def _to_summary(self, conv: Conversation, entry: FormEntry) -> Conversation | None:
        """The conversation at the form's summary (it may be a fresh one), or None."""
        previous: StepShape | None = None
        answers: list[list[Step]] = []  # for each step answered, what moved the form on
        for _ in range(MAX_MOVES):
            place = conv.place
            if place.step == SUMMARY:
                await self._check_moves(conv, entry, answers, SUMMARY)
                return conv if conv.place.step == SUMMARY else None
            if place.step is None:
                self.report.notes.append(f"{place.model}: the form closed before its summary")
                return None
            shape = step_shape(place)
            if (shape, previous) not in self.checked:
                self.checked.add((shape, previous))
                self.report.counts["form steps checked"] += 1
                for wrong in unexpected(place.expects):
                    await conv.do(wrong)
                if conv.place.step != place.step:  # an unexpected input was an answer
                    return None
                conv = await self._check_moves(conv, entry, answers, place.step)
                if conv.place.step != place.step:
                    return None
            else:
                self.report.counts["form steps answered only"] += 1
            before = len(conv.path)
            if not await self._answer(conv):
                self.report.notes.append(f"{place.model}: no answer moves step {place.step}")
                return None
            previous = shape
            answers.append(list(conv.path[before:]))
        return None

    async def _check_moves(
        self, conv: Conversation, entry: FormEntry, answers: list[list[Step]], step: str
    ) -> Conversation:
        """Back (twice: a double tap) and Cancel (twice) at ``step``, each followed by what
        brings the user back: after Back the step before answered again, after Cancel (or
        Back at the first step) the form's way in and every answer so far. The conversation
        to go on with is this one, or a fresh replay when that did not bring it back."""
        for role in ("back", "cancel"):
            label = self._label(conv, role)
            if label is None or not await self._press(conv, label):
                continue
            await conv.do(Step("again", label))
            if role == "back" and answers and conv.place.step is not None:
                await self._redo(conv, answers[-1])
            elif conv.place.step is None:
                await self._reopen(conv, entry, answers)
            if conv.place.step != step:
                self.report.counts["form replays"] += 1
                conv = await self._fresh(entry, answers)
        return conv

    async def _redo(self, conv: Conversation, steps: list[Step]) -> None:
        """Steps done before, again: a press on the newest message with buttons."""
        for step in steps:
            if step.kind != "press":
                await conv.do(replace(step, restart=False))
            elif not await self._press(conv, step.value):
                return

    async def _reopen(self, conv: Conversation, entry: FormEntry, answers: list[list[Step]]) -> None:
        """The form's way in and every answer so far. The way in is a button on the screen
        Cancel led to (a card), or on the message it was first pressed on (a result)."""
        way_in = entry.path[-1]
        if way_in.kind != "press":
            return
        if (
            not await self._press(conv, way_in.value)
            and await conv.do(Step("press", way_in.value, on=way_in.on)) is None
        ):
            return
        for steps in answers:
            await self._redo(conv, steps)

    async def _fresh(self, entry: FormEntry, answers: list[list[Step]]) -> Conversation:
        conv = await self._replay(entry, entry.path)
        for steps in answers:
            await self._redo(conv, steps)
        return conv

    def _label(self, conv: Conversation, role: str) -> str | None:
        labels = [label for label, does in conv.place.roles.items() if does == role]
        return labels[0] if labels else None

    async def _press(self, conv: Conversation, label: str) -> bool:
        found = conv.screen()
        if found is None:
            return False
        return await conv.do(Step("press", label, on=found[0])) is not None

    async def _answer(self, conv: Conversation) -> bool:
        """Try answers until the step moves: the typed or sent one, then buttons by role."""
        before = conv.place.step
        wanted = answer(conv.place.expects, self.rng)
        if wanted is not None:
            await conv.do(wanted)
            if conv.place.step != before:
                return True
        for role in ANSWER_ROLES:
            labels = [label for label, does in conv.place.roles.items() if does == role]
            self.rng.shuffle(labels)
            for label in labels[:1]:
                await self._press(conv, label)
                if conv.place.step != before:
                    return True
        return False

    async def _at_summary(self, conv: Conversation, entry: FormEntry) -> None:
        confirm = self._label(conv, "confirm")
        if confirm is None:
            return
        before = len(conv.replies)
        await self._press(conv, confirm)
        await conv.do(Step("again", confirm))
        results = [
            (index, shown) for index, shown in conv.messages() if index >= before and shown.screen is None
        ]
        for index, shown in results:
            for label in shown.buttons:
                await self._result_button(conv, index, label)

    async def _walk_here(self, conv: Conversation, model: str) -> None:
        """Walk a form no card opens (a follow-up: it takes an earlier job's ids) from where
        this conversation opened it, to its summary and a confirmed result."""
        self.tried.add(model)  # once, whatever comes of it
        entry = FormEntry(conv.role, conv.language, list(conv.path))
        walked = await self._to_summary(conv, entry)
        confirm = self._label(walked, "confirm") if walked is not None else None
        if walked is None or confirm is None:
            self.report.notes.append(f"{model}: its form did not reach a confirmation")
            return
        await self._press(walked, confirm)
        await walked.do(Step("again", confirm))
        self.report.models.add(model)

    async def _result_button(self, conv: Conversation, on: int, label: str) -> None:
        """A button under a result: press it; on a form, Back, the button again, Cancel. A
        button that opens a screen (History) is followed by its first way on, twice at most,
        to a form (the job, repeated)."""
        if await conv.do(Step("press", label, on=on)) is None:
            return
        for _ in range(FOLLOW):
            if conv.place.step is not None:
                break
            ways = [way for way, does in conv.place.roles.items() if does == "go"]
            if not ways or not await self._press(conv, ways[0]):
                return
        if conv.place.step is None:
            return
        model = conv.place.model
        if model is not None and model not in self.entries and model not in self.tried:
            await self._walk_here(conv, model)  # a follow-up, opened only under a result
            return
        self.report.counts["forms reopened"] += 1
        on, label = conv.path[-1].on, conv.path[-1].value  # the press that opened the form
        for role in ("back", "cancel"):
            found = self._label(conv, role)
            if found is not None:
                await self._press(conv, found)
            if role == "back" and await conv.do(Step("press", label, on=on)) is None:
                return
