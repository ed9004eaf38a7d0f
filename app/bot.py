"""Assemble and run the bot: database, bundle, plug-ins, interpreter, aiogram, HTTP health.

With no ``TELEGRAM_BOT_TOKEN`` everything runs locally (see app.local_services): an embedded
PostgreSQL, the Telegram emulator with its web chat, and the Kie.ai sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import signal
import socket
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from asyncpg.pool import PoolConnectionProxy
from prometheus_client import CONTENT_TYPE_LATEST

from app.access_log import RedactedAccessLogger
from app.assembly import Dependencies, assemble
from app.config import Config
from app.lint_verdict import bundle_key, known_clean, remember_clean, remembered_bundle
from app.metrics import Metrics
from app.project import project
from app.webhook import add_webhook, serialize_updates, serve_webhook, shared_sessions
from engine.loader.bundle import LANGUAGES, Bundle, load_bundle
from engine.loader.errors import BundleLoadError
from engine.loader.snapshot import snapshot
from engine.plugin import PluginSet
from engine.project import register_lint_rules
from engine.runtime.interpreter import Runtime
from engine.runtime.pg_sessions import PgSessionStore
from engine.storage.connection import Connection
from engine.storage.database import open_database
from engine.telegram.response_models import hold_as_used
from plugins.admin.commands import CommandMenus, menu
from plugins.integrations.public_fetch import AddressPolicy

if TYPE_CHECKING:  # hot reload is the local preview's: it lints, and production has no use for it
    from app.reload import PreviewReloader

log = logging.getLogger("bot")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SESSION_CACHE = 50_000  # sessions the polling instance keeps in memory (a few KB each)
SHUTDOWN_GRACE = 3.0  # seconds for updates in hand to finish
POLLING_LOCK = 0x4B1E_B07  # only one instance may poll Telegram: it holds this advisory lock


class StartupError(Exception):
    """Start-up cannot go on; the message says why, for the person starting it."""


def load_checked_bundle(
    root: Path = PROJECT_ROOT, declarations: PluginSet | None = None, verdicts: Path | None = None
) -> Bundle:
    """Refuse to start on flows that do not load or lint clean: a broken flow never runs.

    ``verdicts``: where a clean verdict is remembered (app.lint_verdict); the same bundle and
    code are then not linted again, and the bundle kept with the verdict is read back instead
    of loaded."""
    key = bundle_key(root) if verdicts is not None and declarations is None else None
    clean = False
    if key is not None and verdicts is not None:
        clean = known_clean(verdicts, key)
        remembered = remembered_bundle(verdicts, key, root.resolve()) if clean else None
        if remembered is not None:
            return remembered
    try:
        bundle = load_bundle(root)
    except BundleLoadError as exc:
        from engine.lint.linter import format_text

        raise StartupError("the flows cannot be loaded:\n" + format_text(exc.problems)) from exc
    # as loaded: the linter parses the texts and locates values, which a start has no use for
    kept = snapshot(bundle) if key is not None else None
    if not clean:
        # the linter and its rules are imported only when there is linting to do
        from engine.lint.linter import format_text, has_errors, lint

        register_lint_rules(project)
        problems = lint(bundle, declarations or project.declarations())
        if has_errors(problems):
            raise StartupError("the flows do not lint clean:\n" + format_text(problems))
    if key is not None and verdicts is not None:
        remember_clean(verdicts, key, kept)
    return bundle


def make_bot(token: str, api_url: str | None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else None
    bot = Bot(token, session=session)
    hold_as_used(bot)
    return bot


async def publish_commands(bot: Bot, runtime: Runtime, menus: CommandMenus | None = None) -> None:
    """Telegram's command menu, in each language, from the flows' command descriptions:
    commands of guarded screens (``/admin``) only in the chats of those who pass the guard."""
    for language in LANGUAGES:
        await bot.set_my_commands(
            menu(runtime.bundle, language, None), language_code=None if language == "ru" else language
        )
    if menus is not None:
        await menus.publish_staff()


async def hold_polling_lock(pool: asyncpg.Pool) -> PoolConnectionProxy:
    """Wait until this instance is the one that polls; the lock lives as long as the connection."""
    conn = await pool.acquire()
    warned = False
    while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", POLLING_LOCK):
        if not warned:
            log.warning("another instance is polling Telegram; waiting for its lock")
            warned = True
        await asyncio.sleep(5)
    return conn


async def watch_polling_lock(conn: Connection, every: float = 5.0) -> None:
    """Return when the connection holding the polling lock is gone (and the lock with it):
    another instance may poll now, and this one's session cache would no longer be sound."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout=every)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return


