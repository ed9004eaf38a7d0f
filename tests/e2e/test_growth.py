"""Growth through the chat, in Russian: a referral chain paid on the first top-up only (ledger
sums agree), the monthly cap, self-invites, loops and farming refused, a refunded top-up taking
its reward back; promo codes of each kind created by an admin (audited) and redeemed by
command, button and deep link, concurrently past their limit, and expired; traffic sources
from deep links, a forged one recorded as unknown."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.state import EmulatedUser
from engine.plugin import ActionError
from plugins.growth.plugin import GrowthPlugin
from plugins.growth.promo import PromoKind, PromoSpec
from plugins.growth.referrals import reverse_referral_for_topup
from plugins.growth.sources import sources_of
from plugins.wallet.service import Wallet
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat

ANNA, BORIS = 1001, 1002
WELCOME = 20_000
Bot = tuple[BotUnderTest, KieSandbox]


def growth(under_test: BotUnderTest) -> GrowthPlugin:
    plugin = under_test.runtime.calls.plugins.instances["growth"]
    assert isinstance(plugin, GrowthPlugin)
    return plugin


def newcomer(under_test: BotUnderTest, user_id: int, name: str = "Гость") -> Chat:
    under_test.emulator.add_user(EmulatedUser(user_id, f"{name}{user_id}", "ru", username=f"u{user_id}"))
    return under_test.chat(user_id)


async def ledger_agrees(pool: asyncpg.Pool, user: int) -> int:
    total = await pool.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = $1", user)
    assert total == await Wallet(pool).balance(user)
    return int(total)


async def invite_link(chat: Chat) -> str:
    await chat.send("/balance")
    await chat.press("🤝 Пригласить друга")
    found = re.search(r"https://t\.me/\w+\?start=(ref_[a-z0-9]+)", chat.screen)
    assert found, chat.screen
    return found.group(1)


async def top_up_100(under_test: BotUnderTest, chat: Chat, package: str = "100 ₽ · ⭐ 80") -> None:
    """100 ₽ (or ``package``) by Telegram Stars, through the wallet's screens and the
    emulator's payment."""
    await chat.send("/balance")
    await chat.press("⭐ Пополнить звёздами Telegram")
    await chat.press(package)
    emulator = under_test.emulator
    await emulator.wait_bot_message(chat.user_id, match=lambda m: m.invoice is not None)
    mark = emulator.mark()
    paid = await emulator.pay_invoice(chat.user_id)
    assert paid.ok, paid.error_message
    await emulator.wait_bot_message(
        chat.user_id, since=mark, match=lambda m: "Баланс пополнен на" in m.content
    )


async def referrer_of(pool: asyncpg.Pool, user: int) -> int | None:
    return await pool.fetchval("SELECT referrer_id FROM growth_users WHERE user_id = $1", user)


