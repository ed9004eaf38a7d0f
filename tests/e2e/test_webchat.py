"""The product in a browser: the web chat page, the real bot, a person's clicks."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from tests.support.cdp import CHROMIUM, Browser
from tests.support.telegram import running_bot

ANNA = 1001
BOT_TEXTS = "[...document.querySelectorAll('[data-testid=bot-message]')].map(m => m.textContent)"


async def test_a_person_opens_the_chat_presses_a_button_and_sees_the_next_screen(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    async with running_bot(pool) as bot, Browser() as browser:
        page = await browser.new_page()
        await page.goto(f"{bot.emulator.base_url}/#user={ANNA}")
        await page.wait_for("!!document.querySelector('[data-testid=chat-input]')")
        await page.type("[data-testid=chat-input]", "/start")
        await page.press_enter()
        await page.wait_for(f"{BOT_TEXTS}.some(t => t.includes('Привет, Anna!'))")
        buttons = "[...document.querySelectorAll('[data-testid=inline-button]')]"
        await page.evaluate(f"{buttons}.find(b => b.textContent === '❓ Помощь').click()")
        await page.wait_for(f"{BOT_TEXTS}.some(t => t.includes('Выберите задачу, затем модель'))")
        await page.screenshot(tmp_path / "webchat.png")
        assert (tmp_path / "webchat.png").stat().st_size > 10_000
        await page.evaluate(f"{buttons}.find(b => b.textContent === '🏠 В меню').click()")
        await page.wait_for(f"{buttons}.some(b => b.textContent.includes('Картинки, баннеры'))")
        await page.screenshot(Path("/tmp/webchat-product.png"))
