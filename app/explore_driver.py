"""The explorer's driver for this product: the real runtime and plug-ins, the local Telegram
emulator and Kie.ai sandbox, and a fresh database (dropped afterwards).

Updates are produced by the emulator as a user's client would (a message, a callback query
on a given message) and fed straight to the real aiogram dispatcher, so each action returns
when the bot has finished with it; replies are read from the emulator's chat transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, cast

import asyncpg

from app.assembly import Assembled, Dependencies, RunnerOptions, assemble
from app.bot import PROJECT_ROOT, load_checked_bundle, polling_sessions
from app.explore_media import sample
from app.explore_place import place_of
from emulators.kie.sandbox import KieSandbox
from emulators.telegram.errors import EmulatorError
from emulators.telegram.in_process import in_process_bot
from emulators.telegram.server import TelegramEmulator
from emulators.telegram.state import EmulatedUser
from emulators.telegram.transcript import ChatMessage
from engine.callbacks import CallbackData
from engine.explorer.driver import Gone, Place, Reply, Role, Shown
from engine.loader.bundle import load_bundle
from engine.plugin import Plugin, PluginSet
from engine.runtime.splits import ControlVariants
from engine.schema.catalog import InputField
from engine.storage.database import open_database, with_database
from engine.storage.embedded import scratch_server
from engine.storage.migrations import migrate
from plugins.integrations.public_fetch import AddressPolicy
from plugins.user import UserPlugin
from plugins.wallet.ledger import Kind
from plugins.wallet.plugin import WalletPlugin
from plugins.wallet.service import Wallet

FIRST_USER = 7_000_000
FUNDS = 100_000_00  # kopecks each explorer user starts with, so generations run
SANDBOX_CREDITS = 10_000_000  # the Kie.ai account's credits in the sandbox (default 1 000)
JOB_WAIT = 30.0  # seconds a generation may take in the sandbox
UNFINISHED_JOBS = """SELECT EXISTS (SELECT 1 FROM jobs WHERE user_id = $1 AND
    (state IN ('created', 'submitted', 'running') OR NOT delivered))"""
MEDIA_METHODS = {"image": "photo", "audio": "audio", "video": "video", "document": "document"}
DEFAULT_MIME = {"image": "image/png", "audio": "audio/wav", "video": "video/mp4", "document": "text/plain"}


class Incidents(logging.Handler):
    """Every error the bot logs, in order: an internal error is one of these."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        detail = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            detail += f": {type(error).__name__}: {error}"
        self.seen.append(detail[:500])


