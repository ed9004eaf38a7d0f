"""The flow graph as SVG for the local preview: every screen drawn and linked to its entry in
the list, every transition an arrow, guarded screens marked, nothing from the network."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from engine.graph_svg import screens_html, to_svg
from engine.loader.bundle import load_bundle
from tests.support.projects import write_project

SVG = "{http://www.w3.org/2000/svg}"


def test_every_screen_is_a_linked_box_and_every_move_an_arrow(tmp_path: Path) -> None:
    bundle = load_bundle(write_project(tmp_path))
    root = ET.fromstring(to_svg(bundle))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert sorted(labels) == ["commands", "main.help", "main.start"]
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {"#commands", "#screen-main.start", "#screen-main.help"}
    arrows = [
        p.find(f"{SVG}title").text for p in root.iter(f"{SVG}path") if p.find(f"{SVG}title") is not None
    ]
    assert any("main.start → main.help" in a for a in arrows)
    assert any("commands → main.start" in a for a in arrows)
    assert "http" not in to_svg(bundle).replace("http://www.w3.org/2000/svg", "")
    listing = screens_html(bundle)
    assert 'id="screen-main.help"' in listing and "main.help" in listing


def test_the_shipped_flows_lay_out_left_to_right(tmp_path: Path) -> None:
    bundle = load_bundle(Path(__file__).resolve().parents[2])
    root = ET.fromstring(to_svg(bundle))
    boxes = {
        g.find(f"{SVG}text").text: float(g.find(f"{SVG}rect").get("x"))
        for g in root.iter(f"{SVG}g")
        if g.find(f"{SVG}text") is not None
    }
    assert set(bundle.screens) <= set(boxes)
    assert boxes["commands"] < boxes["main.start"]  # a command leads to the start screen
