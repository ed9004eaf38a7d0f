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
    await anna.send("/balance")
    await anna.press("📜 Операции")
    anna.expect("+10\xa0₽ · бонус за приглашение")
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


# ---------------------------------------------------------------------------------- promo codes
async def create_code(admin: Chat, kind_button: str, line: str) -> None:
    await admin.send("/admin")
    await admin.press("🎟 Промокоды")
    await admin.press("➕ Новый промокод")
    await admin.press(kind_button)
    await admin.send(line)


async def audited(pool: asyncpg.Pool, action: str, code: str) -> int:
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM admin_audit WHERE action = $1 AND subject = $2 AND admin_id = $3",
            action,
            code,
            ADMIN_ID,
        )
    )


async def test_a_bonus_code_by_command_and_button_up_to_its_limit(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    admin, anna = under_test.chat(ADMIN_ID), under_test.chat(ANNA)
    await create_code(admin, "💰 Бонус на баланс", "SPRING 150")
    admin.expect("Не получилось разобрать строку")
    await admin.press("✏️ Попробовать ещё раз")
    await admin.send("spring 150 2 30")
    admin.expect("Промокод SPRING", "Бонус на баланс: 150\xa0₽", "Активаций: 0 из 2", "Активаций пока нет")
    assert await audited(pool, "promo_create", "SPRING") == 1

    await anna.send("/start")
    await anna.send("/promo spring")
    anna.expect("Промокод SPRING активирован", "На баланс зачислено 150\xa0₽", "Ваш баланс: 350")
    await anna.press("📜 Операции")
    anna.expect("+150\xa0₽ · промокод")
    await anna.send("/promo SPRING")
    anna.expect("Вы уже активировали этот промокод")
    assert await ledger_agrees(pool, ANNA) == WELCOME + 15_000

    vova = newcomer(under_test, 2001)
    await vova.send("/start")
    await vova.send("/balance")
    await vova.press("🎟 Промокод")
    await vova.send("Spring")
    vova.expect("Промокод SPRING активирован")
    await vova.press("💰 К балансу")
    vova.expect("Ваш баланс: 350")
    gleb = newcomer(under_test, 2002)
    await gleb.send("/start promo_SPRING")
    gleb.expect("Промокод закончился", "Привет")
    await gleb.send("/promo NOSUCH")
    gleb.expect("Такого промокода нет")
    assert await ledger_agrees(pool, 2002) == WELCOME

    await admin.send("/admin")
    await admin.press("🎟 Промокоды")
    await admin.press("✅ SPRING · 2/2")
    admin.expect("Активаций: 2 из 2", "Обошёлся в: 300\xa0₽", "1001", "2001")
    await admin.press("⛔ Отключить")
    admin.expect("⛔ отключён")
    assert await audited(pool, "promo_disable", "SPRING") == 1
    dima = newcomer(under_test, 2003)
    await dima.send("/promo SPRING")
    dima.expect("Этот промокод больше не действует")
    promo_total = await pool.fetchval("SELECT sum(amount) FROM ledger WHERE kind = 'promo'")
    assert promo_total == 30_000


async def test_a_percentage_code_pays_on_the_next_top_up_once(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    admin, anna = under_test.chat(ADMIN_ID), under_test.chat(ANNA)
    await create_code(admin, "➕ Процент к следующему пополнению", "PLUS20 20 15 5 14")
    admin.expect("Промокод PLUS20", "+20% к следующему пополнению, не больше 15\xa0₽")
    await anna.send("/start promo_plus20")
    anna.expect("Промокод PLUS20 активирован", "добавим 20% (не больше 15\xa0₽)")
    assert await ledger_agrees(pool, ANNA) == WELCOME  # nothing before a top-up
    await top_up_100(under_test, anna)
    assert await ledger_agrees(pool, ANNA) == WELCOME + 10_000 + 1_500  # 20 ₽ capped at 15 ₽
    await top_up_100(under_test, anna)
    assert await ledger_agrees(pool, ANNA) == WELCOME + 20_000 + 1_500
    await admin.send("/admin")
    await admin.press("🎟 Промокоды")
    await admin.press("✅ PLUS20 · 1/5")
    admin.expect("Обошёлся в: 15\xa0₽")


def _model_named(name: str) -> str:
    from tests.e2e.test_generation import BUNDLE

    return next(m.entry.id for m in BUNDLE.models.values() if m.entry.name.ru == name)


async def test_a_free_runs_code_makes_one_order_free_and_is_returned_on_failure(
    bot: Bot, pool: asyncpg.Pool
) -> None:
    from emulators.kie.faults import TaskFault
    from tests.e2e.test_generation import NEXT, answer_until_summary, cheapest

    under_test, sandbox = bot
    admin, anna = under_test.chat(ADMIN_ID), under_test.chat(ANNA)
    name = cheapest("image_to_video", "image-to-video", True)
    model = _model_named(name)
    await create_code(admin, "🎁 Бесплатные запуски модели", f"TRY1 {model} 1 5 7")
    admin.expect("Промокод TRY1", f"Бесплатных запусков {model}: 1")
    await anna.send("/start promo_TRY1")
    anna.expect("Промокод TRY1 активирован", f"Бесплатных запусков модели {model}: 1")

    async def order() -> None:
        await anna.send("/start")
        await anna.press_containing("Оживить фото", NEXT)
        await anna.press_containing(name, NEXT)
        await anna.press("▶️ Начать")
        await answer_until_summary(anna)

    sandbox.faults.task(TaskFault.failed("500", "Internal error"), times=1)
    await order()
    anna.expect("🆓 Бесплатно — осталось бесплатных запусков: 1")
    mark = under_test.emulator.mark()
    await anna.press("✅ Подтвердить")
    await under_test.emulator.wait_bot_message(
        ANNA, since=mark, timeout=20, match=lambda m: "генерация не удалась" in m.content
    )
    returned = "SELECT runs_left FROM promo_redemptions WHERE code = 'TRY1' AND user_id = $1"
    assert await pool.fetchval(returned, ANNA) == 1  # the failed order gave its run back
    assert await ledger_agrees(pool, ANNA) == WELCOME

    await order()
    anna.expect("🆓 Бесплатно")
    mark = under_test.emulator.mark()
    await anna.press("✅ Подтвердить")
    await under_test.emulator.wait_bot_message(
        ANNA, since=mark, timeout=20, match=lambda m: m.media_kind is not None
    )
    assert await pool.fetchval(returned, ANNA) == 0
    assert await ledger_agrees(pool, ANNA) == WELCOME  # free: nothing was charged
    await order()
    anna.expect("Стоимость:")  # no runs left: the next one is paid
    code = await growth(under_test).codes.get("TRY1")
    assert code is not None and code.cost_kopecks > 0  # what the free run was worth


async def test_redeemed_concurrently_past_the_limit_exactly_the_limit_succeeds(
    bot: Bot, pool: asyncpg.Pool
) -> None:
    under_test, _ = bot
    codes = growth(under_test).codes
    later = datetime.now(UTC) + timedelta(days=1)
    await codes.create(
        ADMIN_ID,
        PromoSpec(code="RUSH", kind=PromoKind.BONUS, amount_kopecks=5_000, max_uses=3, expires_at=later),
    )
    users = list(range(5000, 5020))
    outcomes = await asyncio.gather(*(codes.redeem(u, "RUSH") for u in users), return_exceptions=True)
    won = [u for u, o in zip(users, outcomes, strict=True) if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, ActionError)]
    assert len(won) == 3 and len(refused) == 17
    assert {e.text_key for e in refused} == {"growth.promo.used_up"}
    assert (await codes.get("RUSH")).used == 3  # type: ignore[union-attr]
    for u in users:
        assert await ledger_agrees(pool, u) == (5_000 if u in won else 0)

    # one user, the same code from five devices at once: counted once
    await codes.create(
        ADMIN_ID,
        PromoSpec(code="TWICE", kind=PromoKind.BONUS, amount_kopecks=5_000, max_uses=100, expires_at=later),
    )
    outcomes = await asyncio.gather(*(codes.redeem(6000, "TWICE") for _ in range(5)), return_exceptions=True)
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert await ledger_agrees(pool, 6000) == 5_000


async def test_expired_and_new_users_only_codes_are_refused(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    codes = growth(under_test).codes
    anna = under_test.chat(ANNA)
    await anna.send("/start")
    now = datetime.now(UTC)
    await codes.create(
        ADMIN_ID,
        PromoSpec(
            code="OLD",
            kind=PromoKind.BONUS,
            amount_kopecks=5_000,
            max_uses=9,
            expires_at=now - timedelta(seconds=1),
        ),
    )
    await codes.create(
        ADMIN_ID,
        PromoSpec(
            code="FRESH",
            kind=PromoKind.BONUS,
            amount_kopecks=5_000,
            max_uses=9,
            expires_at=now + timedelta(days=1),
            new_users_only=True,
        ),
    )
    await anna.send("/promo OLD")
    anna.expect("Срок действия промокода истёк")
    await anna.send("/promo FRESH")
    anna.expect("только для новых пользователей")
    assert await ledger_agrees(pool, ANNA) == WELCOME
    vova = newcomer(under_test, 2001)
    await vova.send("/start promo_FRESH")  # a newcomer's very first message
    vova.expect("Промокод FRESH активирован")
    assert await ledger_agrees(pool, 2001) == WELCOME + 5_000


async def test_the_referrer_is_told_in_their_language(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    boris = under_test.chat(BORIS)  # writes in English
    await boris.send("/start")
    await boris.send("/balance")
    await boris.press("🤝 Invite a friend")
    found = re.search(r"\?start=(ref_[a-z0-9]+)", boris.screen)
    assert found, boris.screen
    boris.expect("Your link", "Invited: 0")
    vova = newcomer(under_test, 2001)
    await vova.send(f"/start {found.group(1)}")
    mark = under_test.emulator.mark()
    await top_up_100(under_test, vova)
    told = await under_test.emulator.wait_bot_message(
        BORIS, since=mark, match=lambda m: "you received" in m.content
    )
    assert "10\xa0₽" in told.content
    assert await ledger_agrees(pool, BORIS) == WELCOME + 1_000
    told_once = "SELECT count(*) FROM growth_rewards WHERE notified_at IS NOT NULL"
    assert await pool.fetchval(told_once) == 1
