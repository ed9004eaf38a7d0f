"""Hot reload's watcher and loader (app.reload): a change is seen once it has settled, a clean
bundle is handed over, and a broken one is never — its problems, with file and line, are."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from app.reload import PreviewReloader, Reloader, changed_files, snapshot, try_load
from engine.loader.errors import Problem
from engine.plugin import PluginSet
from plugins.user import UserPlugin
from tests.support.projects import BASE_FLOW, BASE_TEXTS, write_project

DECLARATIONS = PluginSet([UserPlugin.declarations()])


def touch(path: Path, text: str) -> None:
    """Write and move the modification time on, as a save a moment later would."""
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_snapshot_covers_flows_locales_and_models_only(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "models" / "m.yaml").write_text("{}\n")
    (root / "notes.txt").write_text("not watched")
    before = snapshot(root)
    assert {"flows/main.yaml", "locales/ru.yaml", "locales/en.yaml", "models/m.yaml"} <= set(before)
    assert "notes.txt" not in before
    touch(root / "locales" / "en.yaml", BASE_TEXTS)
    (root / "models" / "m.yaml").unlink()
    (root / "locales" / "en").mkdir()
    (root / "locales" / "en" / "topic.yaml").write_text("x: y\n")
    assert changed_files(before, snapshot(root)) == [
        "locales/en.yaml",
        "locales/en/topic.yaml",
        "models/m.yaml",
    ]


def test_try_load_hands_over_a_clean_bundle_or_located_problems(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    clean = try_load(root, DECLARATIONS)
    assert clean.bundle is not None and clean.problems == []
    (root / "flows" / "main.yaml").write_text("screens:\n  start: [unclosed\n")
    broken = try_load(root, DECLARATIONS)
    assert broken.bundle is None
    assert [(p.code, p.location.file) for p in broken.problems] == [("LOAD001", "flows/main.yaml")]
    write_project(
        root, {"flows/main.yaml": "commands: {start: start}\nscreens:\n  start: {text: main.nope}\n"}
    )
    unlinted = try_load(root, DECLARATIONS)
    assert unlinted.bundle is None
    assert {(p.code, p.location.file, p.location.line) for p in unlinted.problems} >= {
        ("TEXT001", "flows/main.yaml", 3)
    }


async def test_the_reloader_reports_a_broken_save_then_returns_the_fixed_bundle(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    reported: list[list[Problem]] = []
    reloader = Reloader(root, DECLARATIONS, reported.append, interval=0.05)
    waiting = asyncio.ensure_future(reloader.next_bundle())
    await asyncio.sleep(0.2)
    assert not waiting.done()  # nothing changed: nothing to reload
    touch(root / "flows" / "main.yaml", "screens: [\n")
    while not reported:
        await asyncio.sleep(0.05)
    assert not waiting.done()  # the broken files are not handed over
    assert reported[-1][0].location.file == "flows/main.yaml"
    touch(
        root / "locales" / "en.yaml", (root / "locales" / "en.yaml").read_text().replace("Hello", "Hi there")
    )
    touch(root / "flows" / "main.yaml", BASE_FLOW)
    bundle = await asyncio.wait_for(waiting, 30)
    assert bundle.render("main.title", "en", {}) == "Hi there"


async def test_the_preview_hook_knows_a_reload_from_the_first_start(tmp_path: Path) -> None:
    calls: list[bool] = []

    async def started(runtime: object, reloaded: bool) -> None:
        calls.append(reloaded)
        if reloaded:
            raise RuntimeError("a broken preview extra never stops the bot")

    hook = PreviewReloader(Reloader(write_project(tmp_path), DECLARATIONS), started)
    await hook.started(object())  # type: ignore[arg-type]
    await hook.started(object())  # type: ignore[arg-type]
    assert calls == [False, True]
