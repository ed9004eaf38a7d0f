"""Wire the built-in plug-ins to their dependencies, and the interpreter to the plug-ins: one
place that knows who needs what, shared by ``main`` and the tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol, TypedDict

import asyncpg
from aiogram import Bot, Dispatcher, Router
from aiohttp import web

from app.config import Config
from app.logs import UpdateLogFields
from app.metrics import Metrics, UpdateMetrics
from engine.files.source import FileSource
from engine.loader.bundle import Bundle
from engine.plugin import Plugin, PluginSet
from engine.runtime.interpreter import Runtime
from engine.runtime.pg_sessions import PgSessionStore
from engine.runtime.session import SessionStore
from engine.runtime.splits import WinnerSource
from engine.storage.events import PgEventWriter, PgSplitWinners
from engine.telegram import outgoing
from engine.telegram.files import TelegramFiles
from engine.telegram.flood import FloodLimit
from engine.telegram.messenger import AiogramMessenger
from engine.telegram.pace import SendLimits, SendPace
from engine.telegram.pace_share import PaceShare
from engine.telegram.router import build_dispatcher
from plugins.admin.alerts import StaffAlerts
from plugins.admin.broadcast_wiring import broadcasts
from plugins.admin.kie_alert import KieBalanceAlert
from plugins.admin.models import ModelsPlugin
from plugins.admin.money import MoneyPlugin
from plugins.admin.settings_plugin import SettingsPlugin
from plugins.admin.wiring import AdminConsole, admin_console
from plugins.catalog.plugin import CatalogPlugin
from plugins.catalog.prices import ModelPrices
from plugins.finding.clock import Clock
from plugins.finding.plugin import FindingPlugin
from plugins.funnels.plugin import FunnelsPlugin
from plugins.generation.breaker import Breakers
from plugins.generation.callbacks import callback_routes, callback_url
from plugins.generation.delivery import Delivery
from plugins.generation.inputs import InputBuilder
from plugins.generation.plugin import GenerationPlugin, money_settlers
from plugins.generation.runner import JobRunner
from plugins.generation.store import JobStore
from plugins.generation.views import job_names
from plugins.growth.notifier import RewardNotifier
from plugins.growth.plugin import GrowthPlugin
from plugins.growth.referrals import reverse_referral_for_topup
from plugins.growth.runs import PromoRuns
from plugins.integrations.kie.client import KieClient
from plugins.integrations.public_fetch import AddressPolicy, PublicFetcher
from plugins.news import NewsPlugin
from plugins.payments.plugin import PaymentsPlugin
from plugins.payments.router import FormReturn, payments_router
from plugins.user import UserPlugin
from plugins.wallet.plugin import WalletPlugin
from plugins.wallet.settings_watch import SettingsWatch


class RunnerOptions(TypedDict, total=False):
    """The job runner's pace, for tests and benchmarks (see ``JobRunner``)."""

    concurrency: int
    batch: int
    idle_sleep: float
    lease: timedelta
    poll_delay: Callable[[float], float]
    retry_delay: Callable[[int], float]
    status_every: float


class BroadcastOptions(TypedDict, total=False):
    """The broadcast worker's pace, for tests (see ``BroadcastWorker``)."""

    lease: timedelta
    idle: float
    progress_every: float


@dataclass(frozen=True, kw_only=True)
class Dependencies:
    """What the built-in plug-ins depend on. A dataclass, not ``**kwargs``: a misspelt name is
    a TypeError at start (and a type checker's error before)."""

    bundle: Bundle
    pool: asyncpg.Pool
    bot: Bot
    kie_url: str
    kie_key: str
    kie_upload_url: str | None = None  # None: uploads go to kie_url (the sandbox serves both)
    config: Config | None = None
    admin_ids: frozenset[int] = frozenset()
    flood: FloodLimit | None = None  # per-user flood control; None: off (tests drive fast)
    #: non-public host:port pairs results may still come from: the local sandbox's, never more
    fetch_policy: AddressPolicy = field(default_factory=AddressPolicy)
    runner_options: RunnerOptions = field(default_factory=lambda: RunnerOptions())
    files: FileSource | None = None  # None: files are read from Telegram through ``bot``
    metrics: Metrics | None = None  # None: nothing is measured (tests that do not look)
    broadcast_options: BroadcastOptions = field(default_factory=lambda: BroadcastOptions())
    #: the A/B splits' chosen winners; None: those admins chose (table split_winners)
    split_winners: WinnerSource | None = None
    #: Telegram's limits on outgoing sends (production: ``config.send_limits``); None: only the
    #: progress and broadcast caps, no bot-wide or per-chat limit (tests drive fast)
    send_limits: SendLimits | None = None
    dsn: str | None = None  # the database's address: the send pace's share keeps a connection of its own


