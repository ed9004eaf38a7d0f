"""The bot keeps to private chats and to its own commands: no screen ever shows in a group or
a channel, and ``/cmd@otherbot`` is another bot's business."""

from __future__ import annotations

import asyncpg

from emulators.telegram import EmulatedGroup
from tests.support.telegram import ADMIN_ID, BotUnderTest, running_bot

ANNA = 1001
GROUP = EmulatedGroup(-1001234567890, "Marketing team", "supergroup")
SMALL_GROUP = EmulatedGroup(-4242, "Friends")
CHANNEL = EmulatedGroup(-1009876543210, "News", "channel")
OURS = "kie_flow_bot"  # the emulator's bot username


async def settle(bot: BotUnderTest) -> None:
    emulator = bot.emulator
    await emulator.wait_for(lambda: not emulator.pending_updates, timeout=10)
    await emulator.wait_idle(quiet=0.3, timeout=10)


async def test_admin_in_a_group_gets_one_line_and_never_a_screen(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        emulator = bot.emulator
        for group in (GROUP, SMALL_GROUP):
            emulator.add_group(group)
            for text in ("/admin", f"/start@{OURS}", "hello bot", "/start@otherbot"):
                await emulator.send_group_text(group.id, ADMIN_ID, text)
            await settle(bot)
            replies = emulator.bot_messages(group.id)
            assert len(replies) == 2, [m.content for m in replies]
            for reply in replies:
                assert reply.content == f"Я работаю только в личном чате: откройте @{OURS}."
                assert not reply.reply_markup
        assert not emulator.bot_messages(ADMIN_ID)  # nothing leaked into a private chat


async def test_a_press_on_a_group_message_is_answered_without_a_screen(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        emulator = bot.emulator
        emulator.add_group(GROUP)
        await emulator.send_group_text(GROUP.id, ANNA, "/start")
        note = await emulator.wait_bot_message(GROUP.id, timeout=10)
        query = await emulator.press_data(ANNA, "main.start:1:b0.0", note.message_id, chat_id=GROUP.id)
        answer = await emulator.wait_callback_answer(query, timeout=10)
        assert answer.text is not None and "личном чате" in answer.text
        await settle(bot)
        assert len(emulator.bot_messages(GROUP.id)) == 1
        assert not emulator.bot_messages(ANNA)


async def test_a_channel_post_gets_nothing(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        emulator = bot.emulator
        emulator.add_group(CHANNEL)
        await emulator.send_group_text(CHANNEL.id, ADMIN_ID, "/admin")
        await settle(bot)
        assert not emulator.bot_messages(CHANNEL.id)


async def test_commands_for_another_bot_are_ignored_and_ours_work(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        emulator = bot.emulator
        await emulator.send_text(ANNA, "/start@otherbot")
        await emulator.send_text(ANNA, "/help@OtherBot")
        await settle(bot)
        assert not emulator.bot_messages(ANNA)
        chat = bot.chat(ANNA)
        await chat.send(f"/start@{OURS}")
        chat.expect("Привет, Anna!")
        await chat.send("/help@Kie_Flow_Bot")  # usernames ignore case
        chat.expect("Помощь")
        assert len(emulator.bot_messages(ANNA)) == 2
