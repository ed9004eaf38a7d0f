"""The local preview as an editor uses it: ``python main.py`` from a copy of the project, the
web chat open in headless Chromium. Editing a text shows up in the open page without a restart
or a reload; a broken file shows a banner with its location (the old flows keep running) that
goes when the file is fixed; after the bot restarts, the same page works again by itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.cdp import CHROMIUM, Browser
from tests.support.local_stack import LocalStack, copy_project

ANNA = 1001
BOT_TEXTS = "[...document.querySelectorAll('[data-testid=bot-message]')].map(m => m.textContent)"
BANNER = "document.querySelector('[data-testid=preview-banner]')"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")


def shown(text: str) -> str:
    return f"{BOT_TEXTS}.some(t => t.includes({text!r}))"


async def test_edits_reload_into_the_open_page_errors_show_and_a_restart_reconnects(
    database_dsn: str, tmp_path: Path
) -> None:
    root = copy_project(tmp_path / "project")
    greeting = root / "locales" / "ru.yaml"
    async with LocalStack(root, database_dsn) as stack, Browser() as browser:
        page = await browser.new_page()
        await page.goto(f"{stack.base_url}/#user={ANNA}")
        await page.wait_for("!!document.querySelector('[data-testid=chat-input]')")
        await page.type("[data-testid=chat-input]", "/start")
        await page.press_enter()
        await page.wait_for(shown("Привет, Anna!"), timeout=30)

        # an editor changes a text: the open screen is redrawn with it, nothing pressed
        text = greeting.read_text()
        assert "Привет, {{ user.first_name }}!" in text
        greeting.write_text(
            text.replace("Привет, {{ user.first_name }}!", "Здравствуйте, {{ user.first_name }}!")
        )
        await page.wait_for(shown("Здравствуйте, Anna!"), timeout=30)
        assert not await page.evaluate(shown("Привет, Anna!"))

        # a broken file: a banner names it with its line; the chat keeps the last good flows
        broken = root / "flows" / "broken.yaml"
        broken.write_text("screens:\n  oops:\n    text: [unclosed\n")
        await page.wait_for(f"!{BANNER}.hidden", timeout=30)
        banner = await page.evaluate(f"{BANNER}.textContent")
        assert re.search(r"flows/broken\.yaml:\d+:\d+ LOAD001 YAML syntax error", banner), banner
        buttons = "[...document.querySelectorAll('[data-testid=inline-button]')]"
        await page.evaluate(f"{buttons}.find(b => b.textContent === '❓ Помощь').click()")
        await page.wait_for(shown("Выберите задачу, затем модель"), timeout=30)
        broken.unlink()
        await page.wait_for(f"{BANNER}.hidden", timeout=30)

        # the flow graph is there, drawn from the running flows
        await page.click("[data-testid=graph-button]")
        graph = "document.getElementById('graph-frame').contentDocument"
        start = "a[href='#screen-main.start']"
        await page.wait_for(f'!!({graph} && {graph}.querySelector("svg {start}"))', timeout=15)
        await page.click("#graph-close")

        # the bot restarts: the same page (not reloaded) reconnects and talks to the new one
        await page.evaluate("window.notReloaded = true")
        await stack.restart()
        await page.wait_for("document.querySelectorAll('[data-testid=bot-message]').length === 0", timeout=30)
        await page.wait_for(
            "document.querySelector('[data-testid=status]').textContent === 'bot'", timeout=30
        )
        await page.type("[data-testid=chat-input]", "/start")
        await page.press_enter()
        await page.wait_for(shown("Здравствуйте, Anna!"), timeout=30)
        assert await page.evaluate("window.notReloaded === true")
