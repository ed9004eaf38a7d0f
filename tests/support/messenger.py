"""A Messenger that records what the interpreter shows, for in-process tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.runtime.view import View


@dataclass
class Shown:
    message_id: int
    view: View
    edited: bool = False


@dataclass
class RecordingMessenger:
    messages: dict[int, Shown] = field(default_factory=dict)
    answers: list[tuple[str, str | None]] = field(default_factory=list)
    sends: int = 0
    _next_id: int = 100

    async def answer_press(self, callback_id: str, text: str | None = None) -> None:
        self.answers.append((callback_id, text))

    async def send(self, chat_id: int, view: View) -> int:
        self._next_id += 1
        self.sends += 1
        self.messages[self._next_id] = Shown(self._next_id, view)
        return self._next_id

    async def edit(self, chat_id: int, message_id: int, view: View) -> bool:
        if message_id not in self.messages or view.media is not None:
            return False
        self.messages[message_id] = Shown(message_id, view, edited=True)
        return True

    @property
    def last(self) -> Shown:
        return self.messages[max(self.messages)]

    def button(self, text: str) -> tuple[int, str]:
        """(message id, callback data) of the newest message having a button labelled text."""
        for shown in sorted(self.messages.values(), key=lambda s: -s.message_id):
            for row in shown.view.keyboard:
                for b in row:
                    if b.text == text and b.callback_data:
                        return shown.message_id, b.callback_data
        raise AssertionError(f"no button {text!r}")
