"""The flow graph as a picture for editors: Mermaid (renders on GitHub) or Graphviz dot."""

from __future__ import annotations

import re

from engine.loader.bundle import Bundle
from engine.transitions import COMMAND_SOURCE, Via, all_transitions

_DASHED = {Via.ACTION_ERROR, Via.INPUT_ERROR, Via.FORM_CANCEL, Via.FORM_ERROR}


def _node(screen_id: str) -> str:
    return "cmd" if screen_id == COMMAND_SOURCE else re.sub(r"\W", "_", screen_id)


def _label(text: str) -> str:
    return text.replace('"', "'")


def to_mermaid(bundle: Bundle) -> str:
    lines = ["flowchart LR", '  cmd(["commands"])']
    for sid, screen in bundle.screens.items():
        shape = f'{{{{"{sid}"}}}}' if screen.guard else f'["{sid}"]'
        lines.append(f"  {_node(sid)}{shape}")
    for t in all_transitions(bundle):
        arrow = "-.->" if t.via in _DASHED else "-->"
        lines.append(f'  {_node(t.source)} {arrow}|"{_label(t.label)}"| {_node(t.target)}')
    return "\n".join(lines) + "\n"


def to_dot(bundle: Bundle) -> str:
    lines = ["digraph flows {", "  rankdir=LR;", '  cmd [label="commands", shape=oval];']
    for sid, screen in bundle.screens.items():
        shape = "hexagon" if screen.guard else "box"
        lines.append(f'  {_node(sid)} [label="{sid}", shape={shape}];')
    for t in all_transitions(bundle):
        style = ", style=dashed" if t.via in _DASHED else ""
        lines.append(f'  {_node(t.source)} -> {_node(t.target)} [label="{_label(t.label)}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
