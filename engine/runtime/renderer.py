"""Turn a screen definition into a View: text, keyboard, media, and the map of pressable keys.

The map (key → the typed press, with its arguments already rendered) is saved in the session;
a press is later resolved only through it, never through the callback data itself.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from engine.callbacks import CallbackData
from engine.loader.bundle import Bundle, ScreenDef
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext, Guards
from engine.runtime.presses import Back, Call, Go, NextTarget, Page, stored
from engine.runtime.view import Media, View, ViewButton
from engine.schema.flow import Button, ForEach, Target
from engine.templates import render_inline, variable_paths

PAGES = "pages"  # screen state: the page shown of each generated block, by row
ENTERED = "entered"  # screen state: results of the on_enter actions, by save_as


@dataclass
class Rendered:
    view: View
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """A plug-in's value as templates and the session hold it: JSON-shaped."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class _Compiled:
    """A button compiled at start-up: its press with the arguments still templates."""

    press: Go | Back | Call | None  # None: a link
    url: str | None = None
    needs_item: bool = False  # a call's targets read the row's item
    stored: dict[str, Any] = field(default_factory=dict)  # the press as the session keeps it

    def __post_init__(self) -> None:
        if self.press is not None:  # once here, so a render only fills in the arguments
            object.__setattr__(self, "stored", stored(self.press))


def _target(screen: ScreenDef, target: Target | None) -> NextTarget | None:
    return NextTarget(screen=screen.resolve(target.screen), args=target.args) if target else None


def _reads_item(*targets: Target | None) -> bool:
    return any(
        isinstance(v, str) and any(p.name == "item" for p in variable_paths(v))
        for t in targets
        if t is not None
        for v in t.args.values()
    )


def compile_button(screen: ScreenDef, button: Button) -> _Compiled:
    if button.url:
        return _Compiled(None, button.url)
    if button.back:
        return _Compiled(Back())
    if button.go:
        return _Compiled(Go(screen=screen.resolve(button.go), args=button.args))
    assert button.call is not None and button.next is not None
    next_target = _target(screen, button.next)
    assert next_target is not None
    return _Compiled(
        Call(call=button.call, args=button.args, next=next_target, on_error=_target(screen, button.on_error)),
        needs_item=_reads_item(button.next, button.on_error),
    )


class Renderer:
    def __init__(self, bundle: Bundle, calls: Calls, guards: Guards) -> None:
        self.bundle = bundle
        self.calls = calls
        self.guards = guards
        # each screen's buttons, compiled the first time it is shown (most screens of a big
        # bundle are not shown in a process's first minutes, and some never are)
        self._compiled: dict[str, dict[int, _Compiled]] = {}

    def _buttons(self, screen: ScreenDef) -> dict[int, _Compiled]:
        found = self._compiled.get(screen.id)
        if found is None:
            found = self._compiled[screen.id] = {
                id(button): compile_button(screen, button)
                for row in screen.screen.keyboard
                for button in ([row.button] if isinstance(row, ForEach) else row)
            }
        return found

    def text(self, key: str, language: str, context: dict[str, Any]) -> str:
        return self.bundle.render(key, language, context)

    def label(self, key: str, language: str, context: dict[str, Any]) -> str:
        """Button labels are plain text: undo the HTML escaping meant for messages."""
        return html.unescape(self.text(key, language, context)).strip()

    async def context(
        self, screen: ScreenDef, ctx: ActionContext, *, with_data: bool = True
    ) -> dict[str, Any]:
        """What the screen's templates see: the user, its args, its on_enter results, the
        plug-ins' globals and its data queries (each may read those before it). The on_enter
        actions themselves run before the data is read (``with_data=False``)."""
        session = ctx.session
        context: dict[str, Any] = {
            "user": ctx.user_view(),
            "args": session.args,
            **session.state.get(ENTERED, {}),
        }
        for instance in self.calls.plugins.instances.values():
            context.update(await instance.template_values(ctx))
        if with_data:
            for name, call in screen.screen.data.items():
                context[name] = await self.calls.run(call.query, render_args(call.args, context), ctx)
        return context

    async def render(
        self, screen: ScreenDef, ctx: ActionContext, context: dict[str, Any] | None = None
    ) -> Rendered:
        if context is None:
            context = await self.context(screen, ctx)
        language = ctx.session.language
        spec = screen.screen
        rendered = Rendered(View(self.text(spec.text, language, context)))
        rows: list[list[ViewButton]] = []
        for r, row in enumerate(spec.keyboard):
            if isinstance(row, ForEach):
                rows.extend(await self._generated(screen, r, row, context, ctx, rendered))
                continue
            line = []
            for c, button in enumerate(row):
                if self.guards.allows(button.guard, ctx):
                    line.append(self._button(screen, f"b{r}.{c}", button, context, ctx, rendered))
            if line:
                rows.append(line)
        media = None
        if spec.media is not None:
            media = Media(spec.media.kind.value, render_inline(spec.media.source, context))
        rendered.view = View(rendered.view.text, rows, media)
        return rendered

    def _button(
        self,
        screen: ScreenDef,
        key: str,
        button: Button,
        context: dict[str, Any],
        ctx: ActionContext,
        rendered: Rendered,
    ) -> ViewButton:
        label = self.label(button.text, ctx.session.language, context)
        compiled = self._buttons(screen).get(id(button)) or compile_button(screen, button)
        template = compiled.press
        if template is None:
            return ViewButton(label, url=render_inline(compiled.url or "", context))
        # the typed press as JSON, its arguments rendered; read back as a Press on a press
        action = compiled.stored
        if isinstance(template, Go | Call):
            action = {**action, "args": render_args(template.args, context)}
            if compiled.needs_item:
                action["item"] = context.get("item")
        rendered.actions[key] = action
        data = CallbackData(screen.id, ctx.session.version, key).encode()
        return ViewButton(label, callback_data=data)

    async def _generated(
        self,
        screen: ScreenDef,
        r: int,
        row: ForEach,
        context: dict[str, Any],
        ctx: ActionContext,
        rendered: Rendered,
    ) -> list[list[ViewButton]]:
        if not self.guards.allows(row.button.guard, ctx):
            return []  # a guarded row is not shown (nor its query run) to those it excludes
        items = list(await self.calls.run(row.for_each, render_args(row.args, context), ctx))
        pages = max(1, math.ceil(len(items) / row.page_size))
        shown = ctx.session.state.get(PAGES, {}).get(str(r), 0)
        page = min(shown if isinstance(shown, int) else 0, pages - 1)
        start = page * row.page_size
        buttons = []
        for index, item in enumerate(items[start : start + row.page_size], start):
            item_context = {**context, "item": plain(item)}
            buttons.append(self._button(screen, f"i{r}.{index}", row.button, item_context, ctx, rendered))
        lines = [buttons[i : i + row.columns] for i in range(0, len(buttons), row.columns)]
        if pages > 1:
            nav = []
            paging = {"page": page + 1, "pages": pages}
            for target, text_key in ((page - 1, "engine.prev_page"), (page + 1, "engine.next_page")):
                if 0 <= target < pages:
                    key = f"p{r}.{target}"
                    rendered.actions[key] = stored(Page(row=r, page=target))
                    data = CallbackData(screen.id, ctx.session.version, key).encode()
                    nav.append(
                        ViewButton(self.label(text_key, ctx.session.language, paging), callback_data=data)
                    )
            lines.append(nav)
        return lines
