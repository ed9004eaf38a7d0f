"""One update being handled, from the session's load to the screen sent."""

from __future__ import annotations

from dataclasses import dataclass

from engine.runtime.context import ActionContext
from engine.runtime.incoming import Incoming
from engine.runtime.session import Session
from engine.runtime.view import View


@dataclass
class Turn:
    """One update being handled: the context, the update, and the screen to show at the end.

    The screen is sent once the work is done, while the session is being saved (see
    ``Runtime._finish``); a turn that shows several screens in a row sends only the last.
    """

    ctx: ActionContext
    incoming: Incoming
    outbox: tuple[View, int | None] | None = None

    @property
    def session(self) -> Session:
        return self.ctx.session
