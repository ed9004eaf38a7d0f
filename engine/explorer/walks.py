"""Walk one model's form from its first step to the summary and on to a result.

At every step: unexpected input, then Back and Cancel (each on a fresh replay of the path so
far), then a valid answer. At the summary: Back, Cancel, Confirm (and Confirm once more), then
every button under the result ("again", "change parameters", follow-ups), and on the form
each of them opens, Back, the button again, and Cancel.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from engine.explorer.conversation import Conversation, Diverged, Limits
from engine.explorer.crawler import FormEntry
from engine.explorer.driver import SUMMARY, Driver
from engine.explorer.inputs import answer, unexpected
from engine.explorer.report import Report, Step

MAX_MOVES = 60
ANSWER_ROLES = ("answer", "done", "skip", "add")


@dataclass
class Walker:
    driver: Driver
    report: Report
    limits: Limits
    rng: random.Random

    async def _replay(self, entry: FormEntry, path: list[Step]) -> Conversation:
        conv = Conversation(self.driver, self.report, self.limits, entry.role, entry.language)
        return await (await conv.begin()).replay(path)

    async def walk(self, model: str, entry: FormEntry) -> None:
        try:
            conv = await self._replay(entry, entry.path)
            if await self._to_summary(conv, entry):
                await self._at_summary(conv, entry)
                self.report.models.add(model)
        except Diverged as exc:
            self.report.notes.append(f"{model}: {exc}")

    async def _to_summary(self, conv: Conversation, entry: FormEntry) -> bool:
        for _ in range(MAX_MOVES):
            place = conv.place
            if place.step == SUMMARY:
                return True
            if place.step is None:
                self.report.notes.append(f"{place.model}: the form closed before its summary")
                return False
            prefix = list(conv.path)
            for step in unexpected(place.expects):
                await conv.do(step)
            for role in ("back", "cancel"):
                await self._side(entry, prefix, role)
            if conv.place.step != place.step:  # an unexpected input was taken as an answer
                continue
            if not await self._answer(conv):
                self.report.notes.append(f"{place.model}: no answer moves step {place.step}")
                return False
        return False

    async def _side(self, entry: FormEntry, prefix: list[Step], role: str) -> None:
        """On a fresh replay of ``prefix``, press the button that does ``role``, then again."""
        conv = await self._replay(entry, prefix)
        label = self._label(conv, role)
        if label is not None:
            await self._press(conv, label)
            await conv.do(Step("again", label))

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
        prefix = list(conv.path)
        for role in ("back", "cancel"):
            await self._side(entry, prefix, role)
        confirm = self._label(conv, "confirm")
        if confirm is None:
            return
        before = len(conv.replies)
        await self._press(conv, confirm)
        await conv.do(Step("again", confirm))
        results = [(index, shown) for index, shown in conv.messages()
                   if index >= before and shown.screen is None]
        for index, shown in results:
            for label in shown.buttons:
                await self._result_button(conv, index, label)

    async def _result_button(self, conv: Conversation, on: int, label: str) -> None:
        """A button under a result: press it; on a form, Back, the button again, Cancel."""
        if await conv.do(Step("press", label, on=on)) is None or conv.place.step is None:
            return
        for role in ("back", "cancel"):
            found = self._label(conv, role)
            if found is not None:
                await self._press(conv, found)
            if role == "back" and await conv.do(Step("press", label, on=on)) is None:
                return
