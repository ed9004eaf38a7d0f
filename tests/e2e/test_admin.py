"""The admin console through the chat, in Russian: finding a user, adjusting a balance,
refunding a job once, blocking, roles (a support admin refused an owner's screen and action,
also by a forged callback), the audit log showing each, and a crawl of the admin screens."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.state import EmulatedUser
from engine.plugin import ActionError
from plugins.admin.plugin import AdminPlugin
from plugins.admin.views import GrantArgs
from plugins.wallet.service import Wallet
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat

ANNA = 1001
VERA = 1003  # becomes a support admin; writes in Russian
WELCOME = 20_000

Bot = tuple[BotUnderTest, KieSandbox]


def admin_plugin(under_test: BotUnderTest) -> AdminPlugin:
    plugin = under_test.runtime.calls.plugins.instances["admin"]
    assert isinstance(plugin, AdminPlugin)
    return plugin


async def open_card(admin: Chat, query: str) -> None:
    await admin.send("/admin")
    await admin.press("👤 Пользователи")
    await admin.send(query)


async def ledger_agrees(pool: asyncpg.Pool, user: int) -> int:
    total = await pool.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = $1", user)
    assert total == await Wallet(pool).balance(user)
    return int(total)


async def charged_job(pool: asyncpg.Pool, user: int, price: int) -> str:
    """A finished generation whose price was reserved and captured, as the runner leaves it."""
    job_id = str(uuid.uuid4())
    await pool.execute(
        "INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, state, settled,"
        " delivered, deadline_at, finished_at) VALUES ($1, $2, $2, 'google/nano-banana', '{}',"
        " $3, 'succeeded', true, true, $4, now())",
        uuid.UUID(job_id),
        user,
        price,
        datetime.now(UTC) + timedelta(minutes=5),
    )
    wallet = Wallet(pool)
    await wallet.reserve(user, job_id, price, note="Nano Banana")
    assert await wallet.capture(job_id)
    return job_id


async def test_find_a_user_by_id_username_and_forward(bot: Bot) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    for query in (str(ANNA), "@anna", "ANNA"):
        await open_card(admin, query)
        admin.expect("Anna @anna · id 1001", "Баланс: 200\xa0₽", "Не заблокирован")
    await open_card(admin, "@nobody_here")
    admin.expect("Не нашёл «@nobody_here»")
    mark = under_test.emulator.mark()
    await under_test.emulator.forward_from(ADMIN_ID, ANNA, "помогите, не пришла картинка", "Anna")
    await under_test.emulator.wait_bot_message(ADMIN_ID, since=mark, match=lambda m: "id 1001" in m.content)
    admin.expect("Баланс: 200\xa0₽")


async def test_adjust_the_balance_with_a_reason_and_a_confirm(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await open_card(admin, "@anna")
    await admin.press("💰 Изменить баланс")
    await admin.send("сколько-то")
    admin.expect("Не понял сумму")
    await admin.send("-500")
    admin.expect("Теперь напишите причину")
    await admin.send("компенсация за сбой")
    admin.expect("Сумма: −500\xa0₽", "Баланс сейчас: 200\xa0₽", "Баланс после: −300\xa0₽")
    await admin.press("✅ Провести")
    admin.expect("Не получилось", "На балансе только 200\xa0₽")
    assert await ledger_agrees(pool, ANNA) == WELCOME

    await admin.press("👤 Карточка пользователя")
    await admin.press("💰 Изменить баланс")
    await admin.send("+150,50")
    await admin.send("компенсация за сбой")
    admin.expect("Баланс сейчас: 200\xa0₽", "Баланс после: 350,50\xa0₽")
    confirm = admin.last.message_id
    data = admin.callback_data("✅ Провести")
    await admin.press("✅ Провести")
    admin.expect("был 200\xa0₽, стал 350,50\xa0₽")
    await admin.press_data(data, confirm)  # a second press on the same confirm
    assert await ledger_agrees(pool, ANNA) == WELCOME + 15_050
    kinds = await pool.fetch(
        "SELECT kind, amount, note FROM ledger WHERE user_id = $1 AND kind = 'admin_adjustment'", ANNA
    )
    assert [(r["amount"], r["note"]) for r in kinds] == [(15_050, "компенсация за сбой")]
    await anna.send("/balance")
    anna.expect("Ваш баланс: 350,50")
    await anna.press("📜 Операции")
    anna.expect("+150,50\xa0₽ · корректировка от поддержки")  # named, not "admin_adjustment"


async def test_a_job_is_refunded_once(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await charged_job(pool, ANNA, 4_000)
    assert await ledger_agrees(pool, ANNA) == WELCOME - 4_000
    await open_card(admin, "1001")
    await admin.press("📜 Операции")
    assert any("−40\xa0₽" in b and "MSK" in b for b in admin.buttons()), admin.buttons()
    await admin.press("◀️ Назад")
    await admin.press("🎬 Генерации")
    await admin.press_containing("✅ готово")
    admin.expect("Цена: 40\xa0₽ · списано")
    job_screen = admin.last.message_id
    refund = admin.callback_data("↩️ Вернуть деньги")
    await admin.press("↩️ Вернуть деньги")
    admin.expect("Возвращено 40\xa0₽ на баланс пользователя 1001")
    await admin.press_data(refund, job_screen)  # the old button: out of date
    await admin.press("👤 Карточка пользователя")
    await admin.press("🎬 Генерации")
    await admin.press_containing("✅ готово")
    admin.expect("списано · возвращено")
    await admin.press("↩️ Вернуть деньги")  # a fresh, deliberate second refund
    admin.expect("Деньги за эту генерацию уже возвращены")
    assert await ledger_agrees(pool, ANNA) == WELCOME
    refunds = await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'refund'")
    assert refunds == 1
    await admin.press("👤 Карточка пользователя")
    await admin.press("📜 Операции")  # each entry named in words, never by its ledger code
    assert any("+40\xa0₽ · возврат от поддержки" in b for b in admin.buttons()), admin.buttons()


async def test_a_blocked_user_gets_one_line_and_no_job(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin, emulator = under_test.chat(ANNA), under_test.chat(ADMIN_ID), under_test.emulator
    await anna.send("/start")
    menu = anna.last.message_id
    press = anna.callback_data(anna.buttons()[0])
    await open_card(admin, "@anna")
    await admin.press("⛔ Заблокировать")
    admin.expect("⛔ Заблокирован администратором")
    assert "✅ Разблокировать" in admin.buttons()

    mark = emulator.mark()
    await anna.send("/start")
    said = [m for m in emulator.bot_messages(ANNA) if m.seq > mark]
    assert [m.content for m in said] == ["Доступ к боту закрыт администратором."]
    assert said[0].reply_markup is None
    query = await emulator.press_data(ANNA, press, menu)  # an old menu's button
    answer = await emulator.wait_callback_answer(query, timeout=10)
    assert answer.text == "Доступ к боту закрыт администратором."
    await emulator.wait_idle(quiet=0.2)
    assert [m for m in emulator.bot_messages(ANNA) if m.seq > mark] == said
    with pytest.raises(asyncpg.RaiseError, match="blocked"):
        await charged_job(pool, ANNA, 100)

    await admin.press("✅ Разблокировать")
    admin.expect("Не заблокирован")
    await anna.send("/start")
    anna.expect("Баланс")


async def test_write_to_a_user(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await open_card(admin, "@anna")
    await admin.press("✉️ Написать")
    await admin.send("Здравствуйте! Мы вернули деньги.")
    admin.expect("Сообщение доставлено пользователю 1001")
    await under_test.emulator.wait_bot_message(
        ANNA, match=lambda m: "Сообщение от поддержки" in m.content and "Мы вернули деньги" in m.content
    )


@dataclass
class Ctx:
    """A call context for calling the plug-in directly, as a forged press never could."""

    user_id: int
    chat_id: int = 0
    language: str = "ru"
    is_admin: bool = True
    session_args: dict[str, Any] | None = None

    def set_language(self, language: str) -> None:
        self.language = language


async def test_a_support_admin_is_refused_what_only_an_owner_may(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    under_test.emulator.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    vera, owner = under_test.chat(VERA), under_test.chat(ADMIN_ID)
    await vera.send("/start")
    await vera.send("/admin")
    vera.expect("Этот раздел вам недоступен")

    await owner.send("/admin")
    await owner.press("🔑 Роли")
    roles_data, roles_message = owner.callback_data("➕ Добавить сотрудника"), owner.last.message_id
    await owner.press("➕ Добавить сотрудника")
    await owner.send("@vera")
    owner.expect("Роль: нет")
    await owner.press("🎧 Поддержка")
    owner.expect("Роль: поддержка")
    menus = under_test.emulator.state.commands
    scoped = menus.get(('{"chat_id": 1003, "type": "chat"}', ""))
    assert scoped is not None and any(c["command"] == "admin" for c in scoped)
    public = menus.get(('{"type": "default"}', ""), [])
    assert not any(c["command"] == "admin" for c in public)

    await vera.send("/admin")
    assert "👤 Пользователи" in vera.buttons() and "🧾 Чеки на проверке" in vera.buttons()
    assert "🔑 Роли" not in vera.buttons() and "📋 Журнал действий" not in vera.buttons()
    forged = [roles_data, "admin.roles.list:1:b0.0", f"admin.roles.add:{10**9}:b0.0"]
    for data in forged:
        answer = await vera.press_data(data, vera.last.message_id)
        assert answer == "Это меню устарело — вот актуальное."
        assert "Роли" not in vera.screen
    del roles_message
    await open_card(vera, "@anna")  # support reads a card, but cannot adjust money
    assert "💰 Изменить баланс" not in vera.buttons()

    plugin = admin_plugin(under_test)
    with pytest.raises(ActionError) as refused:  # the action itself asks the roles table
        await plugin.grant_role(Ctx(VERA), GrantArgs(user=VERA, role="admin"))
    assert refused.value.text_key == "admin.error.forbidden"
    assert await pool.fetchval("SELECT role FROM admin_roles WHERE user_id = $1", VERA) == "support"

    await owner.press("🗑 Снять роль")
    await vera.send("/admin")
    vera.expect("Этот раздел вам недоступен")


async def test_the_audit_log_shows_each_action(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await charged_job(pool, ANNA, 1_000)
    await open_card(admin, "@anna")
    await admin.press("💰 Изменить баланс")
    await admin.send("100")
    await admin.send("подарок")
    await admin.press("✅ Провести")
    await admin.press("👤 Карточка пользователя")
    await admin.press("⛔ Заблокировать")
    await admin.press("✅ Разблокировать")
    await admin.press("🎬 Генерации")
    await admin.press_containing("✅ готово")
    await admin.press("↩️ Вернуть деньги")
    await admin.send("/admin")
    await admin.press("⚙️ Настройки")
    await admin.press_containing("Наценка")
    await admin.send("3")

    await admin.send("/admin")
    await admin.press("📋 Журнал действий")
    rows = admin.buttons()
    for action in (
        "Изменение настройки",
        "Возврат за генерацию · Anna (1001)",
        "Разблокировка пользователя · Anna (1001)",
        "Блокировка пользователя · Anna (1001)",
        "Изменение баланса · Anna (1001)",
    ):
        assert any(action in row for row in rows), (action, rows)
    assert not any("." in row.split(" · ")[1] for row in rows if " · " in row), rows  # no codes
    await admin.press_containing("Изменение баланса")
    admin.expect(
        "Кто: Admin (9001)", "С кем: Anna (1001)", "Было: 190\xa0₽", "Стало: 290\xa0₽", "Примечание: подарок"
    )
    await admin.press("◀️ Назад")
    await admin.press_containing("Изменение настройки")
    admin.expect("Объект: Наценка", "Было: ×2 (наценка 100\xa0%)", "Стало: ×3 (наценка 200\xa0%)")
    await open_card(admin, "@anna")
    await admin.press("📋 Журнал по пользователю")
    assert not any("Изменение настройки" in row for row in admin.buttons())
    assert any("Блокировка пользователя" in row for row in admin.buttons())


SKIP = (
    "Подтвердить",
    "Отклонить",
    "Провести",
    "Вернуть деньги",
    "Заблокировать",
    "Разблокировать",
    "Снять роль",
    "Поддержка",
    "Админ",
    "В меню",
    "Назад",
    "Админ-меню",
    "Показать файл",
)


async def crawl(chat: Chat, depth: int = 3) -> set[str]:
    """Every admin screen reachable by buttons from /admin, within ``depth`` presses."""
    seen: set[str] = set()
    paths: list[list[str]] = [[]]
    while paths:
        path = paths.pop()
        await chat.send("/admin")
        for label in path:
            await chat.press(label)
        assert "Что-то пошло не так" not in chat.screen, (path, chat.screen)
        seen.add(chat.screen.split("\n", 1)[0])
        if len(path) < depth:
            paths.extend(
                [*path, b] for b in chat.buttons() if not any(s in b for s in SKIP) and b not in path
            )
    return seen


async def test_crawl_the_admin_screens_as_an_admin_and_as_a_user(bot: Bot, pool: asyncpg.Pool) -> None:
    under_test, _ = bot
    anna, admin = under_test.chat(ANNA), under_test.chat(ADMIN_ID)
    await anna.send("/start")
    await charged_job(pool, ANNA, 1_000)
    # two presses deep: every section and its first screens; deeper, every state is the
    # explorer's (tests/app/test_explore_driver.py crawls as an admin too)
    screens = await crawl(admin, depth=2)
    for title in (
        "Админ-меню",
        "Найти пользователя",
        "Чеки на проверке",
        "Настройки",
        "Журнал действий",
        "Роли",
    ):
        assert title in screens, screens
    await anna.send("/admin")
    anna.expect("Этот раздел вам недоступен")
    for sid in (
        "admin.menu",
        "admin.users.find",
        "admin.roles.list",
        "admin.audit.list",
        "admin.settings.list",
    ):
        answer = await anna.press_data(f"{sid}:1:b0.0", anna.last.message_id)
        assert answer == "Это меню устарело — вот актуальное."
        assert "Админ" not in anna.screen and "Роли" not in anna.screen


CODE = re.compile(r"\b[a-z]+(?:[._][a-z]+)+\b")  # a text key or a code: admin.menu, top_up
ENGLISH = re.compile(r"\b(?:succeeded|failed|pending|approved|rejected|support|admin|owner|true|false)\b")


async def read_every_screen(chat: Chat, depth: int = 3) -> dict[str, list[str]]:
    """Every screen reachable from /admin within ``depth`` presses: its text and buttons."""
    screens: dict[str, list[str]] = {}
    paths: list[list[str]] = [[]]
    while paths:
        path = paths.pop()
        await chat.send("/admin")
        for label in path:
            await chat.press(label)
        screens[chat.screen] = chat.buttons()
        if len(path) < depth:
            paths.extend(
                [*path, b] for b in chat.buttons() if not any(s in b for s in SKIP) and b not in path
            )
    return screens


async def test_support_reads_every_screen_in_russian_without_dead_ends(bot: Bot, pool: asyncpg.Pool) -> None:
    """As a support admin: every screen within two presses of /admin is in Russian words (no
    text keys, codes or English states), and each has a way on or back."""
    under_test, _ = bot
    under_test.emulator.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    anna, vera = under_test.chat(ANNA), under_test.chat(VERA)
    await anna.send("/start")
    await vera.send("/start")
    await charged_job(pool, ANNA, 1_000)
    await pool.execute(
        "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, 'support', $2)", VERA, ADMIN_ID
    )
    await vera.send("/admin")
    screens = await read_every_screen(vera, depth=2)
    assert len(screens) > 5, list(screens)
    for text, buttons in screens.items():
        shown = "\n".join([text, *buttons]).replace("@anna", "").replace("@vera", "")
        shown = re.sub(r"https?://\S+", "", shown)
        assert not CODE.search(shown), (CODE.search(shown), text)
        assert not ENGLISH.search(shown), (ENGLISH.search(shown), text)
        assert buttons, f"a dead end: {text}"