async def release_polling_lock(pool: asyncpg.Pool, conn: PoolConnectionProxy) -> None:
    try:
        await conn.execute("SELECT pg_advisory_unlock($1)", POLLING_LOCK)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        pass  # the connection is gone, and the lock went with it
    finally:
        await pool.release(conn)


@dataclass
class Readiness:
    """Whether this instance takes traffic: false from the moment it starts shutting down."""

    accepting: bool = True


def health_app(
    pool: asyncpg.Pool, runtime: Runtime, metrics: Metrics | None = None, readiness: Readiness | None = None
) -> web.Application:
    """``/health``: the process lives; ``/ready``: it takes traffic (database answers, not
    draining); ``/metrics``: Prometheus's exposition format."""

    async def database_problem() -> str | None:
        try:
            await asyncio.wait_for(pool.fetchval("SELECT 1"), timeout=5)
        except Exception as exc:  # whatever keeps the database away, the answer is "not ready"
            return type(exc).__name__
        return None

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def ready(_: web.Request) -> web.Response:
        if readiness is not None and not readiness.accepting:
            return web.json_response({"status": "draining"}, status=503)
        problem = await database_problem()
        if problem is not None:
            return web.json_response({"status": "unready", "database": problem}, status=503)
        return web.json_response({"status": "ready"})

    async def metrics_page(_: web.Request) -> web.Response:
        if metrics is None:
            lines = [f"bot_{name}_total {value}" for name, value in sorted(runtime.stats.items())]
            return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")
        body = await metrics.exposition(pool)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/metrics", metrics_page)
    return app


def http_app(
    pool: asyncpg.Pool,
    runtime: Runtime,
    routes: list[web.RouteDef],
    metrics: Metrics | None = None,
    readiness: Readiness | None = None,
) -> web.Application:
    """Health, readiness and metrics, and the plug-ins' routes (Kie.ai callbacks)."""
    http = health_app(pool, runtime, metrics, readiness)
    http.add_routes(routes)
    return http


async def serve_http(
    http: web.Application, host: str, port: int, sock: socket.socket | None = None
) -> web.AppRunner:
    """Serve it (on ``sock`` when given), with an access log that redacts secrets in paths."""
    runner = web.AppRunner(http, access_log_class=RedactedAccessLogger)
    await runner.setup()
    site = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)
    await site.start()
    return runner


def polling_sessions(pool: asyncpg.Pool) -> PgSessionStore:
    """The sessions of the one instance that polls (it holds the polling lock, so no other
    process writes them): read from memory, written behind (see ``PgSessionStore``)."""
    return PgSessionStore(pool, cache_size=SESSION_CACHE, write_behind=True)


