"""The interpreter's promises, through Telegram: paging, guards, failing actions, restarts."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from tests.support.demo import Demo, write_demo_project
from tests.support.telegram import ADMIN_ID, running_bot, start_bot

ANNA = 1001


async def test_paging_through_generated_rows(pool: asyncpg.Pool, tmp_path: Path) -> None:
    async with running_bot(pool, write_demo_project(tmp_path), [Demo()]) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/start")
        assert chat.buttons()[:4] == ["Item 1", "Item 2", "Item 3", "engine next_page"]
        await chat.press("engine next_page")
        assert chat.buttons()[:5] == ["Item 4", "Item 5", "Item 6", "engine prev_page", "engine next_page"]
        await chat.press("Item 5")
        chat.expect("You chose 5")
        await chat.press("Back")
        assert chat.buttons()[0] == "Item 4"  # back to the page the user was on


async def test_exception_in_an_action_apologises_and_keeps_a_working_screen(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    async with running_bot(pool, write_demo_project(tmp_path), [Demo()]) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/start")
        await chat.press("Boom")
        message = chat.expect("engine internal_error", "Hello Anna")
        assert "Traceback" not in message.content
        await chat.press("Item 2")
        chat.expect("You chose 2")


async def test_guarded_screen_refused_to_a_forged_press_and_open_to_the_admin(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    async with running_bot(pool, write_demo_project(tmp_path), [Demo()]) as bot:
        anna, admin = bot.chat(ANNA), bot.chat(ADMIN_ID)
        await admin.send("/start")
        secret = admin.callback_data("Secret")
        await anna.send("/start")
        assert "Secret" not in anna.buttons()
        answer = await anna.press_data(secret, anna.last.message_id)
        assert answer == "engine stale"
        anna.expect("Hello Anna")
        await admin.press("Secret")
        admin.expect("Send me a text")


async def test_restart_mid_flow_continues(pool: asyncpg.Pool, tmp_path: Path) -> None:
    root = write_demo_project(tmp_path)
    async with running_bot(pool, root, [Demo()]) as first:
        chat = first.chat(ANNA)
        await chat.send("/start")
        await chat.press("Help")
        await first.stop()
        second = await start_bot(first.emulator, pool, root, [Demo()])
        try:
            await chat.send("shout this")
            chat.expect("Echo: SHOUT THIS")
            await chat.press("Back")
            chat.expect("Send me a text")
        finally:
            await second.stop()