class Service(Protocol):
    """Something that runs beside the bot (the job runner) until stopped."""

    async def run(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class PluginKit:
    plugins: list[Plugin]
    services: list[Service] = field(default_factory=list)
    routes: list[web.RouteDef] = field(default_factory=list)
    routers: list[Router] = field(default_factory=list)  # run before the flows' router
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)  # at shutdown
    files: FileSource | None = None  # where forms read the files users send
    admin: AdminConsole | None = None
    attach: list[Callable[[Runtime], None]] = field(default_factory=list)  # once the runtime exists
    pace: SendPace | None = None  # the bot's outgoing rate limit (engine.telegram.outgoing)


def build_plugins(deps: Dependencies) -> PluginKit:
    """The running plug-ins, given what they depend on."""
    bundle, pool, bot, config = deps.bundle, deps.pool, deps.bot, deps.config
    kie_url, kie_key, kie_upload_url = deps.kie_url, deps.kie_key, deps.kie_upload_url
    client = KieClient(
        kie_key,
        base_url=kie_url,
        upload_url=kie_upload_url or kie_url,
        observer=deps.metrics.kie_observer if deps.metrics else None,
    )
    files = deps.files or TelegramFiles(bot)
    pace = send_pace(deps)
    clock = Clock(bundle, pool)  # each user's time zone, for every date shown
    store = JobStore(pool)
    wallet_plugin = WalletPlugin(pool, files=files, clock=clock, job_names=job_names(store, bundle))
    wallet = wallet_plugin.wallet

    fetcher = PublicFetcher(deps.fetch_policy)
    delivery = Delivery(bot, client, bundle, fetcher)
    promo_runs = PromoRuns(pool)  # free runs from promo codes (plugins/growth)
    on_success, on_failure = money_settlers(wallet, promo_runs)
    public_url = str(config.public_url) if config and config.public_url else None
    secret = config.kie_callback_secret.get_secret_value() if config and config.kie_callback_secret else None
    hmac_key = (
        config.kie_webhook_hmac_key.get_secret_value() if config and config.kie_webhook_hmac_key else None
    )
    make_url = (lambda job: callback_url(public_url, secret, job)) if public_url and secret else None
    admin = admin_console(pool, bundle, bot, wallet, deps.admin_ids, kie_balance=client.credits)
    alerts = StaffAlerts(pool, bundle, bot, admin.roles)
    breakers = Breakers(pool, alert=alerts, credits=client.credits)
    kie_alert = KieBalanceAlert(pool, alerts, wallet, client.credits)
    options = RunnerOptions(**deps.runner_options)
    if config is not None:
        options.setdefault("lease", timedelta(seconds=config.job_lease_seconds))
    runner = JobRunner(
        store,
        client,
        InputBuilder(files, client),
        delivery,
        bundle,
        settle_success=on_success,
        settle_failure=on_failure,
        callback_url=make_url,
        breakers=breakers,
        pace=pace,
        **options,
    )
    runner.finished_hooks.append(kie_alert.nudge)  # a job spent credits: check Kie.ai's balance soon
    prices = ModelPrices(wallet)  # one overrides cache per instance, shared by all readers
    generation = GenerationPlugin(
        bundle,
        store,
        wallet,
        wake=runner.wake,
        prices=prices,
        breakers=breakers,
        clock=clock,
        extra_runs=promo_runs,
    )
    routes = callback_routes(store, runner, secret, hmac_key) if secret else []
    catalog = CatalogPlugin(bundle, wallet, prices, clock)
    payments = PaymentsPlugin(bundle, bot, wallet, deps.admin_ids)
    models = ModelsPlugin(pool, bundle, prices, admin.roles)
    finding = FindingPlugin(bundle, pool, prices, clock)
    money = MoneyPlugin(pool, bundle, bot, wallet, admin.roles)
    money.refunds.on_done.append(reverse_referral_for_topup)  # a refunded top-up's reward goes back
    settings = SettingsPlugin(bundle, wallet, admin.roles)
    form_return = FormReturn()
    for notices in (payments.notices, money.notices):  # an approved receipt, like paid Stars
        notices.on_credited.append(form_return.after_credit)
    sending = broadcasts(  # the pace's broadcast rate follows the admins' setting, per chunk
        pool, bundle, bot, admin.roles, pace, settings=wallet.get_settings, **deps.broadcast_options
    )
    growth = GrowthPlugin(pool, bundle, bot)
    funnels = FunnelsPlugin(pool, bundle, bot, admin.roles)
    return PluginKit(
        [
            UserPlugin(),
            wallet_plugin,
            payments,
            catalog,
            generation,
            finding,
            admin.plugin,
            models,
            money,
            settings,
            sending.plugin,
            NewsPlugin(pool),
            growth,
            funnels,
        ],
        routers=[admin.router, sending.router, payments_router(bundle, wallet, form_return)],
        services=[
            admin.watch,
            runner,
            sending.worker,
            money,
            SettingsWatch(pool, wallet.settings),
            kie_alert,
            RewardNotifier(pool, bundle, bot),
            *([PaceShare(pool, pace, bot.id, dsn=deps.dsn)] if pace.limits.rate is not None else []),
        ],
        routes=routes,
        closers=[client.close, fetcher.close],
        files=files,
        admin=admin,
        attach=[form_return.attach],
        pace=pace,
    )