def _local_part(module: str, setting: str) -> Any:
    """A module of the local set-up (embedded PostgreSQL, emulators), imported only when used:
    a production image ships without them, and then the missing ``setting`` is the answer."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise StartupError(
            f"{setting} is not set, and this installation has no local stand-in for it"
        ) from exc


async def run(config: Config) -> None:
    # The code imported by now, and then the flows, live as long as the process: out of the
    # cyclic collector's sight (gc.freeze), a full collection no longer walks their 10^5–10^6
    # objects again — at start-up the bundle's allocations set off several such walks (0.5 s
    # of a start), and in service each one would cost as much, for objects that never die.
    # main.py keeps the collector off until here (the few cycles the imports left are frozen
    # with the rest: a collection would cost more than the memory they hold).
    gc.freeze()
    bundle = load_checked_bundle(verdicts=PROJECT_ROOT / config.data_dir)
    gc.freeze()
    gc.enable()
    async with AsyncExitStack() as stack:
        dsn = await database_dsn(config, stack)
        pool = await open_database(dsn, max_size=config.database_pool_size)
        stack.push_async_callback(pool.close)
        # conversation state: its own pool that does not wait for the disk on commit; polling,
        # a read cache that is sound because only this instance polls (it holds the lock
        # below); by webhook, read from the table under the user's lock (app.webhook)
        session_pool = await open_database(dsn, durable=False, max_size=config.database_pool_size)
        stack.push_async_callback(session_pool.close)
        sessions = shared_sessions(session_pool) if config.webhook else polling_sessions(session_pool)
        stack.push_async_callback(sessions.flush)  # queued writes land before the pool closes

        admin_ids = set(config.admin_ids)
        emulator = None  # the local Telegram: its web chat shows reload problems and the graph
        if config.telegram_bot_token is None:
            start_local_telegram = _local_part(
                "app.local_services", "TELEGRAM_BOT_TOKEN"
            ).start_local_telegram
            telegram = await start_local_telegram(config, stack)
            token, api_url, emulator = telegram.token, telegram.api_url, telegram.emulator
            admin_ids |= telegram.admin_ids
        else:
            token = config.telegram_bot_token.get_secret_value()
            api_url = str(config.telegram_api_url).rstrip("/") if config.telegram_api_url else None
        kie_url = str(config.kie_api_url).rstrip("/")
        kie_key = config.kie_api_key.get_secret_value() if config.kie_api_key else None
        # results come from public addresses only; the sandbox's own is the one exception
        fetch_policy = AddressPolicy.allowing(kie_url) if config.kie_sandbox else AddressPolicy()
        if kie_key is None:
            if config.telegram_bot_token is not None and not config.kie_sandbox:
                raise StartupError(
                    "KIE_API_KEY is not set: real Telegram users would pay for sandbox results."
                    " Set KIE_API_KEY, or KIE_SANDBOX=1 to try the bot against the local sandbox."
                )
            start_local_kie = _local_part("app.local_services", "KIE_API_KEY").start_local_kie
            kie = await start_local_kie(config, stack)
            kie_url, kie_key = kie.api_url, kie.api_key
            fetch_policy = AddressPolicy.allowing(kie_url)

        bot = make_bot(token, api_url)
        stack.push_async_callback(bot.session.close)
        metrics, readiness = Metrics(), Readiness()
        deps = Dependencies(
            bundle=bundle,
            pool=pool,
            bot=bot,
            admin_ids=frozenset(admin_ids),
            kie_url=kie_url,
            kie_key=kie_key,
            kie_upload_url=str(config.kie_upload_url).rstrip("/") if config.kie_api_key else None,
            config=config,
            flood=config.flood_limit,
            fetch_policy=fetch_policy,
            metrics=metrics,
            send_limits=config.send_limits,
            dsn=dsn,
        )
        reloader = None
        if config.hot_reload_enabled:
            from app.local_services import preview_reloader

            reloader = preview_reloader(PROJECT_ROOT, project.declarations(), emulator)
        if config.webhook:
            await serve_webhook_mode(deps, sessions, dsn, readiness)
            return
        polling_lock: list[PoolConnectionProxy] = []  # taken once, kept across reloads
        stop = stop_on_signals()
        try:
            while True:
                served = await serve_bundle(
                    replace(deps, bundle=bundle), sessions, polling_lock, stop, readiness, reloader
                )
                if served is None:
                    break
                bundle = served
                log.info("flows reloaded: %d screens", len(bundle.screens))
        finally:
            if polling_lock:
                await release_polling_lock(pool, polling_lock[0])


def stop_on_signals() -> asyncio.Event:
    """Set on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def serve_webhook_mode(
    deps: Dependencies, sessions: PgSessionStore, dsn: str, readiness: Readiness
) -> None:
    """Answer Telegram's webhook requests (any number of instances may) until SIGINT or
    SIGTERM, then drain: new requests are refused (Telegram retries them elsewhere), the ones
    in hand finish within ``DRAIN_SECONDS``. No hot reload here: webhooks are production."""
    config, pool, bot = deps.config, deps.pool, deps.bot
    assert config is not None
    async with AsyncExitStack() as stack:
        app = assemble(deps, sessions=sessions)
        runtime, dispatcher = app.runtime, app.dispatcher
        services = await app.start_services()
        stack.push_async_callback(app.stop_services, services)
        http = http_app(pool, runtime, app.kit.routes, deps.metrics, readiness)
        webhook = add_webhook(http, dispatcher, bot, config)
        lock_pool = await serialize_updates(dispatcher, dsn, config.webhook_lock_connections)
        stack.push_async_callback(lock_pool.close)
        runner = await serve_http(http, config.http_host, config.http_port)
        stack.push_async_callback(runner.cleanup)
        await publish_commands(bot, runtime, app.kit.admin.menus if app.kit.admin else None)
        stop = stop_on_signals()

        async def not_ready_once_stopping() -> None:
            await stop.wait()
            readiness.accepting = False

        flag = asyncio.create_task(not_ready_once_stopping())
        try:
            await serve_webhook(bot, dispatcher, webhook, config, stop)
        finally:
            flag.cancel()
        log.info("shutting down")


