"""Callback data: ``screen:version:key``, short, and never trusted.

The key names a button on the screen the user was shown (``b<row>.<col>``, ``i<row>.<index>``
for a generated row, ``p<row>.<page>`` for paging); the runtime accepts a press only when the
screen and version match the session and the key is among the buttons it rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

CALLBACK_LIMIT = 64  # bytes, Telegram's limit
VERSION_DIGITS = 10  # session versions stay below 10**10
LONGEST_KEY = "i99.999"  # the longest key a keyboard of Telegram's 100 buttons can need


@dataclass(frozen=True)
class CallbackData:
    screen: str
    version: int
    key: str

    def encode(self) -> str:
        return f"{self.screen}:{self.version}:{self.key}"

    @classmethod
    def decode(cls, raw: str | None) -> CallbackData | None:
        """Parse without trusting: anything malformed is ``None``."""
        if not raw or len(raw.encode()) > CALLBACK_LIMIT:
            return None
        parts = raw.split(":")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2]:
            return None
        return cls(parts[0], int(parts[1]), parts[2])


def worst_case_length(screen_id: str) -> int:
    return len(f"{screen_id}:{10**VERSION_DIGITS - 1}:{LONGEST_KEY}".encode())