class ExploreDriver:
    def __init__(
        self,
        emulator: TelegramEmulator,
        sandbox: KieSandbox,
        pool: asyncpg.Pool,
        root: Path,
        extra_plugins: Sequence[Plugin],
        checked: bool = True,
        declarations: PluginSet | None = None,
    ) -> None:
        self.emulator = emulator
        self.sandbox = sandbox
        self.pool = pool
        if declarations is None and extra_plugins:
            declarations = PluginSet(
                [UserPlugin.declarations()] + [type(p).declarations() for p in extra_plugins]
            )
        # unchecked: to prove the explorer finds what a lint gap would let through
        self.bundle = load_checked_bundle(root, declarations) if checked else load_bundle(root)
        self.extra_plugins = extra_plugins
        self.bot = in_process_bot(emulator)  # no HTTP between the bot and the emulator
        self.admins: set[int] = set()
        self.incidents = Incidents()
        self.languages: dict[int, str] = {}
        self.fields: dict[int, InputField | None] = {}
        self.last_press: dict[int, tuple[str, int]] = {}
        self._next_user = FIRST_USER
        self.app: Assembled | None = None
        self._services: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------- process
    async def start(self) -> None:
        self.sessions = polling_sessions(self.pool)  # as the polling instance keeps them
        # admins are added as explorer admins are made; the runtime only asks ``in``
        deps = Dependencies(
            bundle=self.bundle,
            pool=self.pool,
            bot=self.bot,
            admin_ids=cast(frozenset[int], self.admins),
            kie_url=self.sandbox.base_url,
            kie_key=self.sandbox.api_key,
            kie_upload_url=self.sandbox.upload_url,
            fetch_policy=AddressPolicy.allowing(self.sandbox.base_url),
            runner_options=RunnerOptions(idle_sleep=0.02, poll_delay=lambda elapsed: 0.02),
            # paths found by one user are replayed as another: every user must see the same
            # screens, so each A/B split shows the screen it tests (the linter checks variants)
            split_winners=ControlVariants(self.bundle),
        )
        self.app = assemble(deps, self.extra_plugins, sessions=self.sessions)
        self._services = await self.app.start_services()

    async def stop(self) -> None:
        if self.app is not None:
            await self.sessions.flush()
            await self.app.stop_services(self._services)
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def runtime(self) -> Any:
        assert self.app is not None
        return self.app.runtime

    # --------------------------------------------------------------------- users
    async def new_user(self, role: Role, language: str) -> int:
        user = self._next_user
        self._next_user += 1
        self.emulator.add_user(EmulatedUser(user, f"Explorer {user}", language, username=f"explorer{user}"))
        self.languages[user] = language
        if role is Role.ADMIN:
            self.admins.add(user)
        wallet = self._wallet()
        if wallet is not None:
            await self._restore_settings(wallet)
            await wallet.credit(user, FUNDS, Kind.ADJUSTMENT, f"explorer-{user}")
        return user

    def _wallet(self) -> Wallet | None:
        plugins = self.app.kit.plugins if self.app else ()
        return next((p.wallet for p in plugins if isinstance(p, WalletPlugin)), None)

    async def _restore_settings(self, wallet: Wallet) -> None:
        """Every explorer user starts in the same world: the money settings as the run began.

        An admin's try may change a setting (the explorer types "500" into each: a valid FX
        rate or daily free limit, an admin action that would make every later price five
        times dearer, and every label showing the setting different). Each conversation
        lives with its own changes, and the next one starts from the defaults again, so a
        path replays to what it showed the first time. Receipts and balances, the other
        shared state, are not restored: a replay finds a decided receipt's button by shape
        (another receipt's), and one that finds none is a note."""
        if await self.pool.fetchval("DELETE FROM wallet_settings RETURNING 1") is not None:
            wallet.settings.invalidate()

    def commands(self, role: Role) -> list[str]:
        names = list(self.bundle.commands)
        return ["start", *[n for n in names if n != "start"]]

    # ------------------------------------------------------------------- actions
    async def command(self, user: int, name: str) -> Reply:
        return await self._act(user, lambda: self._message(user, f"/{name}"))

    async def text(self, user: int, text: str) -> Reply:
        return await self._act(user, lambda: self._message(user, text))

    async def upload(self, user: int, kind: str) -> Reply:
        return await self._act(user, lambda: self._upload(user, kind))

    async def press(self, user: int, message_id: int, label: str) -> Reply:
        try:
            _, button = self.emulator.actions.find_button(user, label, message_id)
        except EmulatorError:
            raise Gone(label) from None
        if "callback_data" not in button:
            raise Gone(label)
        self.last_press[user] = (button["callback_data"], message_id)
        return await self._act(user, lambda: self.emulator.actions.press(user, label, message_id))

    async def press_again(self, user: int) -> Reply:
        data, message_id = self.last_press[user]
        return await self._act(user, lambda: self.emulator.actions.press_data(user, data, message_id))

    def _message(self, user: int, text: str) -> None:
        self.emulator.actions.send_text(user, text)

    def _upload(self, user: int, kind: str) -> None:
        if kind == "sticker":
            self._sticker(user)
            return
        spec = self.fields.get(user)
        mime = DEFAULT_MIME.get(kind, "application/octet-stream")
        if spec is not None and spec.accept:
            mime = next((m for m in spec.accept if m.startswith(mime.split("/")[0])), mime)
        data, name = sample(mime)
        seconds = max(1, min(3, int(spec.max_seconds))) if spec and spec.max_seconds else 2
        duration = seconds if kind in ("audio", "video") else None
        self.emulator.actions.send_media(
            user, MEDIA_METHODS.get(kind, "document"), data, name, mime, duration=duration
        )

    def _sticker(self, user: int) -> None:
        """The emulator has no stickers: a message with one, as Telegram would deliver it."""
        state = self.emulator.state
        state.last_action_seq[user] = state.seq
        message = state.add_message(user, from_bot=False, text=None)
        payload = state.message_api(message)
        payload["sticker"] = {
            "file_id": f"sticker-{uuid.uuid4().hex[:8]}",
            "file_unique_id": "explorer-sticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "🙂",
        }
        state.updates.push("message", payload)

    async def _act(self, user: int, produce: Callable[[], Any]) -> Reply:
        mark = self.emulator.mark()
        logged = len(self.incidents.seen)
        errors = self.runtime.stats["errors"]
        query_id = produce()
        await self._deliver()
        await self._settle(user)
        incidents = list(self.incidents.seen[logged:])
        if self.runtime.stats["errors"] > errors and not incidents:
            incidents.append("the runtime counted an internal error")
        answers = self.emulator.state.callback_answers
        answer = (
            next((a for a in answers if a.query_id == query_id), None) if isinstance(query_id, str) else None
        )
        messages = [m for m in self.emulator.bot_messages(user) if m.seq > mark]
        place = await self._place(user)
        return Reply(
            tuple(self._shown(m) for m in messages),
            place,
            answered=answer is not None,
            answer=answer.text if answer else None,
            incidents=tuple(incidents),
        )

    async def _deliver(self) -> None:
        assert self.app is not None
        queue = self.emulator.state.updates
        while queue.pending:
            batch, queue.pending = queue.pending, []
            for update in batch:
                try:
                    await self.app.dispatcher.feed_raw_update(self.bot, update)
                except Exception as exc:  # whatever escapes the bot is an incident to report
                    self.incidents.seen.append(f"update escaped the bot: {exc!r}")

    async def _settle(self, user: int) -> None:
        """Wait while a generation this user started is running, till its result is out."""
        deadline = time.monotonic() + JOB_WAIT
        while await self.pool.fetchval(UNFINISHED_JOBS, user):
            if time.monotonic() > deadline:
                self.incidents.seen.append("a generation did not finish in time")
                return
            await self.emulator.state.changed(0.02)
        await self._deliver()

    async def _place(self, user: int) -> Place:
        session = await self.sessions.load(user, user, self.languages.get(user, "ru"))
        markup = None
        for message in reversed(self.emulator.bot_messages(user)):
            if self._screen_of(message) == session.screen and message.reply_markup:
                markup = message.reply_markup
                break
        place, spec = place_of(self.bundle, session, markup)
        self.fields[user] = spec
        return place

    def _screen_of(self, message: ChatMessage) -> str | None:
        for row in message.inline_keyboard:
            for button in row:
                data = CallbackData.decode(button.get("callback_data"))
                if data is not None and data.screen in self.bundle.screens:
                    return data.screen
        return None

    def _shown(self, message: ChatMessage) -> Shown:
        pressable = tuple(b["text"] for row in message.inline_keyboard for b in row if "callback_data" in b)
        other = tuple(b["text"] for row in message.inline_keyboard for b in row if "callback_data" not in b)
        return Shown(message.message_id, message.content, pressable, other, self._screen_of(message))