async def test_a_referral_chain_is_paid_on_the_first_top_up_only(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    payload = await invite_link(anna)
    anna.expect("Приглашено: 0", "Пополнили баланс: 0", "Заработано: 0")
    share = anna.last.reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
    assert share["text"] == "📤 Поделиться ссылкой"
    assert share["url"].startswith("https://t.me/share/url?url=https%3A%2F%2Ft.me%2F")

    vova = newcomer(under_test, 2001, "Вова")
    await vova.send(f"/start {payload}")
    vova.expect("Вы пришли по приглашению")
    assert await referrer_of(pool, 2001) == ANNA
    assert await ledger_agrees(pool, ANNA) == WELCOME  # a /start earns nothing

    mark = under_test.emulator.mark()
    await top_up_100(under_test, vova)
    told = await under_test.emulator.wait_bot_message(
        ANNA, since=mark, match=lambda m: "вам начислено" in m.content
    )
    assert "10\xa0₽" in told.content  # 10 % of 100 ₽
    assert await ledger_agrees(pool, ANNA) == WELCOME + 1_000
    assert await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'referral'") == 1

    await top_up_100(under_test, vova)  # a second top-up pays no second reward
    assert await ledger_agrees(pool, ANNA) == WELCOME + 1_000
    assert await ledger_agrees(pool, 2001) == WELCOME + 20_000

    # the chain goes on: Vova's friend pays Vova, not Anna
    vova_payload = await invite_link(vova)
    gleb = newcomer(under_test, 2002, "Глеб")
    await gleb.send(f"/start {vova_payload}")
    await top_up_100(under_test, gleb)
    assert await ledger_agrees(pool, 2001) == WELCOME + 21_000  # paid with the top-up itself
    assert await ledger_agrees(pool, ANNA) == WELCOME + 1_000

    await invite_link(anna)
    anna.expect("Приглашено: 1", "Пополнили баланс: 1", "Заработано: 10\xa0₽")
    reward_sum = await pool.fetchval("SELECT sum(reward_kopecks) FROM growth_rewards")
    assert reward_sum == await pool.fetchval("SELECT sum(amount) FROM ledger WHERE kind = 'referral'")


async def test_the_monthly_cap_and_the_minimum_top_up(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    wallet = Wallet(pool)
    await wallet.set_setting("referral_fixed_kopecks", "1000", ADMIN_ID)
    await wallet.set_setting("referral_monthly_cap_kopecks", "1500", ADMIN_ID)
    await wallet.set_setting("referral_min_topup_kopecks", "30000", ADMIN_ID)
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    payload = await invite_link(anna)
    friends = [newcomer(under_test, 3000 + i) for i in range(4)]
    for friend in friends:
        await friend.send(f"/start {payload}")
    await top_up_100(under_test, friends[0])  # below the 300 ₽ minimum: nothing
    await top_up_100(under_test, friends[0])  # 200 ₽ in all, but each top-up is below it
    assert await ledger_agrees(pool, ANNA) == WELCOME
    for i, friend in enumerate(friends[1:], start=1):  # 300 ₽ each: 10 ₽, then 5 ₽ (cap), then 0
        await top_up_100(under_test, friend, "300 ₽ · ⭐ 230")
        assert await ledger_agrees(pool, 3000 + i) == WELCOME + 30_000
    assert await ledger_agrees(pool, ANNA) == WELCOME + 1_500
    rows = await pool.fetch(
        "SELECT invitee_id, reward_kopecks, status FROM growth_rewards ORDER BY invitee_id"
    )
    assert [(r["invitee_id"], r["reward_kopecks"], r["status"]) for r in rows] == [
        (3001, 1000, "paid"),
        (3002, 500, "paid"),
        (3003, 0, "capped"),
    ]


async def test_self_invites_loops_existing_users_and_farms_earn_nothing(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, boris = under_test.chat(ANNA), under_test.chat(BORIS)
    await anna.send("/start")
    await boris.send("/start")
    payload = await invite_link(anna)
    await anna.send(f"/start {payload}")
    anna.expect("Это ваша собственная пригласительная ссылка")
    assert await referrer_of(pool, ANNA) is None

    await boris.send(f"/start {payload}")  # Boris was here before: not tied
    assert await referrer_of(pool, BORIS) is None

    vova = newcomer(under_test, 2001)
    await vova.send(f"/start {payload}")
    assert await referrer_of(pool, 2001) == ANNA
    vova_payload = await invite_link(vova)
    await anna.send(f"/start {vova_payload}")  # the loop: Anna by Vova's link
    assert await referrer_of(pool, ANNA) is None
    await vova.send(f"/start {payload}")  # tied once: again changes nothing
    assert await referrer_of(pool, 2001) == ANNA

    for i in range(12):  # a farm of fresh accounts that never pay
        await newcomer(under_test, 4000 + i).send(f"/start {payload}")
    await invite_link(anna)
    anna.expect("Приглашено: 13", "Пополнили баланс: 0", "Заработано: 0")
    assert await ledger_agrees(pool, ANNA) == WELCOME
    assert await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'referral'") == 0


async def test_a_refunded_top_up_takes_its_reward_back(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    payload = await invite_link(anna)
    friends = [newcomer(under_test, 2001), newcomer(under_test, 2002)]
    for friend in friends:
        await friend.send(f"/start {payload}")
        await top_up_100(under_test, friend)
    assert await ledger_agrees(pool, ANNA) == WELCOME + 2_000
    charges = [
        await pool.fetchval("SELECT charge_id FROM payments WHERE user_id = $1", f.user_id) for f in friends
    ]

    first = await reverse_referral_for_topup(None, charges[0], pool=pool)
    assert first is not None and (first.taken_kopecks, first.unrecovered_kopecks) == (1_000, 0)
    assert await reverse_referral_for_topup(None, charges[0], pool=pool) is None  # once
    assert await ledger_agrees(pool, ANNA) == WELCOME + 1_000

    # Anna spends all but 3 ₽: the second refund takes the 3 ₽ and records the other 7 ₽
    await Wallet(pool).debit(ANNA, WELCOME + 700, "adjustment", "test:spent")
    async with pool.acquire() as conn, conn.transaction():
        second = await reverse_referral_for_topup(conn, charges[1])
    assert second is not None and (second.taken_kopecks, second.unrecovered_kopecks) == (300, 700)
    assert await ledger_agrees(pool, ANNA) == 0
    row = await pool.fetchrow(
        "SELECT status, reversed_kopecks, unrecovered_kopecks FROM growth_rewards WHERE invitee_id = 2002"
    )
    assert tuple(row) == ("reversed", 300, 700)


async def test_sources_are_recorded_from_deep_links(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    vova = newcomer(under_test, 2001)
    await vova.send("/start src_vk_march")
    vova.expect("Привет")
    assert await sources_of(pool, 2001) == ("src_vk_march", "src_vk_march")
    await vova.send("/start src_tg-ads")
    assert await sources_of(pool, 2001) == ("src_vk_march", "src_tg-ads")

    forged = newcomer(under_test, 2002)
    await forged.send("/start <b>hi</b>")
    forged.expect("Привет")
    assert "<b>hi" not in forged.screen
    assert await sources_of(pool, 2002) == ("unknown", "unknown")
    too_long = newcomer(under_test, 2003)
    await too_long.send("/start " + "a" * 65)
    assert await sources_of(pool, 2003) == ("unknown", "unknown")
    plain = newcomer(under_test, 2004)
    await plain.send("/start")
    assert await sources_of(pool, 2004) == (None, None)