def send_pace(deps: Dependencies) -> SendPace:
    """The bot's outgoing rate limit, installed on its session once (a reload keeps it)."""
    limits = deps.send_limits or SendLimits(
        rate=None,
        chat_rate=None,
        group_per_minute=None,
    )
    observe = deps.metrics.send_waited if deps.metrics else None
    pace = outgoing.install(deps.bot, limits, observe=observe)
    if deps.metrics is not None:
        deps.metrics.watch_pace(pace)
    return pace


@dataclass
class Assembled:
    runtime: Runtime
    dispatcher: Dispatcher
    kit: PluginKit

    async def start_services(self) -> list[asyncio.Task[None]]:
        return [asyncio.create_task(service.run()) for service in self.kit.services]

    async def stop_services(self, tasks: list[asyncio.Task[None]]) -> None:
        for service in self.kit.services:
            await service.stop()
        for task in tasks:
            task.cancel()
        for close in self.kit.closers:
            await close()


def assemble(
    deps: Dependencies, extra_plugins: Sequence[Plugin] = (), sessions: SessionStore | None = None
) -> Assembled:
    """The interpreter, its dispatcher and the plug-ins' services."""
    kit = build_plugins(deps)
    plugin_set = PluginSet.of([*kit.plugins, *extra_plugins])
    # ctx.is_admin: anyone with a role (owners are ADMIN_IDS); guards tell the roles apart
    staff = kit.admin.roles if kit.admin else deps.admin_ids
    retention = deps.config.event_retention_days if deps.config else 90
    events = PgEventWriter(deps.pool, retention_days=retention)
    kit.services.append(events)
    runtime = Runtime(
        deps.bundle,
        plugin_set,
        sessions or PgSessionStore(deps.pool),
        AiogramMessenger(deps.bot, deps.bundle.root / "models"),
        staff,
        files=kit.files,
        events=events,
        winners=deps.split_winners or PgSplitWinners(deps.pool),
    )
    if kit.admin:
        kit.admin.attach(runtime)
    for attach in kit.attach:
        attach(runtime)
    for plugin in kit.plugins:
        if isinstance(plugin, FunnelsPlugin):
            plugin.runtime = runtime
    dispatcher = build_dispatcher(runtime, *kit.routers, flood=deps.flood)
    dispatcher.update.outer_middleware(UpdateLogFields())
    if deps.metrics is not None:
        deps.metrics.watch_engine(lambda: runtime.stats)
        dispatcher.update.outer_middleware(UpdateMetrics(deps.metrics))
        deps.metrics.instrument(deps.bot)
    return Assembled(runtime, dispatcher, kit)
