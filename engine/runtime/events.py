"""What users did, as the engine sees it: screens shown and buttons pressed.

The runtime hands each event to an ``EventSink`` and goes on: ``record`` must not wait for
anything (no I/O), so recording never slows a reply. A sink batches and writes on its own
(see engine/storage/events.py); the funnel reports read what it wrote.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

#: kinds of event
START = "start"  # the /start command (before its screen's view)
VIEW = "view"  # a screen entered (not a redraw of the screen the user is on)
PRESS = "press"  # a button pressed on a screen the engine drew


class FlowEvent(NamedTuple):
    at: float  # time.time()
    user_id: int
    screen: str
    kind: str
    target: str | None = None  # a press's screen, action, "back", "page" or "form"
    variant: str | None = None  # "<split id>:<variant screen>" when a split chose the screen


class EventSink(Protocol):
    def record(self, event: FlowEvent) -> None:
        """Take the event; never blocks, never raises for a full buffer."""
        ...