async def database_dsn(config: Config, stack: AsyncExitStack) -> str:
    """``DATABASE_URL``, or else an embedded PostgreSQL's, kept running until ``stack`` closes."""
    if config.database_url is not None:
        return config.database_url
    from engine.storage.embedded import start_embedded

    try:
        dsn, server = await asyncio.to_thread(start_embedded, PROJECT_ROOT / config.data_dir / "postgres")
    except RuntimeError as exc:  # the embedded server is not installed (production)
        raise StartupError(str(exc)) from exc
    stack.callback(server.cleanup)
    log.info("embedded PostgreSQL is running (data in %s/postgres)", config.data_dir)
    return dsn


async def serve_bundle(
    deps: Dependencies,
    sessions: PgSessionStore,
    polling_lock: list[PoolConnectionProxy],
    stop: asyncio.Event,
    readiness: Readiness,
    reloader: PreviewReloader | None = None,
) -> Bundle | None:
    """Run the bot on ``deps.bundle`` until asked to stop (None) or, with a reloader, until
    newer flows load and lint clean (returned, to be served next). The plug-ins, interpreter
    and dispatcher are built around the bundle here, so a reload swaps every part that read it;
    sessions, the database, the polling lock and the local services live on outside."""
    config, pool, bot = deps.config, deps.pool, deps.bot
    assert config is not None
    async with AsyncExitStack() as stack:
        app = assemble(deps, sessions=sessions)
        runtime, dispatcher = app.runtime, app.dispatcher
        services = await app.start_services()
        stack.push_async_callback(app.stop_services, services)

        runner = await serve_http(
            http_app(pool, runtime, app.kit.routes, deps.metrics, readiness),
            config.http_host,
            config.http_port,
        )
        stack.push_async_callback(runner.cleanup)

        if not polling_lock:
            polling_lock.append(await hold_polling_lock(pool))
        await publish_commands(bot, runtime, app.kit.admin.menus if app.kit.admin else None)
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("bot is polling; health on http://%s:%s/health", config.http_host, config.http_port)
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
        )
        if reloader is not None:
            await reloader.started(runtime)
        watchdog = asyncio.create_task(watch_polling_lock(polling_lock[0]))
        stopping = asyncio.create_task(stop.wait())
        reloaded: asyncio.Future[Bundle] = (
            asyncio.ensure_future(reloader.next_bundle()) if reloader else asyncio.Future()
        )
        waits: list[asyncio.Future[Any]] = [polling, watchdog, stopping, reloaded]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        lost_lock = watchdog.done()
        if lost_lock:
            log.error(
                "the polling lock was lost: stopping, so that two instances never poll "
                "(a supervisor should start this process again)"
            )
        for task in (watchdog, stopping, reloaded):
            if not task.done():
                task.cancel()
        next_bundle = reloaded.result() if reloaded.done() and not reloaded.cancelled() else None
        if next_bundle is None:
            readiness.accepting = False
        log.info("swapping in the reloaded flows" if next_bundle else "shutting down")
        if not polling.done():
            await dispatcher.stop_polling()
        try:  # a long poll in flight holds no work of ours: do not wait out its timeout
            await asyncio.wait_for(polling, SHUTDOWN_GRACE)
        except (TimeoutError, asyncio.CancelledError, RuntimeError):
            polling.cancel()
        if next_bundle is not None and not await runtime.settle(SHUTDOWN_GRACE):
            log.warning(
                "updates still in hand after %.0f s: the reloaded flows take over anyway", SHUTDOWN_GRACE
            )
        return next_bundle if not lost_lock and not stop.is_set() else None
