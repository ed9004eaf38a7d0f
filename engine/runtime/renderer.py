"""Turn a screen definition into a View: text, keyboard, media, and the map of pressable keys.

The map (key → what the press does, with its arguments already rendered) is saved in the
session; a press is later resolved only through it, never through the callback data itself.
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
from engine.runtime.view import Media, View, ViewButton
from engine.schema.flow import Button, ForEach
from engine.templates import render_inline

PAGES_KEY = "__pages"


@dataclass
class Rendered:
    view: View
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


class Renderer:
    def __init__(self, bundle: Bundle, calls: Calls, guards: Guards) -> None:
        self.bundle = bundle
        self.calls = calls
        self.guards = guards

    def text(self, key: str, language: str, context: dict[str, Any]) -> str:
        return self.bundle.render(key, language, context)

    def label(self, key: str, language: str, context: dict[str, Any]) -> str:
        """Button labels are plain text: undo the HTML escaping meant for messages."""
        return html.unescape(self.text(key, language, context)).strip()

    async def context(self, screen: ScreenDef, ctx: ActionContext,
                      extra: dict[str, Any] | None = None) -> dict[str, Any]:
        session = ctx.session
        context: dict[str, Any] = {
            "user": ctx.user_view(), "args": session.args,
            "result": session.flash.get("result"), "error": session.flash.get("error"),
            **(extra or {}),
        }
        for instance in self.calls.plugins.instances.values():
            context.update(await instance.template_values(ctx))
        for name, call in screen.screen.data.items():
            context[name] = await self.calls.run(call.query, render_args(call.args, context), ctx)
        return context

    async def render(self, screen: ScreenDef, ctx: ActionContext,
                     extra: dict[str, Any] | None = None) -> Rendered:
        context = await self.context(screen, ctx, extra)
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

    def _button(self, screen: ScreenDef, key: str, button: Button, context: dict[str, Any],
                ctx: ActionContext, rendered: Rendered) -> ViewButton:
        label = self.label(button.text, ctx.session.language, context)
        if button.url:
            return ViewButton(label, url=render_inline(button.url, context))
        if button.back:
            action: dict[str, Any] = {"do": "back"}
        elif button.go:
            action = {"do": "go", "target": screen.resolve(button.go),
                      "args": render_args(button.args, context)}
        else:
            action = {"do": "call", "call": button.call,
                      "args": render_args(button.args, context),
                      "next": screen.resolve(button.next or ""),
                      "on_error": screen.resolve(button.on_error) if button.on_error else None}
        rendered.actions[key] = action
        data = CallbackData(screen.id, ctx.session.version, key).encode()
        return ViewButton(label, callback_data=data)

    async def _generated(self, screen: ScreenDef, r: int, row: ForEach, context: dict[str, Any],
                         ctx: ActionContext, rendered: Rendered) -> list[list[ViewButton]]:
        items = list(await self.calls.run(row.for_each, render_args(row.args, context), ctx))
        pages = max(1, math.ceil(len(items) / row.page_size))
        page = min(int(ctx.session.args.get(PAGES_KEY, {}).get(str(r), 0)), pages - 1)
        start = page * row.page_size
        buttons = []
        for index, item in enumerate(items[start:start + row.page_size], start):
            item_context = {**context, "item": _plain(item)}
            buttons.append(self._button(screen, f"i{r}.{index}", row.button, item_context, ctx,
                                        rendered))
        lines = [buttons[i:i + row.columns] for i in range(0, len(buttons), row.columns)]
        if pages > 1:
            nav = []
            paging = {"page": page + 1, "pages": pages}
            for target, text_key in ((page - 1, "engine.prev_page"), (page + 1, "engine.next_page")):
                if 0 <= target < pages:
                    key = f"p{r}.{target}"
                    rendered.actions[key] = {"do": "page", "row": r, "page": target}
                    data = CallbackData(screen.id, ctx.session.version, key).encode()
                    nav.append(ViewButton(self.label(text_key, ctx.session.language, paging),
                                          callback_data=data))
            lines.append(nav)
        return lines
