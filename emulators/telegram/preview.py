"""What the project behind the web chat tells its editors: load and lint problems of the flows
it reloaded, its current version and its flow graph. The app sets it in local mode (see
app.local_services); the page shows the problems as a banner and the graph on request.

Telegram has nothing like it: it is a side panel of the emulator's page, never part of the Bot
API the bot talks to.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from .state import EmulatorState


@dataclass(frozen=True)
class Finding:
    code: str
    where: str  # file:line:column
    message: str


@dataclass
class Preview:
    state: EmulatorState
    problems: list[Finding] = field(default_factory=list)
    version: int = 0  # how many times the flows were reloaded
    graph_svg: str | None = None
    screens_html: str = ""

    def show_problems(self, problems: list[Finding]) -> None:
        """The flows on disk do not load or lint clean: the page shows why (the old ones run)."""
        self.problems = list(problems)
        self.state.touch()

    def reloaded(self, graph_svg: str | None = None, screens_html: str = "") -> None:
        """New flows are running: the banner goes, the page says so."""
        self.problems = []
        self.version += 1
        if graph_svg is not None:
            self.graph_svg, self.screens_html = graph_svg, screens_html
        self.state.touch()

    def set_graph(self, graph_svg: str, screens_html: str = "") -> None:
        self.graph_svg, self.screens_html = graph_svg, screens_html

    def view(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "problems": [{"code": p.code, "where": p.where, "message": p.message} for p in self.problems],
            "graph": self.graph_svg is not None,
        }

    def graph_page(self) -> str:
        svg = self.graph_svg or "<p>No flow graph: the bot behind this chat did not send one.</p>"
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flow graph</title>'
            "<style>body{font:14px system-ui,sans-serif;margin:16px;color:#222}"
            "svg{max-width:none}a{color:#2a6fb0}h2{font-size:16px;margin:24px 0 8px}"
            "ul{columns:2;list-style:none;padding:0}li{break-inside:avoid;margin:0 0 10px}"
            "code{background:#f1f3f5;padding:1px 4px;border-radius:3px}"
            ".to{color:#555;font-size:13px}</style></head><body>"
            f'<h1 style="font-size:18px">Flow graph · version {html.escape(str(self.version))}</h1>'
            '<div class="graph" data-testid="flow-graph">'
            f"{svg}</div>{self.screens_html}</body></html>"
        )
