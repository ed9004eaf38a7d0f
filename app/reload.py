"""Hot reload for the local preview: watch ``flows/``, ``locales/`` and ``models/``, and when
they change, load and lint them again.

A clean bundle is handed to the bot, which swaps it in (see app.bot: the plug-ins and the
interpreter are assembled again around it; sessions, the database and the web chat stay).
A bundle that does not load or lint clean is never run: the old one keeps serving and the
problems, each with its file:line, go to whoever listens (the web chat's banner), until a
later save fixes them. A polling watcher: a few hundred small files, read twice a second, cost
nothing, and it needs no dependency and no OS notification API.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from engine.lint.linter import has_errors, lint
from engine.loader.bundle import Bundle, load_bundle
from engine.loader.errors import BundleLoadError, Problem, Severity
from engine.plugin import PluginSet
from engine.runtime.interpreter import Runtime

log = logging.getLogger(__name__)
WATCHED = ("flows", "locales", "models")

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, folders: Sequence[str] = WATCHED) -> Snapshot:
    """Every file under the watched folders: its modification time and size."""
    found: Snapshot = {}
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            try:
                stat = path.stat()
            except OSError:  # removed while we looked: the next look sees it gone
                continue
            if path.is_file():
                found[str(path.relative_to(root))] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass(frozen=True)
class Attempt:
    """One reload: the new bundle when it loads and lints clean, else the problems."""

    bundle: Bundle | None
    problems: list[Problem] = field(default_factory=list)


def try_load(root: Path, declarations: PluginSet) -> Attempt:
    """Load and lint ``root``; only errors stop a bundle (warnings are the linter's business)."""
    try:
        bundle = load_bundle(root)
    except BundleLoadError as exc:
        return Attempt(None, list(exc.problems))
    problems = lint(bundle, declarations)
    if has_errors(problems):
        return Attempt(None, [p for p in problems if p.severity is Severity.ERROR])
    return Attempt(bundle)


@dataclass
class Reloader:
    """Wait for a change, then for a bundle worth running; report problems meanwhile."""

    root: Path
    declarations: PluginSet
    on_problems: Callable[[list[Problem]], None] = lambda problems: None
    interval: float = 0.5
    _seen: Snapshot = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._seen = snapshot(self.root)

    async def next_bundle(self) -> Bundle:
        """Return the next clean bundle once the files change (and have settled)."""
        while True:
            files = await self._changes()
            log.info("flows changed (%s): reloading", ", ".join(files[:5]) + (" …" if len(files) > 5 else ""))
            attempt = await asyncio.to_thread(try_load, self.root, self.declarations)
            if attempt.bundle is not None:
                return attempt.bundle
            log.warning(
                "the changed flows do not load or lint clean; the running ones stay:\n%s",
                "\n".join(str(p) for p in attempt.problems),
            )
            self.on_problems(attempt.problems)

    async def _changes(self) -> list[str]:
        """Files changed since the last look, once two looks in a row agree (an editor's save
        may write a file in several steps)."""
        while True:
            await asyncio.sleep(self.interval)
            now = await asyncio.to_thread(snapshot, self.root)
            if now == self._seen:
                continue
            await asyncio.sleep(self.interval)
            settled = await asyncio.to_thread(snapshot, self.root)
            if settled != now:
                continue  # still being written: look again
            files, self._seen = changed_files(self._seen, settled), settled
            return files


@dataclass
class PreviewReloader:
    """What the bot's loop sees (app.bot.serve_bundle): the next clean bundle, and a hook once
    it runs (the local preview redraws the open chats and shows the new graph there)."""

    reloader: Reloader
    on_started: Callable[[Runtime, bool], Awaitable[None]] | None = None
    _runs: int = 0

    async def next_bundle(self) -> Bundle:
        return await self.reloader.next_bundle()

    async def started(self, runtime: Runtime) -> None:
        """The bot serves ``runtime``: the first time at start, then after every reload."""
        self._runs += 1
        if self.on_started is not None:
            try:
                await self.on_started(runtime, self._runs > 1)
            except Exception:  # the preview's extras never stop the bot
                log.exception("the preview could not show the reloaded flows")
