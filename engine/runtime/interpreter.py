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

from pydantic import BaseModel

from engine.callbacks import CallbackData
from engine.loader.bundle import Bundle
from engine.plugin import ActionError, Plugin, PluginSet, PressResult
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext, Guards
from engine.runtime.forms.controller import Forms, Leave, Outcome
from engine.runtime.incoming import Incoming, Kind, Person
from engine.runtime.renderer import PAGES_KEY, Renderer
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
                 messenger: Messenger, admin_ids: frozenset[int] = frozenset()) -> None:
        self.bundle = bundle
        self.store = store
        self.messenger = messenger
        self.admin_ids = admin_ids
        self.calls = Calls(plugins)
        extra_guards = {}
        for instance in plugins.instances.values():
            extra_guards.update(instance.guards())
        self.guards = Guards(extra_guards)
        self.renderer = Renderer(bundle, self.calls, self.guards)
        self.forms = Forms(bundle, self.renderer, self.calls)
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
            await self.show(turn, screen, args or {}, push=True)
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
        action = session.rendered.get(data.key) if data else None
        if (data is None or action is None or data.screen != session.screen
                or data.version != session.loaded_version):
            self.stats["stale_presses"] += 1
            await self.messenger.answer_press(incoming.callback_id or "",
                                              self._text("engine.stale", turn))
            await self.show(turn, session.screen or self.start_screen, session.args,
                            enter=False)
            return
        await self.messenger.answer_press(incoming.callback_id or "")
        edit = incoming.message_id
        do = action["do"]
        if do == "go":
            await self.show(turn, action["target"], action["args"], push=True, edit=edit)
        elif do == "back":
            frame = session.pop()
            target, args = (frame.screen, frame.args) if frame else (self.start_screen, {})
            await self.show(turn, target, args, edit=edit, enter=False)
        elif do == "form":
            screen = self.bundle.screens[session.screen or self.start_screen]
            outcome = await self.forms.press(screen, turn.ctx, action)
            await self._after_form(turn, outcome, edit)
        elif do == "page":
            pages = dict(session.args.get(PAGES_KEY, {}))
            pages[str(action["row"])] = action["page"]
            await self.show(turn, session.screen or self.start_screen,
                            {**session.args, PAGES_KEY: pages}, edit=edit, enter=False)
        else:
            await self._call(turn, action["call"], action["args"], action["next"],
                             action["on_error"], edit=edit)

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
            await self.show(turn, screen.id, session.args, enter=False,
                            notice=self._text(key, turn))
            return
        value: Any = incoming.file.model_dump() if incoming.file else incoming.text
        next_screen = screen.resolve(spec.next)
        on_error = screen.resolve(spec.on_error) if spec.on_error else None
        if spec.call is None:
            await self.show(turn, next_screen, {"input": value}, push=True)
            return
        context = await self.renderer.context(screen, turn.ctx)
        args = render_args(spec.args, {**context, "input": value})
        await self._call(turn, spec.call, args, next_screen, on_error, next_args={"input": value})

    # --------------------------------------------------------------------------- moves
    async def _after_form(self, turn: Turn, outcome: Outcome, edit: int | None) -> None:
        session = turn.session
        if isinstance(outcome, Leave):
            session.flash = outcome.flash
            if session.stack and session.stack[-1].screen == outcome.screen:
                frame = session.pop()  # leaving to where the user came from: as they left it
                assert frame is not None
                await self.show(turn, frame.screen, frame.args, edit=edit, enter=False,
                                notice=outcome.notice)
                return
            await self.show(turn, outcome.screen, {}, push=True, edit=edit, notice=outcome.notice)
            return
        await self.show(turn, session.screen or self.start_screen, session.args, edit=edit,
                        enter=False, notice=outcome)

    async def _call(self, turn: Turn, ref: str, args: dict[str, Any], next_screen: str,
                    on_error: str | None, *, edit: int | None = None,
                    next_args: dict[str, Any] | None = None) -> None:
        session = turn.session
        try:
            result = await self.calls.run(ref, args, turn.ctx)
        except ActionError as err:
            text = self._text(err.text_key, turn, err.params)
            session.flash = {"error": {"text": text, "key": err.text_key}}
            if on_error:
                await self.show(turn, on_error, session.args, push=True, edit=edit)
            else:
                await self.show(turn, session.screen or self.start_screen, session.args,
                                edit=edit, enter=False, notice=text)
            return
        if result is not None:
            session.flash = {"result": result.model_dump(mode="json")
                             if isinstance(result, BaseModel) else result}
        await self.show(turn, next_screen, next_args if next_args is not None else args,
                        push=True, edit=edit)

    async def show(self, turn: Turn, screen_id: str, args: dict[str, Any], *,
                   push: bool = False, edit: int | None = None, enter: bool = True,
                   notice: str | None = None) -> None:
        """Make ``screen_id`` the user's screen and display it (editing ``edit`` if given)."""
        session, ctx = turn.session, turn.ctx
        screen = self.bundle.screens.get(screen_id)
        if screen is None or not self.guards.allows(screen.guard, ctx):
            if screen is not None:
                log.warning("user %s refused screen %s (guard %s)", ctx.user_id, screen_id,
                            screen.guard)
            notice = self._text("engine.forbidden", turn)
            screen, args, push, enter = self.bundle.screens[self.start_screen], {}, False, True
            session.stack.clear()
        if push and session.screen != screen.id:
            session.push()
        session.screen, session.args = screen.id, args
        # results of on_enter actions exist only when the screen is entered; none otherwise
        entered: dict[str, Any] = {c.save_as: None for c in screen.screen.on_enter if c.save_as}
        if enter:
            for call in screen.screen.on_enter:
                context = await self.renderer.context(screen, ctx, entered)
                try:
                    result = await self.calls.run(call.call, render_args(call.args, context), ctx)
                except ActionError as err:
                    notice = self._text(err.text_key, turn, err.params)
                    continue
                if call.save_as:
                    entered[call.save_as] = result
        try:
            if screen.screen.form is not None:
                context = await self.renderer.context(screen, ctx, entered)
                if enter:
                    outcome = await self.forms.start(screen, ctx, context)
                    if isinstance(outcome, Leave):
                        await self.show(turn, outcome.screen, {}, edit=edit,
                                        notice=outcome.notice)
                        return
                rendered = await self.forms.render(screen, ctx, context)
            else:
                rendered = await self.renderer.render(screen, ctx, entered)
        except ActionError as err:  # the screen's data is gone (a model disabled, a job not ours)
            if screen.id == self.start_screen:
                raise
            await self.show(turn, self.start_screen, {}, edit=edit,
                            notice=self._text(err.text_key, turn, err.params))
            return
        session.rendered = rendered.actions
        session.flash = {}
        view = rendered.view
        if notice:
            view = View(f"{notice}\n\n{view.text}", view.keyboard, view.media)
        turn.outbox = (view, edit)  # sent when the turn ends: see Turn

    async def _apologise(self, turn: Turn, error_id: str) -> None:
        notice = self._text("engine.internal_error", turn, {"error_id": error_id})
        session = turn.session
        session.version = session.loaded_version + 1
        for screen_id in (session.screen, self.start_screen):
            if screen_id is None:
                continue
            try:
                await self.show(turn, screen_id, session.args if screen_id == session.screen
                                else {}, enter=False, notice=notice)
                return
            except Exception:
                log.exception("could not show %s after error %s", screen_id, error_id)
        await self._say_sorry(turn, error_id)

    def _text(self, key: str, turn: Turn, params: dict[str, Any] | None = None) -> str:
        return self.renderer.text(key, turn.session.language, params or {})
