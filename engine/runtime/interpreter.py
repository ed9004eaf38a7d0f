"""The interpreter: one generic handler for every update, driven by the bundle.

It knows screens, buttons, inputs and plug-in calls — nothing about money, models or any
particular screen. Every update ends with the user looking at a working screen: a stale or
forged press, unexpected input or an exception all lead to a short explanation and a screen.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable, Container
from typing import Any

from engine.callbacks import CallbackData
from engine.files.source import FileSource
from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CommandEvent, GuardCheck, Plugin, PluginSet, PressResult
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext, Guards
from engine.runtime.events import PRESS, START, EventSink, FlowEvent
from engine.runtime.forms.controller import Forms
from engine.runtime.incoming import Incoming, Kind, Person
from engine.runtime.navigator import Navigator
from engine.runtime.presses import Back, Call, Go, NextTarget, Page, restored
from engine.runtime.renderer import PAGES, Renderer
from engine.runtime.session import SessionStore, StaleSession
from engine.runtime.splits import Splits, WinnerSource
from engine.runtime.turn import Turn
from engine.runtime.view import Messenger, View

log = logging.getLogger(__name__)


def press_target(press: object) -> str:
    """What a press leads to, for the events: a screen, an action, or what kind of press."""
    if isinstance(press, Go):
        return press.screen
    if isinstance(press, Call):
        return press.call
    return "back" if isinstance(press, Back) else "page" if isinstance(press, Page) else "form"


def language_of(code: str | None) -> str:
    return "en" if code and not code.lower().startswith(("ru", "uk", "be", "kk")) else "ru"


class Runtime:
    def __init__(
        self,
        bundle: Bundle,
        plugins: PluginSet,
        store: SessionStore,
        messenger: Messenger,
        admin_ids: Container[int] = frozenset(),
        files: FileSource | None = None,
        events: EventSink | None = None,
        winners: WinnerSource | None = None,
    ) -> None:
        self.bundle = bundle
        self.store = store
        self.messenger = messenger
        self.admin_ids = admin_ids
        self.types = plugins.param_types
        extra_guards: dict[str, GuardCheck] = {}
        for instance in plugins.instances.values():
            extra_guards.update(instance.guards())
        self.guards = Guards(extra_guards)
        self.calls = Calls(plugins, self.guards)
        self.renderer = Renderer(bundle, self.calls, self.guards)
        self.forms = Forms(bundle, self.renderer, self.calls, files=files)
        self.start_screen = bundle.commands["start"].target
        self.events = events
        self.splits = Splits(bundle, winners)
        self.moves = Navigator(
            bundle,
            self.renderer,
            self.forms,
            self.calls,
            self.guards,
            self.types,
            self.start_screen,
            self.splits,
            events,
        )
        help_command = bundle.commands.get("help")
        self.help_screen = help_command.target if help_command else self.start_screen
        self.stats: Counter[str] = Counter()
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    # ----------------------------------------------------------------------------- entry
    async def handle(self, incoming: Incoming, *, replay: bool = False) -> None:
        """Handle an update; ``replay``: it was handled before (its effects are stored) and is
        delivered again, so only the screen it left is shown again."""
        await self._turn(incoming, self._show_again if replay else self._dispatch)

    async def _show_again(self, turn: Turn) -> None:
        """Render the stored screen at the stored version: the keyboard the earlier attempt
        may have shown already stays valid (its keys and version are the same)."""
        self.stats["replays"] += 1
        turn.session.version = turn.session.loaded_version
        if turn.incoming.kind is Kind.PRESS:
            await self.messenger.answer_press(turn.incoming.callback_id or "")
        await self.moves.redraw(turn, edit=turn.incoming.message_id)

    async def open(
        self, person: Person, chat_id: int, screen: str, args: dict[str, Any] | None = None
    ) -> None:
        """Put a user on a screen as if they had navigated there (deep links, tests)."""

        async def go(turn: Turn) -> None:
            await self.moves.show(turn, screen, dict(args or {}), push=True)

        await self._turn(Incoming(Kind.COMMAND, person, chat_id, text="open"), go)

    async def refresh(self, person: Person, chat_id: int, edit: int | None = None) -> None:
        """Draw the user's screen again from the current bundle (after the flows were reloaded
        in a local preview), editing ``edit`` if given; args, state and the back stack are kept.
        A screen the new bundle no longer has is treated like a stale one: the start screen."""

        async def redraw(turn: Turn) -> None:
            if turn.session.screen is not None and turn.session.screen not in self.bundle.screens:
                turn.session.stack.clear()
                turn.session.form.clear()
                await self.moves.show(
                    turn, self.start_screen, {}, edit=edit, notice=self._text("engine.stale", turn)
                )
                return
            await self.moves.redraw(turn, edit=edit)

        await self._turn(Incoming(Kind.COMMAND, person, chat_id, text="refresh"), redraw)

    async def settle(self, timeout: float) -> bool:
        """Wait until no turn is running (at most ``timeout`` s): before another runtime takes
        over the same sessions (a reload), so no user has a turn in each. False on timeout."""
        deadline = asyncio.get_running_loop().time() + timeout
        while any(lock.locked() for lock in list(self._locks.values())):
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def back_to_form(self, person: Person, chat_id: int, notice: str) -> bool:
        """Bring a user back to the form they left by one of its ``offers`` (to top up, say),
        its answers kept, with the text ``notice`` above it: once what blocked it is done.
        False, and nothing shown, when no form of theirs is waiting on the way back."""
        found = False

        async def go(turn: Turn) -> None:
            nonlocal found
            session = turn.session
            form_screen = session.form.get("screen") if session.form else None
            depth = next(
                (d for d in range(len(session.stack) - 1, -1, -1) if session.stack[d].screen == form_screen),
                None,
            )
            if form_screen is None or depth is None:
                return
            frame = session.stack[depth]
            del session.stack[depth:]
            found = True
            text = self._text(notice, turn)
            await self.moves.show(turn, frame.screen, frame.args, state=frame.state, notice=text)

        await self._turn(Incoming(Kind.COMMAND, person, chat_id, text="back_to_form"), go)
        return found

    async def _turn(self, incoming: Incoming, work: Callable[[Turn], Awaitable[None]]) -> None:
        """Load the session, do the work, save — one user at a time; never a silent failure."""
        person = incoming.person
        lock = self._locks.get(person.id)
        if lock is None:
            lock = self._locks[person.id] = asyncio.Lock()
        async with lock:
            session = await self.store.load(person.id, incoming.chat_id, language_of(person.language_code))
            session.version = session.loaded_version + 1
            turn = Turn(
                ActionContext(session, person, person.id in self.admin_ids, incoming.update_id), incoming
            )
            self.stats["updates"] += 1
            try:
                await work(turn)
            except Exception:
                error_id = self._incident("update failed", person.id)
                # whatever the failed work changed is dropped: back to the session as stored
                turn.ctx.session = await self.store.load(person.id, incoming.chat_id, session.language)
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
                await self.store.remember_user(
                    person.id, person.first_name, person.username, person.language_code
                )
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
            if self.events is not None:
                self.events.record(FlowEvent(time.time(), turn.ctx.user_id, session.screen or "", START))
            session.stack.clear()
            session.form.clear()
            screen, args, notice = await self._command_hooks(turn, name, self.start_screen)
            await self.moves.show(turn, screen, args, notice=notice)
            return
        command = self.bundle.commands.get(name)
        if command is None:
            notice = self._text("engine.unknown_command", turn, {"command": f"/{name}"})
            await self.moves.show(turn, self.help_screen, {}, push=True, notice=notice)
            return
        screen, args, notice = await self._command_hooks(turn, name, command.target)
        await self.moves.show(turn, screen, args, push=True, notice=notice)

    async def _command_hooks(
        self, turn: Turn, name: str, screen: str
    ) -> tuple[str, dict[str, Any], str | None]:
        """Plug-ins that hooked this command see its payload first; the last one naming a
        screen decides where the user lands, and every notice is shown above it."""
        args: dict[str, Any] = {}
        notices: list[str] = []
        event = CommandEvent(name, turn.incoming.command_args, turn.session.is_new)
        for plugin in self.calls.plugins.instances.values():
            if name not in plugin.command_hooks:
                continue
            try:
                result = await plugin.on_command(turn.ctx, event)
            except ActionError as err:
                notices.append(self._text(err.text_key, turn, err.params))
                continue
            if result is None:
                continue
            if result.text_key:
                notices.append(self._text(result.text_key, turn, result.params))
            if result.screen:
                screen, args = result.screen, dict(result.args)
        return screen, args, "\n".join(notices) or None

    async def _press(self, turn: Turn) -> None:
        incoming, session = turn.incoming, turn.session
        raw = incoming.callback_data or ""
        for plugin in self.calls.plugins.instances.values():
            if plugin.press_prefix and raw.startswith(plugin.press_prefix):
                await self._plugin_press(turn, plugin, raw[len(plugin.press_prefix) :])
                return
        data = CallbackData.decode(incoming.callback_data)
        press = restored(session.rendered.get(data.key)) if data else None
        if (
            data is None
            or press is None
            or data.screen != session.screen
            or data.version != session.loaded_version
            or data.screen not in self.bundle.screens  # gone since the flows were reloaded
        ):
            # an outdated or used message, or forged data: nothing runs, the screen is redrawn
            self.stats["stale_presses"] += 1
            await self.messenger.answer_press(incoming.callback_id or "", self._text("engine.stale", turn))
            await self.moves.redraw(turn)
            return
        await self.messenger.answer_press(incoming.callback_id or "")
        edit = incoming.message_id
        if self.events is not None:
            self.events.record(
                FlowEvent(time.time(), turn.ctx.user_id, data.screen, PRESS, press_target(press))
            )
        if isinstance(press, Go):
            await self.moves.show(
                turn, press.screen, self.moves.same_or(turn, press.screen, press.args), push=True, edit=edit
            )
        elif isinstance(press, Back):
            frame = session.pop()
            if frame is None:
                await self.moves.show(turn, self.start_screen, {}, edit=edit)
            else:
                await self.moves.show(turn, frame.screen, frame.args, edit=edit, state=frame.state)
        elif isinstance(press, Page):
            pages = {**session.state.get(PAGES, {}), str(press.row): press.page}
            await self.moves.show(
                turn,
                session.screen or self.start_screen,
                session.args,
                edit=edit,
                state={**session.state, PAGES: pages},
            )
        elif isinstance(press, Call):
            scope = {"user": turn.ctx.user_view(), "args": session.args, "item": press.item}
            await self.moves.call(turn, press.call, press.args, press.next, press.on_error, scope, edit=edit)
        else:
            screen = self.bundle.screens[session.screen or self.start_screen]
            outcome = await self.forms.press(screen, turn.ctx, press)
            await self.moves.after_form(turn, outcome, edit)

    async def _plugin_press(self, turn: Turn, plugin: Plugin, data: str) -> None:
        """A press on a message a plug-in sent itself (a result, a status): the plug-in decides."""
        try:
            result = await plugin.on_press(turn.ctx, data)
        except ActionError as err:
            result = PressResult(err.text_key, err.params)
        text = self._text(result.text_key, turn, result.params) if result.text_key else None
        await self.messenger.answer_press(turn.incoming.callback_id or "", text)
        if result.screen:
            await self.moves.show(turn, result.screen, result.args, push=True)
        else:  # nothing re-rendered: the keyboard on screen must stay valid
            turn.session.version = turn.session.loaded_version

    async def _input(self, turn: Turn) -> None:
        incoming, session = turn.incoming, turn.session
        screen = self.bundle.screens.get(session.screen or "")
        if screen is None:
            await self.moves.show(turn, self.start_screen, {})
            return
        if screen.screen.form is not None:
            text = incoming.text if incoming.kind is Kind.TEXT else None
            outcome = await self.forms.message(screen, turn.ctx, text, incoming.file)
            await self.moves.after_form(turn, outcome, None)
            return
        spec = screen.screen.input
        kind = "text" if incoming.kind is Kind.TEXT else (incoming.file.kind if incoming.file else "")
        if spec is None or kind not in spec.accept:
            key = "engine.expect_button" if incoming.kind is Kind.TEXT else "engine.unexpected_input"
            await self.moves.redraw(turn, self._text(key, turn))
            return
        value: Any = incoming.file.model_dump() if incoming.file else incoming.text
        scope = {**await self.renderer.context(screen, turn.ctx), "input": value}
        next_target = NextTarget(screen=screen.resolve(spec.next.screen), args=spec.next.args)
        on_error = (
            NextTarget(screen=screen.resolve(spec.on_error.screen), args=spec.on_error.args)
            if spec.on_error
            else None
        )
        if spec.call is None:
            await self.moves.arrive(turn, next_target, scope, from_input=True)
            return
        args = render_args(spec.args, scope)
        await self.moves.call(turn, spec.call, args, next_target, on_error, scope, from_input=True)

    async def _apologise(self, turn: Turn, error_id: str) -> None:
        notice = self._text("engine.internal_error", turn, {"error_id": error_id})
        session = turn.session
        session.version = session.loaded_version + 1
        if session.screen is not None:
            try:
                await self.moves.redraw(turn, notice)
                return
            except Exception:
                log.exception("could not show %s after error %s", session.screen, error_id)
        try:
            session.stack.clear()
            await self.moves.show(turn, self.start_screen, {}, notice=notice)
            return
        except Exception:
            log.exception("could not show %s after error %s", self.start_screen, error_id)
        await self._say_sorry(turn, error_id)

    def _text(self, key: str, turn: Turn, params: dict[str, Any] | None = None) -> str:
        return self.moves.text(key, turn, params)
