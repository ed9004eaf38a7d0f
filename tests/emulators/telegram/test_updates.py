"""Receiving updates: long polling with offsets, webhooks, conflicts and redelivery."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

from emulators.telegram import EmulatedGroup, TelegramEmulator
from tests.support.waiting import until

ANNA, BORIS = 1001, 1002


async def test_long_poll_returns_as_soon_as_a_user_writes(bot: Bot, emulator: TelegramEmulator) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await until(lambda: emulator.polls_waiting == 1, what="the poll is held")
    assert not poll.done()
    await emulator.send_text(ANNA, "/start ref_42")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 5
    [update] = updates
    message = update.message
    assert message is not None and message.text == "/start ref_42"
    assert message.from_user is not None and message.from_user.language_code == "ru"
    assert message.chat.type == "private" and message.chat.id == ANNA
    assert [(e.type, e.offset, e.length) for e in message.entities or []] == [("bot_command", 0, 6)]


async def test_empty_poll_times_out_with_no_updates(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.8 < time.monotonic() - started < 3


async def test_offsets_confirm_and_drop_older_updates(bot: Bot, emulator: TelegramEmulator) -> None:
    for text in ("one", "two", "three"):
        await emulator.send_text(ANNA, text)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["one", "two", "three"]
    ids = [u.update_id for u in first]
    assert ids == sorted(ids) and len(set(ids)) == 3
    # without a new offset the same updates come again
    assert [u.update_id for u in await bot.get_updates()] == ids
    # confirming the second drops the first for good
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(offset=ids[0])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == ids[1:2]
    assert await bot.get_updates(offset=ids[-1] + 1) == []
    assert emulator.pending_updates == []


async def test_negative_offset_keeps_only_the_newest(bot: Bot, emulator: TelegramEmulator) -> None:
    for text in ("a", "b", "c"):
        await emulator.send_text(ANNA, text)
    assert [u.message.text for u in await bot.get_updates(offset=-1) if u.message] == ["c"]
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["c"]


async def test_callback_query_update_carries_message_and_data(bot: Bot, emulator: TelegramEmulator) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Models", callback_data="m:1")]]
    )
    sent = await bot.send_message(BORIS, "Menu", reply_markup=markup)
    query_id = await emulator.press(BORIS, "Models")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "m:1"
    assert query.from_user.id == BORIS and query.from_user.language_code == "en"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.chat_instance


async def test_allowed_updates_filter_new_updates(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await emulator.send_text(ANNA, "ignored")
    await bot.send_message(
        ANNA,
        "m",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x")]]
        ),
    )
    await emulator.press(ANNA, "x")
    updates = await bot.get_updates()
    assert [u.event_type for u in updates] == ["callback_query"]
    await bot.get_updates(allowed_updates=[])  # back to the default set
    await emulator.send_text(ANNA, "seen")
    assert [u.event_type for u in await bot.get_updates(offset=updates[-1].update_id + 1)] == ["message"]


async def test_get_updates_conflicts_with_webhook(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.set_webhook("https://bot.example.com/hook")
    with pytest.raises(TelegramConflictError) as error:
        await bot.get_updates()
    assert "can't use getUpdates method while webhook is active" in error.value.message
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.com/hook"
    await emulator.send_text(ANNA, "queued")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["queued"]


async def test_delete_webhook_can_drop_pending(bot: Bot, emulator: TelegramEmulator) -> None:
    await emulator.send_text(ANNA, "old")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


async def test_second_poller_terminates_the_first(bot: Bot, emulator: TelegramEmulator) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await until(lambda: emulator.polls_waiting == 1, what="the first poll is held")
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)
    assert await second == []


async def test_plain_http_webhook_must_be_local(bot: Bot) -> None:
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="HTTPS URL must be provided"):
        await bot.set_webhook("http://bot.example.com/hook")


@pytest.fixture
async def webhook_receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]], list[str | None]]]:
    """A local HTTP endpoint recording what the emulator posts to it; answers the first
    update with a sendMessage in the response body, as aiogram's webhook handler can."""
    received: list[dict[str, Any]] = []
    secrets_seen: list[str | None] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        secrets_seen.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if len(received) == 1:
            return web.json_response(
                {"method": "sendMessage", "chat_id": ANNA, "text": "answered in the reply"}
            )
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/hook", received, secrets_seen
    finally:
        await runner.cleanup()


async def test_webhook_delivery_secret_and_reply_method(
    bot: Bot, emulator: TelegramEmulator, webhook_receiver: tuple[str, list[dict[str, Any]], list[str | None]]
) -> None:
    url, received, secrets_seen = webhook_receiver
    await bot.set_webhook(url, secret_token="s3cret")
    await emulator.send_text(ANNA, "/start")
    reply = await emulator.wait_bot_message(ANNA)
    assert reply.text == "answered in the reply"
    assert received[0]["message"]["text"] == "/start" and secrets_seen == ["s3cret"]
    # a redelivered update reaches the webhook again with the same update_id
    again = await emulator.redeliver_last_update()
    await emulator.wait_for(lambda: len(received) == 2)
    assert received[1]["update_id"] == again["update_id"] == received[0]["update_id"]
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_failing_webhook_keeps_update_pending(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.set_webhook("http://127.0.0.1:9/nothing-listens-here")
    await emulator.send_text(ANNA, "lost?")
    info = await emulator.wait_for(lambda: emulator.state.updates.webhook_info().get("last_error_message"))
    assert info
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["lost?"]


async def test_redelivery_over_polling_reaches_the_bot_again(bot: Bot, emulator: TelegramEmulator) -> None:
    await emulator.send_text(ANNA, "pay me once")
    [first] = await bot.get_updates()
    await bot.get_updates(offset=first.update_id + 1)
    await emulator.redeliver_last_update()
    [again] = await bot.get_updates(offset=first.update_id + 1)
    assert again.message is not None and first.message is not None
    assert again.message.message_id == first.message.message_id and again.message.text == "pay me once"


async def test_groups_and_channels_deliver_as_telegram_does() -> None:
    async with TelegramEmulator() as emulator:
        emulator.add_group(EmulatedGroup(-100777, "Team", "supergroup"))
        emulator.add_group(EmulatedGroup(-100888, "News", "channel"))
        await emulator.send_group_text(-100777, 1001, "/start@kie_flow_bot")
        await emulator.send_group_text(-100888, 9001, "post")
        group_update, channel_update = emulator.pending_updates
        message = group_update["message"]
        assert message["chat"] == {"id": -100777, "type": "supergroup", "title": "Team"}
        assert message["from"]["id"] == 1001
        post = channel_update["channel_post"]
        assert "from" not in post and post["sender_chat"]["type"] == "channel"
        bot = emulator.make_bot()
        try:
            sent = await bot.send_message(-100777, "hello group")
        finally:
            await bot.session.close()
        assert sent.chat.type == "supergroup"
        assert [m.content for m in emulator.bot_messages(-100777)] == ["hello group"]
