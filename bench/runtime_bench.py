"""Updates per second of the flow engine against hand-written aiogram and aiogram-dialog.

The same 3-screen menu (main menu with buttons "A" and "B", each screen with "Back") is served
three ways, all in-process over the same fake Telegram (bench/recording_session.py: aiogram's
Bot with a BaseSession that serialises every request as a real one would and answers it
without HTTP):

  (a) engine   — a flow project in a temporary folder, load_bundle, Runtime with a real
                 PgSessionStore (a temporary database, migrated, dropped at the end)
                 as the polling instance has it (app.bot.polling_sessions: cached, written
                 behind; each run's time includes flushing the last writes, and afterwards
                 every user's stored version must have moved by exactly their updates),
                 build_dispatcher(runtime) as the app builds it, AiogramMessenger;
  (b) aiogram  — plain aiogram handlers (a /start message handler, callback handlers editing
                 the message), aiogram's defaults (MemoryStorage FSM);
  (c) dialog   — aiogram-dialog (Dialog/Window/StatesGroup, SwitchTo/Back widgets,
                 MemoryStorage), its defaults.

plus, as a diagnostic only, (m): the engine exactly as in (a) but with its sessions in process
memory (engine.runtime.memory_sessions: the same rows, encoded and decoded alike, kept in a
dict), so (a) - (m) is what PostgreSQL costs and (m) vs (b)/(c) is what the interpreter itself
costs. (m) is not a configuration to run.

With ``--events``, (e) runs too: (a) with the engine's event recording on (every screen view
and press handed to engine/storage/events.py's writer, whose background task COPYs them into
flow_events as the bot does), on users of its own; the rates with recording off (a) and on
(e) are printed side by side, with the change (issue #17: a drop of at most 5 %).

Every user repeats /start → A → Back → B → Back, pressing the callback data taken from the
keyboard the bot last sent them (as a real user would). Each update is parsed from JSON into
an ``Update`` (as polling does) and fed with ``Dispatcher.feed_update``. After every update
the benchmark checks the user now sees the expected screen and fails loudly if not.

aiogram's reply models (``Response[T]``) are held for the whole process before any way runs
(engine.telegram.response_models, as the bot's make_bot does): otherwise each full garbage
collection frees them and some reply, in whichever way runs then, pays to rebuild one —
noise of up to a fifth of a run. The hold is process-wide, so every way gets it alike.

Runs sequentially (one update in flight) and concurrently (``--concurrency`` updates in
flight, never two of one user at once). Warm-up first, then the median of ``--reps`` runs
(interleaved across the ways, so drift and neighbours' load hit every way alike).
The process is pinned to one CPU when the OS allows it, and a local PostgreSQL server's
processes are moved to the other CPUs for the run (bench/cpu_placement.py says why;
``--postgres-anywhere`` leaves them be): PostgreSQL is not part of "the engine on one core".

    .venv/bin/python bench/runtime_bench.py [--updates 6000] [--dsn postgresql://…]
        [--reps 5] [--concurrency 16] [--ways ambc] [--events] [--profile cprofile|pyinstrument|none]
        [--postgres-anywhere]

DSN: --dsn, else TEST_DATABASE_URL, else an embedded server (pgserver). A database named
``rtbench_<random>`` is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import html
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from aiogram import Bot, Dispatcher, F, Router  # noqa: E402
from aiogram.client.default import DefaultBotProperties  # noqa: E402
from aiogram.enums import ParseMode  # noqa: E402
from aiogram.filters import CommandStart  # noqa: E402
from aiogram.fsm.state import State, StatesGroup  # noqa: E402
from aiogram.types import (  # noqa: E402
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs  # noqa: E402
from aiogram_dialog.widgets.kbd import Back, Row, SwitchTo  # noqa: E402
from aiogram_dialog.widgets.text import Const, Format  # noqa: E402

from app.bot import polling_sessions  # noqa: E402
from bench.cpu_placement import Pinning, PostgresOffCore, pin_to_one_core  # noqa: E402
from bench.recording_session import (  # noqa: E402
    BOT_TOKEN,
    Recorder,
    RecordingSession,
    message_json,
)
from engine import event_loop  # noqa: E402
from engine.lint.linter import format_text, has_errors, lint  # noqa: E402
from engine.loader.bundle import load_bundle  # noqa: E402
from engine.plugin import PluginSet  # noqa: E402
from engine.runtime.interpreter import Runtime  # noqa: E402
from engine.runtime.memory_sessions import MemorySessionStore  # noqa: E402
from engine.runtime.pg_sessions import PgSessionStore  # noqa: E402
from engine.runtime.session import SessionStore  # noqa: E402
from engine.storage.database import open_database, with_database  # noqa: E402
from engine.storage.events import PgEventWriter  # noqa: E402
from engine.telegram.messenger import AiogramMessenger  # noqa: E402
from engine.telegram.response_models import hold_response_models  # noqa: E402
from engine.telegram.router import build_dispatcher  # noqa: E402
from engine.variables import ENGINE_TEXTS  # noqa: E402
from plugins.user import UserPlugin  # noqa: E402

TARGET_PER_CORE = 1000.0  # updates/s the issue asks of (a) on one core

# ------------------------------------------------------------------------- the menus
MAIN, SCREEN_A, SCREEN_B = "main", "A", "B"
LABEL_A, LABEL_B, LABEL_BACK = "A", "B", "Back"
TEXT_A, TEXT_B = "Screen A", "Screen B"


def main_text(first_name: str) -> str:
    return f"Hello, {html.escape(first_name)}! Choose a screen."


def screen_text(screen: str, first_name: str) -> str:
    return {MAIN: main_text(first_name), SCREEN_A: TEXT_A, SCREEN_B: TEXT_B}[screen]


@dataclass(frozen=True)
class Step:
    kind: str  # "start" or "press"
    label: str  # the button pressed ("" for /start)
    expect: str  # the screen the user must see afterwards


SCRIPT = (
    Step("start", "", MAIN),
    Step("press", LABEL_A, SCREEN_A),
    Step("press", LABEL_BACK, MAIN),
    Step("press", LABEL_B, SCREEN_B),
    Step("press", LABEL_BACK, MAIN),
)

# (a) the engine: a flow project
FLOW = """\
commands:
  start: {screen: start, description: commands.start}
