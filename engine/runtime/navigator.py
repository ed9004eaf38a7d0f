"""Moves between screens: opening one with checked arguments, redrawing it as it was, and
where a call, an input or a form leads — the part of the interpreter that decides what the
user sees next."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from engine.loader.bundle import Bundle, ScreenDef
from engine.params import BadArguments, ParamType, coerce_args
from engine.plugin import ActionError
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import Guards
from engine.runtime.events import VIEW, EventSink, FlowEvent
from engine.runtime.forms.controller import Forms, Leave, Outcome
from engine.runtime.presses import NextTarget
from engine.runtime.renderer import ENTERED, Renderer, plain
from engine.runtime.splits import Splits
from engine.runtime.turn import Turn
from engine.runtime.view import View

log = logging.getLogger("engine.runtime.interpreter")


class Navigator:
    def __init__(
        self,
        bundle: Bundle,
        renderer: Renderer,
        forms: Forms,
        calls: Calls,
        guards: Guards,
        types: Mapping[str, ParamType],
        start_screen: str,
        splits: Splits | None = None,
        events: EventSink | None = None,
    ) -> None:
        self.bundle = bundle
        self.renderer = renderer
        self.forms = forms
        self.calls = calls
        self.guards = guards
        self.types = types
        self.start_screen = start_screen
        self.splits = splits or Splits(bundle)
        self.events = events
        #: the start screen and, when it is split, its variants: none may fall back to itself
        self.start_screens = self.splits.variants_of(start_screen)

    def same_or(self, turn: Turn, screen: str, args: dict[str, Any]) -> dict[str, Any]:
        """Re-entering the screen one is on with no arguments keeps its parameters."""
        session = turn.session
        return dict(session.args) if not args and screen == session.screen else args

    async def arrive(
        self,
        turn: Turn,
        target: NextTarget,
        scope: dict[str, Any],
        *,
        edit: int | None = None,
        from_input: bool = False,
    ) -> None:
        """Open a call's or an input's target, its arguments rendered in ``scope``."""
        args = self.same_or(turn, target.screen, render_args(target.args, scope))
        await self.show(turn, target.screen, args, push=True, edit=edit, from_input=from_input)

    async def after_form(self, turn: Turn, outcome: Outcome, edit: int | None) -> None:
        """A form's outcome: a redraw, or a Leave to its done/cancel target. Leaving replaces
        the form's screen, never keeps it to come back to: its form is over, and Back from
        where it led goes to where the user was before the form."""
        session = turn.session
        if isinstance(outcome, Leave):
            top = session.stack[-1] if session.stack else None
            if top is not None and (top.screen, top.args) == (outcome.screen, outcome.args):
                session.pop()  # leaving to where the user came from: as they left it
                await self.show(turn, top.screen, top.args, edit=edit, state=top.state, notice=outcome.notice)
                return
            await self.show(turn, outcome.screen, outcome.args, edit=edit, notice=outcome.notice)
            return
        await self.redraw(turn, outcome, edit=edit)

    async def call(
        self,
        turn: Turn,
        ref: str,
        args: dict[str, Any],
        next_target: NextTarget,
        on_error: NextTarget | None,
        scope: dict[str, Any],
        *,
        edit: int | None = None,
        from_input: bool = False,
    ) -> None:
        try:
            result = await self.calls.run(ref, args, turn.ctx)
        except ActionError as err:
            text = self.text(err.text_key, turn, err.params)
            if on_error:
                error = {"text": text, "key": err.text_key}
                await self.arrive(turn, on_error, {**scope, "error": error}, edit=edit, from_input=from_input)
            else:
                await self.redraw(turn, text, edit=edit)
            return
        await self.arrive(
            turn, next_target, {**scope, "result": plain(result)}, edit=edit, from_input=from_input
        )

    async def redraw(self, turn: Turn, notice: str | None = None, *, edit: int | None = None) -> None:
        """Show the user's screen again as it is (args and state kept), with a notice."""
        session = turn.session
        await self.show(
            turn,
            session.screen or self.start_screen,
            session.args if session.screen else {},
            edit=edit,
            state=session.state if session.screen else None,
            notice=notice,
        )

    async def show(
        self,
        turn: Turn,
        screen_id: str,
        args: dict[str, Any],
        *,
        push: bool = False,
        edit: int | None = None,
        state: dict[str, Any] | None = None,
        notice: str | None = None,
        from_input: bool = False,
    ) -> None:
        """Make ``screen_id`` the user's screen and display it (editing ``edit`` if given).

        ``state`` None enters the screen (its on_enter actions run); given, the screen is
        redrawn as it was (back, a page turn, a stale press). Arguments are checked against
        the screen's parameters first: ones that do not fit never reach a template.
        """
        session, ctx = turn.session, turn.ctx
        variant = None
        if state is None:  # entering: a split screen opens the user's variant
            screen_id, variant = await self.splits.route(screen_id, ctx.user_id)
        previous = session.screen
        screen = self.bundle.screens.get(screen_id)
        if screen is None or not self.guards.allows(screen.guard, ctx):
            if screen is not None:
                log.warning("user %s refused screen %s (guard %s)", ctx.user_id, screen_id, screen.guard)
            # a screen that is gone (only after a reload: the linter sees every target) is stale
            notice = self.text("engine.forbidden" if screen is not None else "engine.stale", turn)
            start, variant = await self.splits.route(self.start_screen, ctx.user_id)
            screen, args, push, state = self.bundle.screens[start], {}, False, None
            session.stack.clear()
        try:
            args = coerce_args(screen.screen.params, self.types, args)
        except BadArguments as exc:
            await self._misfit(turn, screen.id, exc, edit=edit, from_input=from_input)
            return
        if push and session.screen != screen.id:
            session.push()
        session.screen, session.args = screen.id, args
        session.state = {} if state is None else state
        if state is None:
            notice = await self._enter(turn, screen) or notice
        try:
            context = await self.renderer.context(screen, ctx)
            if screen.screen.form is not None:
                if state is None:
                    outcome = await self.forms.start(screen, ctx, context)
                    if isinstance(outcome, Leave):
                        await self.show(turn, outcome.screen, outcome.args, edit=edit, notice=outcome.notice)
                        return
                rendered = await self.forms.render(screen, ctx, context)
            else:
                rendered = await self.renderer.render(screen, ctx, context)
        except ActionError as err:  # the screen's data is gone (a model disabled, a job not ours)
            if screen.id in self.start_screens:
                raise
            await self.show(
                turn, self.start_screen, {}, edit=edit, notice=self.text(err.text_key, turn, err.params)
            )
            return
        session.rendered = rendered.actions
        view = rendered.view
        if notice:
            view = View(f"{notice}\n\n{view.text}", view.keyboard, view.media)
        turn.outbox = (view, edit)  # sent when the turn ends: see Turn
        if self.events is not None and (state is None or previous != screen.id):
            self.events.record(FlowEvent(time.time(), ctx.user_id, screen.id, VIEW, None, variant))

    async def _enter(self, turn: Turn, screen: ScreenDef) -> str | None:
        """Run the screen's on_enter actions; their results join its state. Returns a refusal."""
        ctx, notice = turn.ctx, None
        entered: dict[str, Any] = {}
        for call in screen.screen.on_enter:
            turn.session.state = {ENTERED: entered}
            context = await self.renderer.context(screen, ctx, with_data=False)
            try:
                result = await self.calls.run(call.call, render_args(call.args, context), ctx)
            except ActionError as err:
                notice = self.text(err.text_key, turn, err.params)
                result = None
            if call.save_as:
                entered[call.save_as] = plain(result)
        turn.session.state = {ENTERED: entered} if entered else {}
        return notice

    async def _misfit(
        self, turn: Turn, screen_id: str, exc: BadArguments, *, edit: int | None, from_input: bool
    ) -> None:
        """Arguments that do not fit the screen: typed input is refused with a word on what
        was expected; anything else is an outdated button — the user stays where they are."""
        session = turn.session
        if from_input:
            log.info("user %s: input for %s refused: %s", turn.ctx.user_id, screen_id, exc)
        else:  # a button the linter let through, or one from before the flows changed
            log.error(
                "user %s: arguments for %s do not fit its parameters: %s", turn.ctx.user_id, screen_id, exc
            )
        key = "engine.invalid_input" if from_input else "engine.stale"
        if (
            session.screen is not None
            and session.screen != screen_id
            and session.screen in self.bundle.screens
        ):
            try:
                coerce_args(self.bundle.screens[session.screen].screen.params, self.types, session.args)
            except BadArguments:
                pass
            else:
                await self.redraw(turn, self.text(key, turn), edit=edit)
                return
        session.stack.clear()
        await self.show(turn, self.start_screen, {}, edit=edit, notice=self.text(key, turn))

    def text(self, key: str, turn: Turn, params: dict[str, Any] | None = None) -> str:
        return self.renderer.text(key, turn.session.language, params or {})
