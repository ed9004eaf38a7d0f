"""The crashes that used to follow a second press, a re-rendered screen or a repeated form:
each path now ends on a working screen — the right one, with its parameters — and money and
jobs move exactly once."""

from __future__ import annotations

import asyncpg

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.transcript import ChatMessage
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import NEXT, answer_until_summary, cheapest, png
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat

ANNA = 1001
WELCOME = 20_000
STALE = "Это меню устарело"
CRASH = "код ошибки"


def message(under_test: BotUnderTest, user: int, message_id: int) -> ChatMessage:
    """A message as it reads now (edits included)."""
    return next(m for m in under_test.emulator.bot_messages(user) if m.message_id == message_id)


def no_crash(under_test: BotUnderTest, *users: int) -> None:
    for user in users:
        for message in under_test.emulator.bot_messages(user):
            assert CRASH not in message.content, message.content
    assert under_test.runtime.stats["errors"] == 0


async def _to_summary(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press_containing("Картинки, баннеры", NEXT)
    await chat.press_containing(cheapest("images", "text-to-image"), NEXT)
    await chat.press("▶️ Начать")
    await answer_until_summary(chat)


async def _generate(under_test: BotUnderTest, chat: Chat) -> None:
    await _to_summary(chat)
    await chat.press("✅ Подтвердить")
    await under_test.emulator.wait_bot_message(
        chat.user_id, timeout=20, match=lambda m: m.media_kind is not None
    )


async def test_showing_a_receipts_file_keeps_the_receipt_on_screen(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await Wallet(pool).set_setting("bank_details", "р/с 40702810000000000001", ADMIN_ID)
    await anna.send("/balance")
    await anna.press("🧾 Пополнить переводом (по чеку)")
    await anna.send("1500")
    await anna.send_photo(png(), "receipt.png")
    await admin.send("/admin")
    await admin.press("🧾 Чеки на проверке")
    await admin.press_containing("1\xa0500")
    receipt = admin.last.message_id
    await admin.press("📎 Показать файл")
    await under_test.emulator.wait_bot_message(ADMIN_ID, match=lambda m: m.media_kind is not None)
    shown = message(under_test, ADMIN_ID, receipt)
    assert "Заявлено: 1\xa0500" in shown.content  # redrawn with its receipt, not a crash
    approve = admin.callback_data("✅ Подтвердить", shown)
    await admin.press("✅ Подтвердить", receipt)
    assert "подтверждён" in message(under_test, ADMIN_ID, receipt).content
    # the same button again, on the message that showed it: out of date, nothing runs twice
    answer = await admin.press_data(approve, receipt)
    assert answer is not None and STALE in answer
    assert "подтверждён" in message(under_test, ADMIN_ID, receipt).content
    assert await Wallet(pool).balance(ANNA) == WELCOME + 150_000
    no_crash(under_test, ANNA, ADMIN_ID)


async def test_a_second_confirm_is_out_of_date_and_charges_once(
    bot: tuple[BotUnderTest, KieSandbox], pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await _to_summary(chat)
    confirm = chat.callback_data("✅ Подтвердить")
    cancel = chat.callback_data("✖️ Отмена")
    summary = chat.last.message_id
    await chat.press("✅ Подтвердить")
    assert "Заказ принят" in message(under_test, ANNA, summary).content
    answer = await chat.press_data(confirm, summary)  # a double tap
    assert answer is not None and STALE in answer
    assert "Заказ принят" in message(under_test, ANNA, summary).content
    answer = await chat.press_data(cancel, summary)  # cancel after confirming
    assert answer is not None and STALE in answer
    jobs = await pool.fetchval("SELECT count(*) FROM jobs WHERE user_id = $1", ANNA)
    assert jobs == 1
    held = await pool.fetchval("SELECT coalesce(sum(amount), 0) FROM holds WHERE user_id = $1", ANNA)
    assert await Wallet(pool).balance(ANNA) == WELCOME - held  # one order, paid once
    no_crash(under_test, ANNA)


async def test_back_and_cancel_on_a_repeated_forms_summary(bot: tuple[BotUnderTest, KieSandbox]) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await _generate(under_test, chat)
    await chat.press("🔁 Ещё раз")
    chat.expect("Проверьте параметры")
    await chat.press("✖️ Отмена")
    chat.expect("Цена: ")  # the model's card
    card_name = chat.screen.splitlines()[0]

    await chat.press("🕘 История")
    await chat.press_containing("✅")
    await chat.press("🔁 Повторить")
    chat.expect("Проверьте параметры")
    await chat.press("◀️ Назад")  # back into the last step
    assert "Проверьте параметры" not in chat.screen
    await chat.press("✖️ Отмена")
    assert chat.screen.splitlines()[0] == card_name

    result = next(m for m in reversed(under_test.emulator.bot_messages(ANNA)) if m.media_kind is not None)
    await under_test.emulator.press(ANNA, "✏️ Изменить параметры", result.message_id)
    await under_test.emulator.wait_for(lambda: "Проверьте параметры" in chat.screen)
    await chat.press("✖️ Отмена")
    assert chat.screen.splitlines()[0] == card_name
    no_crash(under_test, ANNA)


async def test_language_change_and_back_keep_a_screens_parameters(
    bot: tuple[BotUnderTest, KieSandbox],
) -> None:
    under_test, _ = bot
    chat = under_test.chat(ANNA)
    await chat.send("/start")
    await chat.press_containing("Картинки, баннеры", NEXT)
    model = await chat.press_containing(cheapest("images", "text-to-image"), NEXT)
    card = chat.screen
    await chat.press("▶️ Начать")
    await chat.press("✖️ Отмена")
    assert chat.screen == card
    await chat.send("/help")
    await chat.press("◀️ Назад")
    assert chat.screen == card, model
    no_crash(under_test, ANNA)
