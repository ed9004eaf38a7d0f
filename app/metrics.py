"""Prometheus metrics: what an operator watches, in prometheus-client's exposition format.

Counters and histograms are this instance's own (updates, Bot API calls, Kie.ai requests).
Jobs and money are read from PostgreSQL at scrape time, so every instance reports the same
bot-wide figures: sum the per-instance series, take the database ones from any one instance.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial
from typing import Any

import asyncpg
from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from engine.telegram.pace import Priority, SendPace

# seconds: a reply is expected well under a second, a Kie.ai call may take a few
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
KIE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

_JOBS = """
SELECT state, model, count(*) AS n FROM jobs
 WHERE created_at >= now() - interval '24 hours' OR state IN ('created', 'submitting', 'submitted', 'running')
 GROUP BY state, model
"""
_MONEY = """
SELECT
  (SELECT coalesce(sum(amount), 0) FROM ledger WHERE kind IN ('topup_stars', 'topup_receipt')) AS money_in,
  (SELECT coalesce(sum(amount), 0) FROM holds WHERE state = 'captured') AS spent,
  (SELECT coalesce(sum(amount), 0) FROM ledger WHERE kind = 'refund') AS refunded
"""


class DatabaseFigures(Collector):
    """Jobs and money as last read by :meth:`refresh` (the scrape handler calls it first)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, str, int]] = []
        self.money: Mapping[str, int] = {}

    async def refresh(self, pool: asyncpg.Pool) -> None:
        rows = await pool.fetch(_JOBS)
        self.jobs = [(row["state"], row["model"], int(row["n"])) for row in rows]
        money = await pool.fetchrow(_MONEY)
        self.money = {key: int(money[key]) for key in ("money_in", "spent", "refunded")} if money else {}

    def collect(self) -> Iterable[GaugeMetricFamily | CounterMetricFamily]:
        jobs = GaugeMetricFamily(
            "bot_jobs",
            "Generations by state and model: those in flight, and those created in the last 24 hours",
            labels=["state", "model"],
        )
        for state, model, n in self.jobs:
            jobs.add_metric([state, model], n)
        yield jobs
        money = CounterMetricFamily(
            "bot_money_kopecks", "Money since the start, from the ledger (bot-wide)", labels=["flow"]
        )
        for flow, key in (("in", "money_in"), ("spent", "spent"), ("refunded", "refunded")):
            if key in self.money:
                money.add_metric([flow], abs(self.money[key]))
        yield money


class Metrics:
    """One registry per process (tests make their own, so no global state leaks between them)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("bot_updates", "Updates received, by kind", ["kind"], registry=r)
        self.handling = Histogram(
            "bot_update_handling_seconds",
            "Time from an update's arrival to the end of its handling",
            ["kind"],
            buckets=HANDLING_BUCKETS,
            registry=r,
        )
        self.api_calls = Counter(
            "telegram_api_calls", "Bot API calls, by method and outcome", ["method", "outcome"], registry=r
        )
        self.api_rate_limited = Counter(
            "telegram_api_rate_limited", "Bot API calls answered 429 (retry_after)", ["method"], registry=r
        )
        self.kie_latency = Histogram(
            "kie_request_seconds",
            "Kie.ai API latency, by endpoint",
            ["endpoint"],
            buckets=KIE_BUCKETS,
            registry=r,
        )
        self.kie_errors = Counter("kie_errors", "Kie.ai API errors, by kind", ["kind"], registry=r)
        self.send_queue = Gauge(
            "telegram_send_queue_depth",
            "Sends waiting for the outgoing rate limit, by priority",
            ["priority"],
            registry=r,
        )
        self.send_wait = Histogram(
            "telegram_send_wait_seconds",
            "Time a send waited for the outgoing rate limit, by priority",
            ["priority"],
            buckets=HANDLING_BUCKETS,
            registry=r,
        )
        self.database = DatabaseFigures()
        r.register(self.database)
        self._engine = _EngineStats(dict)
        r.register(self._engine)
        self._instrumented: set[int] = set()  # bots whose session already reports its calls

    def watch_engine(self, read: Callable[[], Mapping[str, int]]) -> None:
        """Report the interpreter's counters (read at each scrape); a reloaded runtime's
        replace the one before."""
        self._engine.read = read

    def instrument(self, bot: Bot) -> None:
        """Count the bot's API calls, once however often the plug-ins are rebuilt around it."""
        if id(bot) not in self._instrumented:
            self._instrumented.add(id(bot))
            bot.session.middleware(ApiCallMetrics(self))

    def watch_pace(self, pace: SendPace) -> None:
        """Report the outgoing rate limiter's queues (read at each scrape)."""
        for level in Priority:
            self.send_queue.labels(level.name.lower()).set_function(partial(pace.depth, level))

    def send_waited(self, level: Priority, seconds: float) -> None:
        """Called by the rate limiter when a send has had its turn."""
        self.send_wait.labels(level.name.lower()).observe(seconds)

    def kie_observer(self, endpoint: str, seconds: float, error: str | None) -> None:
        """Called by the Kie.ai client after each request (plugins.integrations.kie)."""
        self.kie_latency.labels(endpoint).observe(seconds)
        if error is not None:
            self.kie_errors.labels(error).inc()

    async def exposition(self, pool: asyncpg.Pool | None) -> bytes:
        if pool is not None:
            await self.database.refresh(pool)
        return generate_latest(self.registry)


class _EngineStats(Collector):
    """The interpreter's own counters (stale presses, errors, flood turned away …)."""

    def __init__(self, read: Callable[[], Mapping[str, int]]) -> None:
        self.read = read

    def collect(self) -> Iterable[CounterMetricFamily]:
        family = CounterMetricFamily("bot_engine_events", "The flow engine's own counters", labels=["event"])
        for name, value in sorted(self.read().items()):
            family.add_metric([name], value)
        yield family


class UpdateMetrics(BaseMiddleware):
    """Outer middleware on the dispatcher's updates: counts them by kind and times them."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__.lower()
        self.metrics.updates.labels(kind).inc()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            self.metrics.handling.labels(kind).observe(time.perf_counter() - started)


class ApiCallMetrics(BaseRequestMiddleware):
    """Request middleware on the bot's session: every Bot API call by method and outcome."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Any,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = type(method).__name__
        try:
            response = await make_request(bot, method)
        except TelegramRetryAfter:
            self.metrics.api_rate_limited.labels(name).inc()
            self.metrics.api_calls.labels(name, "rate_limited").inc()
            raise
        except Exception as exc:
            self.metrics.api_calls.labels(name, type(exc).__name__).inc()
            raise
        self.metrics.api_calls.labels(name, "ok").inc()
        return response
