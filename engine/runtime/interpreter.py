"""The interpreter: one generic handler for every update, driven by the bundle.

It knows screens, buttons, inputs and plug-in calls — nothing about money, models or any
particular screen. Every update ends with the user looking at a working screen: a stale or
forged press, unexpected input or an exception all lead to a short explanation and a screen.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from engine.callbacks import CallbackData
from engine.files.source import FileSource
from engine.loader.bundle import Bundle, ScreenDef
from engine.params import BadArguments, coerce_args
from engine.plugin import ActionError, Plugin, PluginSet, PressResult
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext, Guards
from engine.runtime.forms.controller import Forms, Leave, Outcome
from engine.runtime.incoming import Incoming, Kind, Person
from engine.runtime.presses import Back, Call, Go, NextTarget, Page, restored
from engine.runtime.renderer import ENTERED, PAGES, Renderer, plain
from engine.runtime.session import Session, SessionStore, StaleSession
from engine.runtime.view import Messenger, View

log = logging.getLogger(__name__)


def language_of(code: str | None) -> str:
    return "en" if code and not code.lower().startswith(("ru", "uk", "be", "kk")) else "ru"


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


class Runtime:
    def __init__(self, bundle: Bundle, plugins: PluginSet, store: SessionStore,
                 messenger: Messenger, admin_ids: frozenset[int] = frozenset(),
                 files: FileSource | None = None) -> None:
        self.bundle = bundle
        self.store = store
        self.messenger = messenger
        self.admin_ids = admin_ids
        self.calls = Calls(plugins)
        self.types = plugins.param_types
        extra_guards = {}
        for instance in plugins.instances.values():
            extra_guards.update(instance.guards())
        self.guards = Guards(extra_guards)
        self.renderer = Renderer(bundle, self.calls, self.guards)
        self.forms = Forms(bundle, self.renderer, self.calls, files=files)
        self.start_screen = bundle.commands["start"].target
        help_command = bundle.commands.get("help")
        self.help_screen = help_command.target if help_command else self.start_screen
        self.stats: Counter[str] = Counter()
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    # ----------------------------------------------------------------------------- entry
    async def handle(self, incoming: Incoming) -> None:
        await self._turn(incoming, self._dispatch)

    async def open(self, person: Person, chat_id: int, screen: str,
                   args: dict[str, Any] | None = None) -> None:
        """Put a user on a screen as if they had navigated there (deep links, tests)."""
        async def go(turn: Turn) -> None:
            await self.show(turn, screen, dict(args or {}), push=True)
        await self._turn(Incoming(Kind.COMMAND, person, chat_id, text="open"), go)

    async def _turn(self, incoming: Incoming, work: Callable[[Turn], Awaitable[None]]) -> None:
        """Load the session, do the work, save — one user at a time; never a silent failure."""
        person = incoming.person
        lock = self._locks.get(person.id)
        if lock is None:
            lock = self._locks[person.id] = asyncio.Lock()
        async with lock:
            session = await self.store.load(person.id, incoming.chat_id,
                                            language_of(person.language_code))
            session.version = session.loaded_version + 1
            turn = Turn(ActionContext(session, person, person.id in self.admin_ids), incoming)
            self.stats["updates"] += 1
            try:
                await work(turn)
            except Exception:
                error_id = self._incident("update failed", person.id)
                # whatever the failed work changed is dropped: back to the session as stored
                turn.ctx.session = await self.store.load(person.id, incoming.chat_id,
                                                         session.language)
                turn.outbox = None
                await self._apologise(turn, error_id)
            await self._finish(turn)

    async def _finish(self, turn: Turn) -> None:
        """Save the session and send the screen at once: neither waits for the other.

        Both are done before the user's next update is handled (the caller holds their lock).
        Should the screen not arrive, the saved keyboard version is newer than the one the
        user sees, so their next press is answered as out of date — never acted on wrongly.
        """
        delivery = asyncio.ensure_future(self._send_screen(turn)) if turn.outbox else None
        person = turn.ctx.person
        try:
            if turn.session.is_new:
                await self.store.remember_user(person.id, person.first_name, person.username,
                                               person.language_code)
            await self.store.save(turn.session)
        except StaleSession:
            log.info("session of user %s was saved by another update first", person.id)
        finally:
            if delivery is not None:
                await delivery

    async def _send_screen(self, turn: Turn) -> None:
        assert turn.outbox is not None
        view, edit = turn.outbox
        chat_id = turn.session.chat_id
        try:
            if edit is None or not await self.messenger.edit(chat_id, edit, view):
                await self.messenger.send(chat_id, view)
        except Exception:
            error_id = self._incident("could not send a screen", turn.ctx.person.id)
            await self._say_sorry(turn, error_id)

    def _incident(self, what: str, user_id: int) -> str:
        """Log the exception being handled under a short id the user is told."""
        self.stats["errors"] += 1
        error_id = uuid.uuid4().hex[:8]
        log.exception("%s (error id %s, user %s)", what, error_id, user_id)
        return error_id

    async def _say_sorry(self, turn: Turn, error_id: str) -> None:
        """The last resort: a plain message with the error id, when no screen can be shown."""
        notice = self._text("engine.internal_error", turn, {"error_id": error_id})
        try:
            await self.messenger.send(turn.session.chat_id, View(notice))
        except Exception:
            log.exception("could not even apologise for error %s", error_id)

    async def _dispatch(self, turn: Turn) -> None:
        kind = turn.incoming.kind
        if kind is Kind.PRESS:
            await self._press(turn)
        elif kind is Kind.COMMAND:
            await self._command(turn)
        else:
            await self._input(turn)

    # -------------------------------------------------------------------------- updates
    async def _command(self, turn: Turn) -> None:
        name = turn.incoming.text
        session = turn.session
        if name == "start":
            session.stack.clear()
            session.form.clear()
            await self.show(turn, self.start_screen, {})
            return
        command = self.bundle.commands.get(name)
        if command is None:
            notice = self._text("engine.unknown_command", turn, {"command": f"/{name}"})
            await self.show(turn, self.help_screen, {}, push=True, notice=notice)
            return
        await self.show(turn, command.target, {}, push=True)

    async def _press(self, turn: Turn) -> None:
        incoming, session = turn.incoming, turn.session
        raw = incoming.callback_data or ""
        for plugin in self.calls.plugins.instances.values():
            if plugin.press_prefix and raw.startswith(plugin.press_prefix):
                await self._plugin_press(turn, plugin, raw[len(plugin.press_prefix):])
                return
        data = CallbackData.decode(incoming.callback_data)
        press = restored(session.rendered.get(data.key)) if data else None
        if (data is None or press is None or data.screen != session.screen
                or data.version != session.loaded_version):
            # an outdated or used message, or forged data: nothing runs, the screen is redrawn
            self.stats["stale_presses"] += 1
            await self.messenger.answer_press(incoming.callback_id or "",
                                              self._text("engine.stale", turn))
            await self._redraw(turn)
            return
        await self.messenger.answer_press(incoming.callback_id or "")
        edit = incoming.message_id
        if isinstance(press, Go):
            await self.show(turn, press.screen, self._same_or(turn, press.screen, press.args),
                            push=True, edit=edit)
        elif isinstance(press, Back):
            frame = session.pop()
            if frame is None:
                await self.show(turn, self.start_screen, {}, edit=edit)
            else:
                await self.show(turn, frame.screen, frame.args, edit=edit, state=frame.state)
        elif isinstance(press, Page):
            pages = {**session.state.get(PAGES, {}), str(press.row): press.page}
            await self.show(turn, session.screen or self.start_screen, session.args, edit=edit,
                            state={**session.state, PAGES: pages})
        elif isinstance(press, Call):
            scope = {"user": turn.ctx.user_view(), "args": session.args, "item": press.item}
            await self._call(turn, press.call, press.args, press.next, press.on_error, scope,
                             edit=edit)
        else:
            screen = self.bundle.screens[session.screen or self.start_screen]
            outcome = await self.forms.press(screen, turn.ctx, press)
            await self._after_form(turn, outcome, edit)

    async def _plugin_press(self, turn: Turn, plugin: Plugin, data: str) -> None:
        """A press on a message a plug-in sent itself (a result, a status): the plug-in decides."""
        try:
            result = await plugin.on_press(turn.ctx, data)
        except ActionError as err:
            result = PressResult(err.text_key, err.params)
        text = self._text(result.text_key, turn, result.params) if result.text_key else None
        await self.messenger.answer_press(turn.incoming.callback_id or "", text)
        if result.screen:
            await self.show(turn, result.screen, result.args, push=True)
        else:  # nothing re-rendered: the keyboard on screen must stay valid
            turn.session.version = turn.session.loaded_version

    async def _input(self, turn: Turn) -> None:
        incoming, session = turn.incoming, turn.session
        screen = self.bundle.screens.get(session.screen or "")
        if screen is None:
            await self.show(turn, self.start_screen, {})
            return
        if screen.screen.form is not None:
            text = incoming.text if incoming.kind is Kind.TEXT else None
            outcome = await self.forms.message(screen, turn.ctx, text, incoming.file)
            await self._after_form(turn, outcome, None)
            return
        spec = screen.screen.input
        kind = "text" if incoming.kind is Kind.TEXT else (incoming.file.kind if incoming.file
                                                          else "")
        if spec is None or kind not in spec.accept:
            key = "engine.expect_button" if incoming.kind is Kind.TEXT else "engine.unexpected_input"
            await self._redraw(turn, self._text(key, turn))
            return
        value: Any = incoming.file.model_dump() if incoming.file else incoming.text
        scope = {**await self.renderer.context(screen, turn.ctx), "input": value}
        next_target = NextTarget(screen=screen.resolve(spec.next.screen), args=spec.next.args)
        on_error = (NextTarget(screen=screen.resolve(spec.on_error.screen),
                               args=spec.on_error.args) if spec.on_error else None)
        if spec.call is None:
            await self._arrive(turn, next_target, scope, from_input=True)
            return
        args = render_args(spec.args, scope)
        await self._call(turn, spec.call, args, next_target, on_error, scope, from_input=True)

    # --------------------------------------------------------------------------- moves
    def _same_or(self, turn: Turn, screen: str, args: dict[str, Any]) -> dict[str, Any]:
        """Re-entering the screen one is on with no arguments keeps its parameters."""
        session = turn.session
        return dict(session.args) if not args and screen == session.screen else args

    async def _arrive(self, turn: Turn, target: NextTarget, scope: dict[str, Any], *,
                      edit: int | None = None, from_input: bool = False) -> None:
        """Open a call's or an input's target, its arguments rendered in ``scope``."""
        args = self._same_or(turn, target.screen, render_args(target.args, scope))
        await self.show(turn, target.screen, args, push=True, edit=edit, from_input=from_input)

    async def _after_form(self, turn: Turn, outcome: Outcome, edit: int | None) -> None:
        session = turn.session
        if isinstance(outcome, Leave):
            top = session.stack[-1] if session.stack else None
            if top is not None and (top.screen, top.args) == (outcome.screen, outcome.args):
                session.pop()  # leaving to where the user came from: as they left it
                await self.show(turn, top.screen, top.args, edit=edit, state=top.state,
                                notice=outcome.notice)
                return
            await self.show(turn, outcome.screen, outcome.args, push=True, edit=edit,
                            notice=outcome.notice)
            return
        await self._redraw(turn, outcome, edit=edit)

    async def _call(self, turn: Turn, ref: str, args: dict[str, Any], next_target: NextTarget,
                    on_error: NextTarget | None, scope: dict[str, Any], *,
                    edit: int | None = None, from_input: bool = False) -> None:
        try:
            result = await self.calls.run(ref, args, turn.ctx)
        except ActionError as err:
            text = self._text(err.text_key, turn, err.params)
            if on_error:
                error = {"text": text, "key": err.text_key}
                await self._arrive(turn, on_error, {**scope, "error": error}, edit=edit,
                                   from_input=from_input)
            else:
                await self._redraw(turn, text, edit=edit)
            return
        await self._arrive(turn, next_target, {**scope, "result": plain(result)}, edit=edit,
                           from_input=from_input)

    async def _redraw(self, turn: Turn, notice: str | None = None, *,
                      edit: int | None = None) -> None:
        """Show the user's screen again as it is (args and state kept), with a notice."""
        session = turn.session
        await self.show(turn, session.screen or self.start_screen,
                        session.args if session.screen else {}, edit=edit,
                        state=session.state if session.screen else None, notice=notice)

    async def show(self, turn: Turn, screen_id: str, args: dict[str, Any], *,
                   push: bool = False, edit: int | None = None,
                   state: dict[str, Any] | None = None, notice: str | None = None,
                   from_input: bool = False) -> None:
        """Make ``screen_id`` the user's screen and display it (editing ``edit`` if given).

        ``state`` None enters the screen (its on_enter actions run); given, the screen is
        redrawn as it was (back, a page turn, a stale press). Arguments are checked against
        the screen's parameters first: ones that do not fit never reach a template.
        """
        session, ctx = turn.session, turn.ctx
        screen = self.bundle.screens.get(screen_id)
        if screen is None or not self.guards.allows(screen.guard, ctx):
            if screen is not None:
                log.warning("user %s refused screen %s (guard %s)", ctx.user_id, screen_id,
                            screen.guard)
            notice = self._text("engine.forbidden", turn)
            screen, args, push, state = self.bundle.screens[self.start_screen], {}, False, None
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
                        await self.show(turn, outcome.screen, outcome.args, edit=edit,
                                        notice=outcome.notice)
                        return
                rendered = await self.forms.render(screen, ctx, context)
            else:
                rendered = await self.renderer.render(screen, ctx)
        except ActionError as err:  # the screen's data is gone (a model disabled, a job not ours)
            if screen.id == self.start_screen:
                raise
            await self.show(turn, self.start_screen, {}, edit=edit,
                            notice=self._text(err.text_key, turn, err.params))
            return
        session.rendered = rendered.actions
        view = rendered.view
        if notice:
            view = View(f"{notice}\n\n{view.text}", view.keyboard, view.media)
        turn.outbox = (view, edit)  # sent when the turn ends: see Turn

    async def _enter(self, turn: Turn, screen: ScreenDef) -> str | None:
        """Run the screen's on_enter actions; their results join its state. Returns a refusal."""
        ctx, notice = turn.ctx, None
        entered: dict[str, Any] = {}
        for call in screen.screen.on_enter:
            turn.session.state = {ENTERED: entered}
            context = await self.renderer.context(screen, ctx)
            try:
                result = await self.calls.run(call.call, render_args(call.args, context), ctx)
            except ActionError as err:
                notice = self._text(err.text_key, turn, err.params)
                result = None
            if call.save_as:
                entered[call.save_as] = plain(result)
        turn.session.state = {ENTERED: entered} if entered else {}
        return notice

    async def _misfit(self, turn: Turn, screen_id: str, exc: BadArguments, *,
                      edit: int | None, from_input: bool) -> None:
        """Arguments that do not fit the screen: typed input is refused with a word on what
        was expected; anything else is an outdated button — the user stays where they are."""
        session = turn.session
        log.info("user %s: arguments for %s refused: %s", turn.ctx.user_id, screen_id, exc)
        key = "engine.invalid_input" if from_input else "engine.stale"
        if session.screen is not None and session.screen != screen_id and \
                session.screen in self.bundle.screens:
            try:
                coerce_args(self.bundle.screens[session.screen].screen.params, self.types,
                            session.args)
            except BadArguments:
                pass
            else:
                await self._redraw(turn, self._text(key, turn), edit=edit)
                return
        session.stack.clear()
        await self.show(turn, self.start_screen, {}, edit=edit, notice=self._text(key, turn))

    async def _apologise(self, turn: Turn, error_id: str) -> None:
        notice = self._text("engine.internal_error", turn, {"error_id": error_id})
        session = turn.session
        session.version = session.loaded_version + 1
        if session.screen is not None:
            try:
                await self._redraw(turn, notice)
                return
            except Exception:
                log.exception("could not show %s after error %s", session.screen, error_id)
        try:
            session.stack.clear()
            await self.show(turn, self.start_screen, {}, notice=notice)
            return
        except Exception:
            log.exception("could not show %s after error %s", self.start_screen, error_id)
        await self._say_sorry(turn, error_id)

    def _text(self, key: str, turn: Turn, params: dict[str, Any] | None = None) -> str:
        return self.renderer.text(key, turn.session.language, params or {})