screens:
  start:
    text: menu.title
    keyboard:
      - [{text: menu.a, go: screen_a}, {text: menu.b, go: screen_b}]
  screen_a:
    text: menu.a_text
    keyboard:
      - [{text: common.back, back: true}]
  screen_b:
    text: menu.b_text
    keyboard:
      - [{text: common.back, back: true}]
"""

TEXTS = f"""\
commands:
  start: Main menu
menu:
  title: "Hello, {{{{ user.first_name }}}}! Choose a screen."
  a: {LABEL_A}
  b: {LABEL_B}
  a_text: {TEXT_A}
  b_text: {TEXT_B}
common:
  back: {LABEL_BACK}
"""


def write_flow_project(root: Path) -> Path:
    groups: dict[str, list[str]] = {}
    for key in ENGINE_TEXTS:
        group, _, name = key.partition(".")
        groups.setdefault(group, []).append(name)
    engine_texts = "".join(
        f"{group}:\n" + "".join(f"  '{n}': '{group} {n}'\n" for n in names) for group, names in groups.items()
    )
    (root / "flows").mkdir(parents=True)
    (root / "locales").mkdir()
    (root / "models").mkdir()
    (root / "flows" / "main.yaml").write_text(FLOW, encoding="utf-8")
    for language in ("ru", "en"):
        (root / "locales" / f"{language}.yaml").write_text(TEXTS + engine_texts, encoding="utf-8")
    return root


# (b) plain aiogram
def plain_router() -> Router:
    router = Router(name="plain")
    main_kb = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=LABEL_A, callback_data="a"),
                InlineKeyboardButton(text=LABEL_B, callback_data="b"),
            ]
        ]
    )
    back_kb = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=LABEL_BACK, callback_data="back")]]
    )

    # the bench's updates are a private chat's: /start has a sender, and each button is on the
    # bot's own recent message, so a query's message is there and accessible
    @router.message(CommandStart())
    async def start(message: Message) -> None:
        assert message.from_user is not None
        await message.answer(
            main_text(message.from_user.first_name), reply_markup=main_kb, parse_mode=ParseMode.HTML
        )

    @router.callback_query(F.data == "a")
    async def to_a(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(TEXT_A, reply_markup=back_kb, parse_mode=ParseMode.HTML)

    @router.callback_query(F.data == "b")
    async def to_b(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(TEXT_B, reply_markup=back_kb, parse_mode=ParseMode.HTML)

    @router.callback_query(F.data == "back")
    async def back(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(
            main_text(query.from_user.first_name), reply_markup=main_kb, parse_mode=ParseMode.HTML
        )

    return router


# (c) aiogram-dialog
class Menu(StatesGroup):
    main = State()
    a = State()
    b = State()


async def _name_getter(event_from_user: Any, **_: Any) -> dict[str, Any]:
    return {"name": html.escape(event_from_user.first_name)}


def dialog_router() -> Router:
    router = Router(name="dialog")
    dialog = Dialog(
        Window(
            Format("Hello, {name}! Choose a screen."),
            Row(
                SwitchTo(Const(LABEL_A), id="to_a", state=Menu.a),
                SwitchTo(Const(LABEL_B), id="to_b", state=Menu.b),
            ),
            getter=_name_getter,
            state=Menu.main,
            parse_mode=ParseMode.HTML,
        ),
        # Back = the previous window of the dialog, which for A is the main menu
        Window(Const(TEXT_A), Back(Const(LABEL_BACK)), state=Menu.a, parse_mode=ParseMode.HTML),
        # B's previous window would be A, so its back button switches to the main menu
        Window(
            Const(TEXT_B),
            SwitchTo(Const(LABEL_BACK), id="back", state=Menu.main),
            state=Menu.b,
            parse_mode=ParseMode.HTML,
        ),
    )

    @router.message(CommandStart())
    async def start(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK)

    router.include_router(dialog)
    return router


# ------------------------------------------------------------------------ the driver
class NavigationFailed(AssertionError):
    pass


@dataclass
class Way:
    key: str
    title: str
    bot: Bot
    dispatcher: Dispatcher
    recorder: Recorder
    runtime: Runtime | None = None
    uid_base: int = 1_000_000  # ways sharing one sessions table need users of their own
    events: PgEventWriter | None = None  # (e): recording, its writer running beside
    next_update: int = 1
    screens_seen: Counter[str] = field(default_factory=Counter)

    def user(self, uid: int) -> dict[str, Any]:
        return {"id": uid, "is_bot": False, "first_name": f"U{uid}", "language_code": "en"}

    def raw_update(self, uid: int, step: Step) -> dict[str, Any]:
        update_id = self.next_update
        self.next_update += 1
        user = self.user(uid)
        if step.kind == "start":
            message_id = self.recorder.user_message(uid, "/start")
            return {
                "update_id": update_id,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": uid, "type": "private", "first_name": user["first_name"]},
                    "from": user,
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        shown, data = self.recorder.button(uid, step.label)
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"{self.key}-{update_id}",
                "from": user,
                "chat_instance": f"ci{uid}",
                "data": data,
                "message": message_json(uid, shown),
            },
        }

    async def step(self, uid: int, step: Step) -> None:
        update = Update.model_validate(self.raw_update(uid, step), context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update)
        shown = self.recorder.current(uid)
        expected = screen_text(step.expect, f"U{uid}")
        if shown is None or shown.text != expected:
            raise NavigationFailed(
                f"({self.key}) user {uid} after {step.kind} {step.label!r}: expected screen "
                f"{step.expect} {expected!r}, sees {shown.text if shown else None!r}"
            )
        self.screens_seen[step.expect] += 1


@dataclass
class RunResult:
    updates: int
    wall: float
    cpu: float  # user + system time of this process
    system: float  # of which in the kernel (mostly socket calls to PostgreSQL)
    writes: int = 0  # statements the session saves took (grouped: fewer than updates)

    @property
    def rate(self) -> float:
        return self.updates / self.wall

    @property
    def cpu_rate(self) -> float:
        return self.updates / self.cpu if self.cpu > 0 else float("inf")


def plan(users: int, cycles: int, concurrency: int, base: int = 1_000_000) -> list[list[int]]:
    """Users split among ``concurrency`` workers; a user belongs to exactly one worker."""
    lanes: list[list[int]] = [[] for _ in range(min(concurrency, users))]
    for i in range(users):
        lanes[i % len(lanes)].append(base + i)
    return lanes


async def run_way(way: Way, users: int, cycles: int, concurrency: int) -> RunResult:
    lanes = plan(users, cycles, concurrency, way.uid_base)
    calls_before = Counter(way.recorder.calls)
    stats_before = Counter(getattr(way.runtime, "stats", {}))

    async def lane(uids: list[int]) -> None:
        for _ in range(cycles):
            for step in SCRIPT:
                for uid in uids:
                    await way.step(uid, step)

    store = way.runtime.store if way.runtime is not None else None
    versions_before = await stored_versions(store, lanes)
    writes0 = statements(store)
    wall0, times0 = time.perf_counter(), os.times()
    if len(lanes) == 1:
        await lane(lanes[0])
    else:
        await asyncio.gather(*(lane(uids) for uids in lanes))
    if store is not None:
        await store.flush()  # writes queued behind the last updates count in the time
    wall, times = time.perf_counter() - wall0, os.times()
    user, system = times.user - times0.user, times.system - times0.system
    updates = users * cycles * len(SCRIPT)
    check_counts(way, updates, users * cycles, calls_before, stats_before)
    await check_stored(store, lanes, versions_before, cycles * len(SCRIPT))
    writes = statements(store) - writes0
    return RunResult(updates, wall, user + system, system, writes)


def statements(store: SessionStore | None) -> int:
    """Round trips the session saves took so far (PostgreSQL's grouped writes; else none)."""
    return store.writes.statements if isinstance(store, PgSessionStore) else 0


async def stored_versions(store: SessionStore | None, lanes: list[list[int]]) -> dict[int, int]:
    """Each user's session version as stored: what the table holds, not the cache in front of
    it (none for ways without engine sessions)."""
    users = [uid for uids in lanes for uid in uids]
    if isinstance(store, PgSessionStore):
        rows = await store.pool.fetch("SELECT user_id, version FROM sessions WHERE user_id = ANY($1)", users)
        return {r["user_id"]: r["version"] for r in rows}
    if isinstance(store, MemorySessionStore):
        return {uid: store.rows[uid]["version"] for uid in users if uid in store.rows}
    return {}


async def check_stored(
    store: SessionStore | None, lanes: list[list[int]], before: dict[int, int], per_user: int
) -> None:
    """Every update's session write was stored: none lost, none left queued."""
    after = await stored_versions(store, lanes)
    if store is None:
        return
    short = {
        uid: v - before.get(uid, 0)
        for uid, v in after.items()
        if v - before.get(uid, 0) != per_user and uid in before
    }
    missing = sum(len(uids) for uids in lanes) - len(after)
    if short or missing:
        raise NavigationFailed(
            f"stored sessions lag the updates handled: {missing} rows "
            f"missing, versions off for {len(short)} users, e.g. "
            f"{list(short.items())[:3]}"
        )


def check_counts(
    way: Way, updates: int, starts: int, calls_before: Counter[str], stats_before: Counter[str]
) -> None:
    """What the fake Telegram was asked must match the navigation done, or we measured nothing."""
    calls = Counter(way.recorder.calls)
    calls.subtract(calls_before)
    presses = updates - starts
    problems = []
    if calls["answerCallbackQuery"] != presses:
        problems.append(f"answerCallbackQuery {calls['answerCallbackQuery']} != presses {presses}")
    if calls["editMessageText"] != presses:
        problems.append(f"editMessageText {calls['editMessageText']} != presses {presses}")
    if calls["sendMessage"] != starts:
        problems.append(f"sendMessage {calls['sendMessage']} != /start {starts}")
    refused = {k: v for k, v in calls.items() if k.endswith(":400") and v}
    if refused:
        problems.append(f"refused calls {refused}")
    if calls["answerCallbackQuery:with_text"]:
        problems.append(
            f"{calls['answerCallbackQuery:with_text']} presses were answered with a "
            "notice (stale or refused press)"
        )
    if way.runtime is not None and hasattr(way.runtime, "stats"):
        stats = Counter(way.runtime.stats)
        stats.subtract(stats_before)
        if stats["updates"] != updates:
            problems.append(f"runtime handled {stats['updates']} updates, fed {updates}")
        for bad in ("errors", "stale_presses"):
            if stats[bad]:
                problems.append(f"runtime {bad}: {stats[bad]}")
    if problems:
        raise NavigationFailed(f"({way.key}) " + "; ".join(problems))


# ------------------------------------------------------------------------- building
def new_bot(recorder: Recorder) -> Bot:
    return Bot(
        BOT_TOKEN, session=RecordingSession(recorder), default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def build_engine(
    project: Path, store: SessionStore, key: str, title: str, events: PgEventWriter | None = None
) -> Way:
    bundle = load_bundle(project)
    problems = lint(bundle, PluginSet([UserPlugin.declarations()]))  # the plug-ins it runs
    if has_errors(problems):
        raise SystemExit("the benchmark's flow project does not lint clean:\n" + format_text(problems))
    recorder = Recorder()
    bot = new_bot(recorder)
    runtime = Runtime(bundle, PluginSet.of([UserPlugin()]), store, AiogramMessenger(bot), events=events)
    way = Way(key, title, bot, build_dispatcher(runtime), recorder, runtime, events=events)
    if events is not None:
        way.uid_base = 2_000_000
    return way


def build_plain() -> Way:
    recorder = Recorder()
    dispatcher = Dispatcher()
    dispatcher.include_router(plain_router())
    return Way("b", "plain aiogram handlers", new_bot(recorder), dispatcher, recorder)


def build_dialog() -> Way:
    recorder = Recorder()
    dispatcher = Dispatcher()
    dispatcher.include_router(dialog_router())
    setup_dialogs(dispatcher)
    return Way("c", "aiogram-dialog", new_bot(recorder), dispatcher, recorder)


# ------------------------------------------------------------------------- database
class TempDatabase:
    """A fresh database on the server at ``server_dsn``, migrated, dropped on exit."""

    def __init__(self, server_dsn: str) -> None:
        self.server_dsn = server_dsn
        self.name = f"rtbench_{uuid.uuid4().hex[:12]}"
        self.pool: asyncpg.Pool | None = None

    async def __aenter__(self) -> asyncpg.Pool:
        admin = await asyncpg.connect(self.server_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await admin.close()
        # the production sessions pool: open_database as app.bot opens it for sessions
        # (size 1..10, migrations applied, commits not waiting for the disk)
        self.pool = await open_database(with_database(self.server_dsn, self.name), durable=False)
        return self.pool

    async def __aexit__(self, *exc: object) -> None:
        if self.pool is not None:
            await self.pool.close()
        admin = await asyncpg.connect(self.server_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await admin.close()


def query_kind(sql: str) -> str:
    text = " ".join(sql.split()).lower()
    if text.startswith("select pg_advisory_unlock_all"):
        return "pool reset on release (asyncpg default)"
    if "from sessions" in text:
        return "session load (SELECT)"
    if text.startswith("update sessions"):
        return "session save (UPDATE)"
    if text.startswith("insert into sessions"):
        return "session save (INSERT)"
    return "other: " + text[:50]


async def count_queries(pool: asyncpg.Pool, run: Callable[[], Awaitable[RunResult]]) -> Counter[str] | None:
    """Round trips to PostgreSQL during ``run``, by kind, seen from the client.

    Uses asyncpg's query loggers on every connection of the pool (reached through the pool's
    private ``_holders``; all connections are opened first so none escapes). None if that is
    not possible with this asyncpg.
    """
    holders = getattr(pool, "_holders", None)
    if holders is None or not hasattr(asyncpg.Connection, "add_query_logger"):
        return None
    connections = [await pool.acquire() for _ in range(pool.get_max_size())]
    for conn in connections:
        await pool.release(conn)
    seen: Counter[str] = Counter()

    def log(record: Any) -> None:
        seen[query_kind(record.query)] += 1

    cons = [h._con for h in holders if h._con is not None]
    if len(cons) != len(holders):
        return None
    for con in cons:
        con.add_query_logger(log)
    try:
        await run()
    finally:
        for con in cons:
            con.remove_query_logger(log)
    return seen


async def server_settings(pool: asyncpg.Pool) -> str:
    names = ("server_version", "synchronous_commit", "fsync", "shared_buffers")
    values = [await pool.fetchval(f"SHOW {name}") for name in names]
    return ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True))


# ------------------------------------------------------------------------- reporting
@dataclass
class Sampled:
    """The timed runs of one way in one mode."""

    runs: list[RunResult]

    @property
    def median(self) -> RunResult:
        return sorted(self.runs, key=lambda r: r.wall)[len(self.runs) // 2]

    @property
    def best(self) -> RunResult:
        return min(self.runs, key=lambda r: r.wall)


Results = dict[str, dict[str, Sampled]]  # mode -> way key -> runs


def table(results: Results, ways: list[Way]) -> str:
    lines = [
        f"{'':<44}{'mode':<13}{'updates':>8}{'median s':>9}{'upd/s':>7}{'best':>7}"
        f"{'worst':>7}{'cpu s':>7}{'(sys)':>7}{'upd/cpu-s':>10}",
        f"{'':<44}{'':<13}{'':>8}{'':>9}{'median':>7}{'upd/s':>7}{'upd/s':>7}{'(median run)':>24}",
    ]
    for mode, by_way in results.items():
        for way in ways:
            sampled = by_way.get(way.key)
            if sampled is None:
                continue
            r = sampled.median
            worst = max(sampled.runs, key=lambda x: x.wall)
            lines.append(
                f"({way.key}) {way.title:<40}{mode:<13}{r.updates:>8}{r.wall:>9.3f}"
                f"{r.rate:>7.0f}{sampled.best.rate:>7.0f}{worst.rate:>7.0f}"
                f"{r.cpu:>7.2f}{r.system:>7.2f}{r.cpu_rate:>10.0f}"
            )
    return "\n".join(lines)


def ratios(results: Results) -> str:
    lines = []
    for mode, r in results.items():
        for mine in ("a", "m"):
            if mine not in r:
                continue
            parts = [f"{mode:<13}"]
            for other in ("b", "c"):
                if other in r:
                    parts.append(
                        f"({mine})/({other}) {r[mine].median.rate / r[other].median.rate:5.2f}"
                        f" (best {r[mine].best.rate / r[other].best.rate:4.2f},"
                        f" per cpu-s {r[mine].median.cpu_rate / r[other].median.cpu_rate:4.2f})"
                    )
            lines.append("   ".join(parts))
    return "\n".join(lines)


def recording_cost(results: Results) -> str:
    """(e) against (a): what recording the events costs the replies (target: at most 5 %)."""
    lines = []
    for mode, r in results.items():
        if "a" in r and "e" in r:
            off, on = r["a"].median.rate, r["e"].median.rate
            drop = 1 - on / off
            verdict = "MET" if drop <= 0.05 else "NOT MET"
            lines.append(
                f"events {mode}: off {off:.0f}/s, on {on:.0f}/s, change {-drop * 100:+.1f} %"
                f" (target: a drop of at most 5 %) -> {verdict}"
            )
    return "\n".join(lines)


def verdict(results: Results) -> str:
    lines = []
    for mode, r in results.items():
        if "a" not in r:
            continue
        a = r["a"].median
        ok = "MET" if a.rate >= TARGET_PER_CORE else "NOT MET"
        lines.append(
            f"target (a) >= {TARGET_PER_CORE:.0f} updates/s on one core, {mode}: "
            f"median {a.rate:.0f}/s -> {ok}"
        )
        if "c" in r:
            c = r["c"].median
            ok = "MET" if a.rate >= c.rate else "NOT MET"
            lines.append(
                f"target (a) no slower than (c) aiogram-dialog, {mode}: "
                f"median {a.rate:.0f}/s vs {c.rate:.0f}/s -> {ok}"
            )
    return "\n".join(lines)


AREAS = (
    ("engine/", "engine"),
    ("aiogram_dialog/", "aiogram-dialog"),
    ("aiogram/", "aiogram"),
    ("pydantic", "pydantic"),
    ("jinja2/", "jinja2"),
    ("asyncpg/", "asyncpg"),
    ("asyncio/", "asyncio"),
    ("json/", "json"),
    ("copy.py", "copy (deepcopy)"),
    ("magic_filter/", "magic-filter"),
    ("bench/", "benchmark driver + fake Telegram"),
)


def area_of(filename: str) -> str:
    for needle, name in AREAS:
        if needle in filename:
            return name
    if filename == "~":
        return "builtins (C)"
    return "other"


def short(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    for marker in ("/site-packages/", str(ROOT) + "/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})"


def profile_report(profiler: cProfile.Profile, updates: int, top: int) -> str:
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in raw.values())
    out = io.StringIO()
    by_area: Counter[str] = Counter()
    for func, (_, _, tt, _, _) in raw.items():
        by_area[area_of(func[0])] += tt
    out.write(
        f"profiled {updates} updates, {total:.3f} s of own time under cProfile "
        f"({total / updates * 1e6:.0f} µs/update with profiler overhead)\n"
    )
    out.write("\nown time by area:\n")
    for area, tt in by_area.most_common():
        out.write(f"  {area:<34}{tt:8.3f} s {100 * tt / total:5.1f} %  {tt / updates * 1e6:7.1f} µs/update\n")
    out.write(f"\ntop {top} functions by own time:\n")
    ranked = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    for func, (_, nc, tt, ct, _) in ranked:
        out.write(f"  {tt:7.3f} s {100 * tt / total:5.1f} %  calls {nc:>8}  cum {ct:7.3f} s  {short(func)}\n")
    out.write(
        f"\ntop {top} engine functions by cumulative time (includes callees; for a "
        "coroutine, calls counts resumptions and cum is the time it ran, its waits for "
        "I/O excluded):\n"
    )
    engine = [(f, v) for f, v in raw.items() if str(ROOT / "engine") in f[0]]
    for func, (_, nc, tt, ct, _) in sorted(engine, key=lambda kv: -kv[1][3])[:top]:
        out.write(
            f"  cum {ct:7.3f} s {100 * ct / total:5.1f} %  own {tt:6.3f} s  calls {nc:>7}  {short(func)}\n"
        )
    return out.getvalue()


async def profile_engine(engine: Way, args: argparse.Namespace, users: int, cycles: int) -> None:
    """One more run of one way under a profiler (its figures are inflated by the profiler)."""
    updates = users * cycles * len(SCRIPT)
    concurrency = 1 if args.profile_mode == "sequential" else args.concurrency
    title = f"({engine.key}), one {args.profile_mode} run of {updates} updates"
    if args.profile == "pyinstrument":
        try:
            from pyinstrument import Profiler
        except ImportError:
            print(
                "\npyinstrument is not installed (.venv/bin/pip install pyinstrument); "
                "falling back to cProfile"
            )
        else:
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
            await run_way(engine, users, cycles, concurrency)
            profiler.stop()
            print(f"\n--- pyinstrument of {title} ---")
            print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))
            return
    profiler = cProfile.Profile()
    profiler.enable()
    await run_way(engine, users, cycles, concurrency)
    profiler.disable()
    print(f"\n--- cProfile of {title} ---")
    print(profile_report(profiler, updates, args.top))
    if args.profile_out:
        profiler.dump_stats(args.profile_out)
        print(f"(raw stats written to {args.profile_out})")


# ---------------------------------------------------------------------------- main
async def measure(args: argparse.Namespace, server_dsn: str) -> None:
    users = args.users
    cycles = max(1, round(args.updates / (users * len(SCRIPT))))
    updates = users * cycles * len(SCRIPT)
    modes = {"sequential": 1, f"concurrent{args.concurrency}": args.concurrency}
    hold_response_models()  # for every way alike: see the module docstring
    project_dir = Path(tempfile.mkdtemp(prefix="rtbench-flows-"))
    placement = PostgresOffCore()
    try:
        write_flow_project(project_dir)
        async with TempDatabase(server_dsn) as pool:
            if not args.postgres_anywhere:
                print(await placement.move(pool, args.pinning))
            print(
                f"PostgreSQL: {await server_settings(pool)}; pool from engine's open_database"
                f" (max {pool.get_max_size()} connections)"
            )
            builders = {
                "a": lambda: build_engine(
                    project_dir, polling_sessions(pool), "a", "engine, sessions in PostgreSQL"
                ),
                "e": lambda: build_engine(
                    project_dir,
                    polling_sessions(pool),
                    "e",
                    "engine, as (a) + recording events",
                    PgEventWriter(pool),
                ),
                "m": lambda: build_engine(
                    project_dir, MemorySessionStore(), "m", "engine, sessions in memory [diag]"
                ),
                "b": build_plain,
                "c": build_dialog,
            }
            wanted = args.ways + ("ae" if args.events else "")
            ways = [builders[key]() for key in builders if key in wanted]
            writers = [
                asyncio.create_task(w.events.run()) for w in ways if w.events is not None
            ]  # the events' writer runs beside, as in the bot (app/assembly.py)
            print(
                f"{users} users x {cycles} cycles x {len(SCRIPT)} steps (/start, A, Back, B,"
                f" Back) = {updates} updates per run; per mode: 1 warm-up run, then"
                f" {args.reps} timed runs interleaved across ways"
            )
            results: Results = {}
            for mode, concurrency in modes.items():
                for way in ways:  # warm-up: first sessions are INSERTs, caches fill
                    await run_way(way, users, cycles, concurrency)
                samples: dict[str, list[RunResult]] = {w.key: [] for w in ways}
                for _ in range(args.reps):
                    for way in ways:
                        samples[way.key].append(await run_way(way, users, cycles, concurrency))
                results[mode] = {key: Sampled(runs) for key, runs in samples.items()}

            print(
                "\nnavigation verified after every update (the expected screen's text is what"
                " the user sees); in total, per way:"
            )
            for way in ways:
                calls = ", ".join(f"{k} {v}" for k, v in sorted(way.recorder.calls.items()))
                seen = ", ".join(f"{k} {v}" for k, v in sorted(way.screens_seen.items()))
                print(f"  ({way.key}) screens seen: {seen}\n      Bot API calls: {calls}")
                if way.runtime is not None and hasattr(way.runtime, "stats"):
                    print(f"      runtime stats: {dict(way.runtime.stats)}")

            engine = next((w for w in ways if w.key == "a"), None)
            if engine is not None:
                counted = await count_queries(pool, lambda: run_way(engine, users, cycles, args.concurrency))
                if counted is not None:
                    total = sum(counted.values())
                    detail = ", ".join(f"{k} {v / updates:.2f}" for k, v in counted.most_common())
                    print(f"\n(a) PostgreSQL round trips per update: {total / updates:.2f} ({detail})")

            for mode, by_way in results.items():
                if "a" in by_way:
                    r = by_way["a"].median
                    print(
                        f"(a) {mode}: session saves took {r.writes / r.updates:.2f} "
                        f"statements per update (median run)"
                    )
            for way in ways:
                if way.events is not None:
                    await way.events.stop()
                    written = await pool.fetchval("SELECT count(*) FROM flow_events")
                    print(
                        f"({way.key}) events recorded and written: {written} (dropped {way.events.dropped})"
                    )
            for task in writers:
                task.cancel()
            print()
            print(table(results, ways))
            print()
            print(ratios(results))
            if args.events:
                print()
                print(recording_cost(results))
            print()
            print(verdict(results))
            print(
                f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
                f" on {os.cpu_count()} CPUs (other processes on the machine add noise)"
            )

            profiled = next((w for w in ways if w.key == args.profile_way), None)
            if args.profile != "none" and profiled is not None:
                await profile_engine(profiled, args, users, cycles)
    finally:
        placement.restore()
        shutil.rmtree(project_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=6000, help="updates per run (~)")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16, help="updates in flight")
    parser.add_argument("--reps", type=int, default=5, help="timed runs; the median is shown")
    parser.add_argument(
        "--dsn", help="PostgreSQL server (default: TEST_DATABASE_URL, else an embedded server)"
    )
    parser.add_argument(
        "--ways", default="ambc", help="which of a, e, m, b, c to run (default ambc; m is a diagnostic)"
    )
    parser.add_argument(
        "--events",
        action="store_true",
        help="also run (e) = (a) recording screen views and presses (engine/storage/events.py),"
        " and print the rate with recording off (a) and on (e)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default=event_loop.best_loop(),
        help="event loop for every way (default: the one main.py runs on)",
    )
    parser.add_argument(
        "--profile",
        choices=("cprofile", "pyinstrument", "none"),
        default="cprofile",
        help="profile one more run of (a) (default cprofile)",
    )
    parser.add_argument(
        "--profile-mode",
        choices=("sequential", "concurrent"),
        default="sequential",
        help="which run of (a) to profile",
    )
    parser.add_argument(
        "--profile-way", choices=("a", "m", "b", "c"), default="a", help="which way to profile (default a)"
    )
    parser.add_argument(
        "--postgres-anywhere",
        action="store_true",
        help="leave PostgreSQL's processes where they are (see cpu_placement)",
    )
    parser.add_argument("--top", type=int, default=20, help="rows in the profile listings")
    parser.add_argument("--profile-out", help="also dump the raw cProfile stats here")
    args = parser.parse_args()

    args.pinning = (
        pin_to_one_core() if not args.no_pin else Pinning(None, frozenset(), "not pinned (--no-pin)")
    )
    print("runtime benchmark:", args.pinning.note)
    print(
        f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    print(f"python {sys.version.split()[0]}, event loop: {args.loop} (the same for every way)")

    dsn = args.dsn or os.environ.get("TEST_DATABASE_URL")
    server = None
    data_dir = None
    if dsn is None:
        from engine.storage.embedded import start_embedded

        data_dir = Path(tempfile.mkdtemp(prefix="rtbench-pg-"))
        dsn, server = start_embedded(data_dir / "data")
        print("PostgreSQL: embedded (pgserver)")
    else:
        print(f"PostgreSQL: {urlsplit(dsn).hostname}:{urlsplit(dsn).port or 5432}")
    try:
        event_loop.run(measure(args, dsn), args.loop)
    finally:
        if server is not None:
            server.cleanup()
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
