"""A small demo project with a plug-in that pages, refuses, fails and echoes — for runtime tests."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from engine.plugin import ActionError, CallContext, NoArgs, Plugin, action, query
from tests.support.projects import write_project

FLOW = """\
commands:
  start: start
  help: help
screens:
  start:
    text: main.title
    keyboard:
      - for_each: demo.items
        page_size: 3
        button: {text: main.item, go: item, args: {n: "{{ item.n }}"}}
      - [{text: main.help, go: help}, {text: main.boom, call: demo.boom, next: help}]
      - [{text: main.refuse, call: demo.refuse, next: help}]
      - [{text: main.secret, go: admin_only, guard: admin}]
  item:
    params: {n: integer}
    text: main.item_text
    keyboard:
      - for_each: demo.items
        page_size: 2
        button: {text: main.secret, go: admin_only, guard: admin}
      - [{text: common.back, back: true}]
  help:
    text: main.help_text
    input: {accept: [text], call: demo.echo, args: {text: "{{ input }}"},
            next: {screen: echoed, args: {text: "{{ result.text }}"}}}
    keyboard:
      - [{text: common.back, back: true}]
  echoed:
    params: {text: text}
    text: main.echoed
    keyboard:
      - [{text: common.back, back: true}]
  admin_only:
    guard: admin
    text: main.help_text
    keyboard:
      - [{text: common.back, back: true}]
"""

TEXTS = """\
main:
  title: "Hello {{ user.first_name }}"
  item: "Item {{ item.n }}"
  item_text: "You chose {{ args.n }}"
  help: Help
  help_text: Send me a text
  boom: Boom
  refuse: Refuse
  secret: Secret
  echoed: "Echo: {{ args.text }}"
  refused: "No way, {{ who }}"
common:
  back: Back
"""


class Item(BaseModel):
    n: int


class EchoArgs(BaseModel):
    text: str


class Echo(BaseModel):
    text: str


class Demo(Plugin):
    """Items to page through, an action that refuses, one that crashes, one that echoes."""

    namespace = "demo"

    @query
    async def items(self, ctx: CallContext, args: NoArgs) -> list[Item]:
        return [Item(n=i) for i in range(1, 8)]

    @action
    async def boom(self, ctx: CallContext, args: NoArgs) -> None:
        raise RuntimeError("a bug in a plug-in")

    @action
    async def refuse(self, ctx: CallContext, args: NoArgs) -> None:
        raise ActionError("main.refused", who="you")

    @action
    async def echo(self, ctx: CallContext, args: EchoArgs) -> Echo:
        return Echo(text=args.text.upper())


def write_demo_project(root: Path) -> Path:
    return write_project(root, {"flows/main.yaml": FLOW, "locales/ru.yaml": TEXTS, "locales/en.yaml": TEXTS})
