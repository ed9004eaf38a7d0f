"""The flow graph as a self-contained SVG, laid out here: no Graphviz, no JavaScript, no CDN.

Shown by the local preview (the web chat's "Graph" button) so an editor sees the screens they
just changed and where every button leads. Screens stand in columns by their distance from the
commands; a column is ordered by where its screens' callers stand (one barycentre pass), which
keeps most arrows short. Arrows back to an earlier column (a "back" or "menu" button) are drawn
dashed and light, so the forward paths stay readable. Every screen links to its entry in the
list under the picture (``screens_html``), which names each button and where it goes.
"""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict, deque
from dataclasses import dataclass

from engine.loader.bundle import Bundle
from engine.transitions import COMMAND_SOURCE, Transition, Via, all_transitions

_CHAR = 7.2  # px per character of the 12px monospace label
_HEIGHT = 24
_ROW_GAP = 10
_COLUMN_GAP = 90
_MARGIN = 16
_DASHED = {Via.ACTION_ERROR, Via.INPUT_ERROR, Via.FORM_CANCEL, Via.FORM_ERROR}


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float


def _columns(bundle: Bundle, transitions: list[Transition]) -> list[list[str]]:
    """Screens by breadth-first distance from the commands; unreachable ones in a last column."""
    out: dict[str, set[str]] = defaultdict(set)
    for t in transitions:
        if t.target in bundle.screens:
            out[t.source].add(t.target)
    depth = {COMMAND_SOURCE: 0}
    queue = deque([COMMAND_SOURCE])
    while queue:
        node = queue.popleft()
        for target in sorted(out[node]):
            if target not in depth:
                depth[target] = depth[node] + 1
                queue.append(target)
    last = max(depth.values()) + 1
    for screen in bundle.screens:
        depth.setdefault(screen, last)
    columns: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node in [COMMAND_SOURCE, *bundle.screens]:
        columns[depth[node]].append(node)
    # one barycentre pass: a screen sits near the average row of the screens that lead to it
    callers: dict[str, list[str]] = defaultdict(list)
    for source, targets in out.items():
        for target in targets:
            callers[target].append(source)
    row = {node: i for i, node in enumerate(columns[0])}
    for column in columns[1:]:

        def weight(node: str) -> tuple[float, str]:
            seen = [row[c] for c in callers[node] if c in row]
            return (sum(seen) / len(seen) if seen else float(len(row)), node)

        column.sort(key=weight)
        row.update({node: i for i, node in enumerate(column)})
    return [c for c in columns if c]


def _colour(screen: str) -> str:
    namespace = screen.rsplit(".", 1)[0] if "." in screen else screen
    hue = int(hashlib.sha256(namespace.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue},55%,92%)"


def _layout(columns: list[list[str]]) -> tuple[dict[str, _Box], float, float]:
    boxes: dict[str, _Box] = {}
    x = float(_MARGIN)
    tallest = 0.0
    for column in columns:
        width = max(len(_name(node)) for node in column) * _CHAR + 16
        for i, node in enumerate(column):
            boxes[node] = _Box(x, _MARGIN + i * (_HEIGHT + _ROW_GAP), width)
        tallest = max(tallest, len(column) * (_HEIGHT + _ROW_GAP))
        x += width + _COLUMN_GAP
    return boxes, x - _COLUMN_GAP + _MARGIN, tallest + 2 * _MARGIN


def _name(node: str) -> str:
    return "commands" if node == COMMAND_SOURCE else node


def to_svg(bundle: Bundle) -> str:
    """The whole graph as one ``<svg>`` element (inline it in HTML, or save it as a file)."""
    transitions = list(all_transitions(bundle))
    boxes, width, height = _layout(_columns(bundle, transitions))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#5a6b7b"/></marker></defs>',
    ]
    drawn: set[tuple[str, str]] = set()
    for t in transitions:
        source, target = boxes.get(t.source), boxes.get(t.target)
        if source is None or target is None or (t.source, t.target) in drawn:
            continue
        drawn.add((t.source, t.target))
        parts.append(_edge(t, source, target))
    for node, box in boxes.items():
        label = html.escape(_name(node))
        guarded = node in bundle.screens and bundle.screens[node].guard is not None
        fill = "#eef1f4" if node == COMMAND_SOURCE else _colour(node)
        stroke = "#b5523b" if guarded else "#7b8a99"
        link = "#commands" if node == COMMAND_SOURCE else f"#screen-{label}"
        thick = ' stroke-width="2"' if guarded else ""
        parts.append(
            f'<a href="{link}"><g><title>{label}{" (guarded)" if guarded else ""}</title>'
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{_HEIGHT}" rx="5" '
            f'fill="{fill}" stroke="{stroke}"{thick}/>'
            f'<text x="{box.x + 8:.1f}" y="{box.y + 16:.1f}" fill="#1d2a36">{label}</text></g></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(t: Transition, source: _Box, target: _Box) -> str:
    title = html.escape(f"{_name(t.source)} → {t.target} ({t.via.value}: {t.label})")
    y1, y2 = source.y + _HEIGHT / 2, target.y + _HEIGHT / 2
    if target.x > source.x:  # forward: right side to left side
        x1, x2 = source.x + source.width, target.x
        bend = (x2 - x1) / 2
        path = f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        style = 'stroke="#5a6b7b" stroke-opacity="0.55"'
    else:  # back, or within one column: a loop out to the left
        x1, x2 = source.x, target.x
        reach = 30 + abs(y2 - y1) / 8
        path = f"M{x1:.1f},{y1:.1f} C{x1 - reach:.1f},{y1:.1f} {x2 - reach:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        style = 'stroke="#9aa7b4" stroke-opacity="0.45" stroke-dasharray="4 3"'
    if t.via in _DASHED:
        style = 'stroke="#c0392b" stroke-opacity="0.5" stroke-dasharray="2 3"'
    return f'<path d="{path}" fill="none" {style} marker-end="url(#arrow)"><title>{title}</title></path>'


def screens_html(bundle: Bundle) -> str:
    """Every screen with its buttons and where they lead, as an HTML list (anchors per screen)."""
    by_source: dict[str, list[Transition]] = defaultdict(list)
    for t in all_transitions(bundle):
        by_source[t.source].append(t)
    items = []
    for node in [COMMAND_SOURCE, *sorted(bundle.screens)]:
        name = html.escape(_name(node))
        anchor = "commands" if node == COMMAND_SOURCE else f"screen-{name}"
        links = ", ".join(
            f'<a href="#screen-{html.escape(t.target)}">{html.escape(t.target)}</a> '
            f"<small>({html.escape(t.via.value)}: {html.escape(t.label)})</small>"
            for t in by_source[node]
        )
        guard = ""
        if node in bundle.screens and bundle.screens[node].guard:
            guard = f" <small>guard {html.escape(str(bundle.screens[node].guard))}</small>"
        items.append(
            f'<li id="{anchor}"><code>{name}</code>{guard}<div class="to">→ {links or "—"}</div></li>'
        )
    return f'<h2>Screens and where their buttons lead</h2><ul data-testid="screen-list">{"".join(items)}</ul>'
