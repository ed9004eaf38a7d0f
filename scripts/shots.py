"""``python3 dev.py shots [folder]``: screenshots of the main screens in both languages, so a
reviewer sees the product without running it.

Starts the local bot (``main.py`` with no secrets: emulator, sandbox, and a fresh embedded
PostgreSQL in a temporary folder, or ``DATABASE_URL`` when set), opens the web chat in headless
Chromium as Anna (ru) and Boris (en), walks main menu → a category → a model card → the first
form step, then the wallet, the recipes and help, and saves ``<lang>-<nn>-<screen>.png`` in
``docs/shots/`` (or the folder given), plus the flow graph. Buttons are found by their texts
in the current locales, or by position where the list is data (tasks, models), so the walk
survives copy edits.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

from engine.loader.bundle import Bundle, load_bundle
from tests.support.cdp import CHROMIUM, Browser, Page
from tests.support.local_stack import PROJECT_ROOT, LocalStack

USERS = {"ru": 1001, "en": 1002}
LAST_BOT = "[...document.querySelectorAll('[data-testid=bot-message]')].pop()"
SIGNATURE = (
    "(() => { const m = [...document.querySelectorAll('[data-testid=bot-message]')];"
    " return m.length + ':' + (m.length ? m[m.length - 1].dataset.rev : ''); })()"
)


class Walk:
    def __init__(self, page: Page, bundle: Bundle, language: str, folder: Path) -> None:
        self.page, self.bundle, self.language, self.folder = page, bundle, language, folder
        self.count = 0

    def label(self, key: str) -> str:
        return self.bundle.render(key, self.language, {})

    async def _after(self, action: str) -> None:
        """Run ``action`` in the page and wait for the bot's answer to settle."""
        before = await self.page.evaluate(SIGNATURE)
        await self.page.evaluate(action)
        await self.page.wait_for(f"{SIGNATURE} !== {json.dumps(before)}", timeout=30)
        for _ in range(50):  # settled: no new message or edit for half a second
            current = await self.page.evaluate(SIGNATURE)
            await asyncio.sleep(0.5)
            if await self.page.evaluate(SIGNATURE) == current:
                return

    async def send(self, text: str) -> None:
        await self._after(
            f"fetch('/ui/chat/' + view.userId + '/text', {{method: 'POST', headers: {{'Content-Type':"
            f" 'application/json'}}, body: JSON.stringify({{text: {json.dumps(text)}}})}})"
        )

    async def press(self, text: str | None = None, index: int = 0) -> bool:
        """The button labelled ``text`` (or the ``index``-th one) of the last bot message."""
        find = f"[...{LAST_BOT}.querySelectorAll('[data-testid=inline-button]')]" + (
            f".find(b => b.textContent.trim() === {json.dumps(text.strip())})" if text else f"[{index}]"
        )
        if not await self.page.evaluate(f"!!{find}"):
            print(f"  ({self.language}) no button {text or index!r} here: skipped", flush=True)
            return False
        await self._after(f"{find}.click()")
        return True

    async def shot(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.language}-{self.count:02d}-{name}.png"
        await self.page.screenshot(path)
        print(
            f"  {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}", flush=True
        )


async def walk(browser: Browser, stack: LocalStack, bundle: Bundle, language: str, folder: Path) -> None:
    page = await browser.new_page()
    await page.goto(f"{stack.base_url}/#user={USERS[language]}")
    await page.wait_for("!!document.querySelector('[data-testid=chat-input]') && view.instance !== null")
    w = Walk(page, bundle, language, folder)
    await w.send("/start")
    await w.shot("main-menu")
    if await w.press(index=0):  # the first task: a category of models
        await w.shot("category")
        if await w.press(index=0):  # its first (cheapest) model
            await w.shot("model-card")
            if await w.press(w.label("catalog.start")):
                await w.shot("form-step")
    await w.send("/balance")
    await w.shot("wallet")
    await w.send("/start")
    if await w.press(w.label("main.recipes")):
        await w.shot("recipes")
    await w.send("/help")
    await w.shot("help")


async def main(argv: list[str]) -> int:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    folder = Path(argv[0]).resolve() if argv else PROJECT_ROOT / "docs" / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    bundle = load_bundle(PROJECT_ROOT)
    with tempfile.TemporaryDirectory(prefix="kfb-shots-") as tmp:
        stack = LocalStack(
            PROJECT_ROOT,
            os.environ.get("DATABASE_URL"),
            log=Path(tmp) / "main.log",
            DATA_DIR=str(Path(tmp) / "data"),
        )
        print("starting the local bot …", flush=True)
        try:
            async with stack, Browser() as browser:
                for language in USERS:
                    await walk(browser, stack, bundle, language, folder)
                page = await browser.new_page()
                await page.goto(f"{stack.base_url}/ui/graph")
                await page.call("Emulation.setDeviceMetricsOverride", {
                    "width": 1800, "height": 1100, "deviceScaleFactor": 1, "mobile": False,
                })  # fmt: skip
                await page.screenshot(folder / "flow-graph.png")
                print(f"  {folder / 'flow-graph.png'}", flush=True)
        except Exception:
            print(stack.tail(), file=sys.stderr)
            raise
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