@contextlib.asynccontextmanager
async def make_driver(
    root: Path | None = None,
    extra_plugins: Sequence[Plugin] = (),
    dsn: str | None = None,
    checked: bool = True,
    declarations: PluginSet | None = None,
) -> AsyncIterator[ExploreDriver]:
    """The driver over ``root`` (the shipped bundle by default) with a fresh database on
    ``dsn``, else TEST_DATABASE_URL or DATABASE_URL, else an embedded PostgreSQL.

    ``declarations`` are what the bundle is linted against (a small project's own plug-ins);
    ``checked=False`` skips the lint, to show what the explorer finds behind a lint gap."""
    async with AsyncExitStack() as stack:
        server = stack.enter_context(
            scratch_server(dsn or os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL"))
        )
        name = f"explore_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(server)
        await admin.execute(f'CREATE DATABASE "{name}"')

        async def drop() -> None:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()

        stack.push_async_callback(drop)
        conn = await asyncpg.connect(with_database(server, name))
        try:
            await migrate(conn)
        finally:
            await conn.close()
        pool = await open_database(with_database(server, name), max_size=10)
        stack.push_async_callback(pool.close)
        emulator = await stack.enter_async_context(TelegramEmulator(users=[]))
        # Kie.ai credits are not what the explorer checks: enough for every generation
        sandbox = await stack.enter_async_context(KieSandbox(credits=SANDBOX_CREDITS))
        driver = ExploreDriver(
            emulator, sandbox, pool, root or PROJECT_ROOT, extra_plugins, checked, declarations
        )
        stack.push_async_callback(driver.bot.session.close)
        logging.getLogger().addHandler(driver.incidents)
        stack.callback(logging.getLogger().removeHandler, driver.incidents)
        await driver.start()
        stack.push_async_callback(driver.stop)
        yield driver
