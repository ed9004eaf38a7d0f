"""The ``generation`` namespace: price a form, submit it as a paid job, list and repeat jobs.

The price a summary shows comes from ``quote``; ``submit`` recomputes it from the same values
with the same settings and reserves exactly that, in the same transaction as the job row.
"""

from __future__ import annotations

import html
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from pydantic import Field

from engine.loader.bundle import Bundle
from engine.params import ParamType
from engine.plugin import (
    ActionError,
    CallContext,
    ModelRef,
    NoArgs,
    Plugin,
    PluginModel,
    PressResult,
    action,
    query,
)
from engine.schema.catalog import FieldType, ModelEntry
from plugins.catalog.free_badge import free_badge, reader
from plugins.catalog.prices import ModelPrices, Pricing, free_models, model_kopecks
from plugins.catalog.pricing import PricingError, credits_for, price_from
from plugins.generation.breaker import Breakers
from plugins.generation.follow_ups import FollowUps, shown_values
from plugins.generation.job import Job
from plugins.generation.sections import check_section
from plugins.generation.store import JobStore
from plugins.generation.texts import GENERATION_TEXTS
from plugins.generation.views import JobView, job_view
from plugins.wallet.errors import InsufficientFunds
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet
from plugins.wallet.views import UserDates, show_date

JOB_IDS = uuid.UUID("0d7c6b1e-5a1f-4c2e-9b8e-6a0f3c2d1b4a")  # the namespace of jobs' update-derived ids


def job_id_for(ctx: CallContext) -> uuid.UUID | None:
    """The id of the job this update orders: the same when the update is handled again (a
    crash after the job was made, before the user's screen moved on), so it is made once."""
    key = ctx.update_key
    return uuid.uuid5(JOB_IDS, f"{ctx.user_id}:{key}") if key is not None else None


def job_timeout(category: str) -> timedelta:
    """How long a job may take before it is given up (Kie.ai: video can take 10+ minutes)."""
    if "video" in category or "avatar" in category or "lipsync" in category:
        return timedelta(minutes=30)
    if "image" in category:
        return timedelta(minutes=10)
    return timedelta(minutes=15)


class ExtraFreeRuns(Protocol):
    """Free runs given outside the free tier (promo codes, plugins/growth/runs.py): spent on
    the job's own connection, so with its creation, and given back when it fails."""

    async def left(self, user_id: int, model: str) -> int: ...

    async def try_use(self, conn: Any, user_id: int, model: str, job_id: str, kopecks: int) -> bool: ...

    async def give_back(self, conn: Any, job_id: str) -> bool: ...


class FormArgs(PluginModel):
    model: ModelRef
    values: dict[str, Any]


class Quote(PluginModel):
    text: str
    kopecks: int
    credits: str
    free: bool
    free_left: int = 0
    #: a free model whose runs this user used up: this run is paid (generation.free_used_up)
    used_up: bool = False
    note: str = ""
    extra_run: bool = False  # free by a promo code's run, not the free tier
    value_kopecks: int = 0  # what it would cost, free or not


class Submitted(PluginModel):
    job: str
    price: str
    free: bool


class JobArgs(PluginModel):
    job: str


class PrefillArgs(PluginModel):
    job: str | None = None
    model: str = ""
    track: int | None = None  # set by a follow-up button: which track of the job's result


class Prefill(PluginModel):
    values: dict[str, Any]
    # how the summary shows values filled from an earlier job
    shown: dict[str, str] = Field(default_factory=dict)


def media_seconds(entry: ModelEntry, values: dict[str, Any]) -> dict[str, float]:
    """Lengths of uploaded audio/video, for prices per second of the user's media: only the
    ``seconds`` the form measured from the file's bytes, never the ``duration`` a Telegram
    client states. A field without them is priced at its ``max_seconds`` (the worst case)."""
    seconds: dict[str, float] = {}
    for name, value in values.items():
        spec = entry.input.get(name)
        items = value if isinstance(value, list) else [value]
        if spec is None or spec.type not in (FieldType.FILE, FieldType.FILES):
            continue
        measured = [
            float(v["seconds"])
            for v in items
            if isinstance(v, dict) and isinstance(v.get("seconds"), int | float)
        ]
        if measured and len(measured) == len(items):
            seconds[name] = sum(measured)
    return seconds


class GenerationPlugin(Plugin):
    namespace = "generation"
    texts = GENERATION_TEXTS
    param_types = (ParamType("job", str, "one of the user's generations (its id)"),)
    screens: ClassVar[dict[str, dict[str, Any]]] = {
        "generation.form": {"model": str, "job": str, "track": int},
        "generation.history": {},
    }
    press_prefix = "g:"

    def __init__(
        self,
        bundle: Bundle,
        store: JobStore,
        wallet: Wallet,
        wake: Any = None,
        timeout_for: Any = job_timeout,
        prices: ModelPrices | None = None,
        breakers: Breakers | None = None,
        clock: UserDates | None = None,
        extra_runs: ExtraFreeRuns | None = None,
    ) -> None:
        self.bundle = bundle
        self.extra_runs = extra_runs
        self.breakers = breakers
        self.clock = clock  # the reader's time zone for history (Moscow without it)
        self.prices = prices or ModelPrices(wallet)
        self.timeout_for = timeout_for
        self.store = store
        self.wallet = wallet
        self.wake = wake or (lambda: None)
        self.follow_ups = FollowUps(bundle)
        # follow-ups are opened from a paid result, never from a menu: not in the free tier
        self._price_from = {
            m.entry.id: price_from(m.entry)
            for m in bundle.models.values()
            if m.entry.enabled and m.entry.price is not None and m.entry.follow_up is None
        }

    def _entry(self, model: str, pricing: Pricing) -> ModelEntry:
        """The model, unless models/ or an admin has switched it off."""
        found = self.bundle.models.get(model)
        if found is None or not pricing.overrides.enabled(model, found.entry.enabled):
            raise ActionError("form.error_model")
        return found.entry

    async def _quote(self, ctx: CallContext, model: str, values: dict[str, Any]) -> Quote:
        pricing = await self.prices.current()
        entry = self._entry(model, pricing)
        await check_section(entry, values, lambda task: self._own_task(ctx, task))
        try:
            credits = credits_for(entry, values, media_seconds(entry, values))
        except PricingError as exc:
            raise ActionError("generation.no_price") from exc
        kopecks = model_kopecks(entry.id, credits, self._price_from.get(entry.id), pricing)
        show = await reader(self.clock, ctx.user_id, ctx.language)
        tier = free_models(self._price_from, pricing)
        badge = await free_badge(self.wallet, ctx.user_id, model, tier, show)
        free, free_left, extra = badge.free, badge.left, False
        if not free and self.extra_runs is not None:  # a promo code's free run of this model
            promo_left = await self.extra_runs.left(ctx.user_id, model)
            if promo_left > 0:
                free, free_left, extra = True, promo_left, True
        used_up = badge.used_up and not extra
        note = (
            self.bundle.render("generation.free_used_up", ctx.language, {"back": badge.back})
            if used_up
            else ""
        )
        text = format_rub(kopecks, ctx.language)
        return Quote(
            text=text,
            kopecks=0 if free else kopecks,
            credits=str(credits),
            free=free,
            free_left=free_left,
            used_up=used_up,
            note=note,
            extra_run=extra,
            value_kopecks=kopecks,
        )

    @query
    async def quote(self, ctx: CallContext, args: FormArgs) -> Quote:
        """The price of a generation with these values, as the summary shows it."""
        return await self._quote(ctx, args.model, args.values)

    @action
    async def submit(self, ctx: CallContext, args: FormArgs) -> Submitted:
        """Create the job and pay for it (or use a free run) — atomically."""
        pricing = await self.prices.current()
        entry = self._entry(args.model, pricing)
        if self.breakers is not None:  # failing lately, or our Kie.ai account cannot pay
            refusal = await self.breakers.refusal(entry.id, probe=ctx.is_admin)
            if refusal is not None:
                raise ActionError(refusal)
        quote = await self._quote(ctx, args.model, args.values)
        if not quote.free and quote.kopecks <= 0:  # a paid model is never given away
            raise ActionError("generation.no_price")
        free = free_models(self._price_from, pricing)

        async def pay(conn: Any, job_id: str) -> None:
            if quote.extra_run and self.extra_runs is not None:
                if await self.extra_runs.try_use(conn, ctx.user_id, entry.id, job_id, quote.value_kopecks):
                    return
                raise ActionError("generation.free_used_up")
            if quote.free:
                used = await self.wallet.try_use_free(
                    ctx.user_id, entry.id, job_id, free_models=free, conn=conn
                )
                if used is not None:
                    return
                raise ActionError("generation.free_used_up", back="")
            await self.wallet.reserve(ctx.user_id, job_id, quote.kopecks, conn=conn)

        timeout = self.timeout_for(entry.category)
        try:
            job = await self.store.create(
                user_id=ctx.user_id,
                chat_id=ctx.chat_id,
                language=ctx.language,
                model=entry.id,
                category=entry.category,
                values=args.values,
                price_kopecks=quote.kopecks,
                free=quote.free,
                timeout=timeout,
                reserve=pay,
                kie_credits=Decimal(quote.credits),
                recipe=self._recipe_of(ctx, entry),
                job_id=job_id_for(ctx),
            )
        except InsufficientFunds as exc:
            raise ActionError(
                "generation.not_enough", price=quote.text, balance=format_rub(exc.balance, ctx.language)
            ) from exc
        self.wake()
        return Submitted(job=job.id.hex, price=quote.text, free=quote.free)

    def _recipe_of(self, ctx: CallContext, entry: ModelEntry) -> str | None:
        """The recipe whose form is being submitted (the screen's ``recipe`` argument), if it
        runs this model: kept on the job for "recent" and the job's card."""
        recipe = ctx.session_args.get("recipe")
        found = self.bundle.recipes.get(recipe) if isinstance(recipe, str) else None
        return found.recipe.id if found is not None and found.recipe.model == entry.id else None

    async def _reader_view(self, ctx: CallContext, jobs: list[Job]) -> list[JobView]:
        """Jobs as this user reads them: their language, their time zone."""
        date = await self.clock.for_user(ctx.user_id, ctx.language) if self.clock else show_date
        return [job_view(job, self.bundle, ctx.language, date) for job in jobs]

    @query
    async def history(self, ctx: CallContext, args: NoArgs) -> list[JobView]:
        return await self._reader_view(ctx, await self.store.history(ctx.user_id))

    @query
    async def job(self, ctx: CallContext, args: JobArgs) -> JobView:
        return (await self._reader_view(ctx, [await self._own_job(ctx, args.job)]))[0]

    @query
    async def prefill(self, ctx: CallContext, args: PrefillArgs) -> Prefill:
        """Values of an earlier job of this user: to repeat or adjust it, or (with ``track``)
        the ids a follow-up model takes from it — read from the job row, never from the press."""
        if not args.job:
            return Prefill(values={})
        job = await self._own_job(ctx, args.job)
        if args.track is not None:
            entry = self._entry(args.model, await self.prices.current())
            index = args.track
            values = self.follow_ups.values(entry, job, index)
            view = (await self._reader_view(ctx, [job]))[0]

            def texts(key: str, **params: Any) -> str:
                return html.unescape(self.bundle.render(key, ctx.language, {"job": view, **params}))

            return Prefill(values=values, shown=shown_values(entry, job, index, texts))
        values = dict(job.input)
        target = self.bundle.models.get(args.model)
        if target is not None and target.entry.id != job.model:  # ids only from the same model
            values = {k: v for k, v in values.items() if k not in target.entry.job_fields}
        return Prefill(values=values)

    async def _own_job(self, ctx: CallContext, job_id: str) -> Job:
        try:
            job = await self.store.get(uuid.UUID(job_id))
        except ValueError:
            job = None
        if job is None or job.user_id != ctx.user_id:
            raise ActionError("generation.no_such_job")
        return job

    async def _own_task(self, ctx: CallContext, task_id: str) -> Job | None:
        job = await self.store.by_task(task_id)
        return job if job is not None and job.user_id == ctx.user_id else None

    async def on_press(self, ctx: CallContext, data: str) -> PressResult:
        """Buttons on status and result messages: cancel, again, change parameters, history,
        and follow-ups under a result (extend this track …)."""
        job_hex, _, op = data.partition(":")
        job = await self._own_job(ctx, job_hex)
        if op == "cancel":
            if await self.store.cancel(job.id, ctx.user_id) is None:
                return PressResult("generation.cannot_cancel")
            self.wake()
            return PressResult("generation.cancelled_answer")
        if op in ("again", "edit"):
            return PressResult(None, screen="generation.form", args={"model": job.model, "job": job.id.hex})
        if op == "history":
            return PressResult(None, screen="generation.history")
        if op.startswith("x"):  # a follow-up: x<model key>.<track>
            key, _, track = op[1:].partition(".")
            entry = self.follow_ups.find(job, key)
            index = int(track) if track.isdigit() else -1
            self.follow_ups.values(entry, job, index)  # refuses a track the job does not have
            return PressResult(
                None, screen="generation.form", args={"model": entry.id, "job": job.id.hex, "track": index}
            )
        raise ActionError("engine.stale")


def money_settlers(wallet: Wallet, extra_runs: ExtraFreeRuns | None = None) -> tuple[Any, Any]:
    """How a finished job settles: capture on success; release (or return the free run, of
    the free tier or a promo code's)."""

    async def on_success(job: Job, conn: Any) -> None:
        if not job.free:
            await wallet.capture(str(job.id), conn=conn)

    async def on_failure(job: Job, conn: Any) -> None:
        if job.free:
            await wallet.return_free(str(job.id), conn=conn)
            if extra_runs is not None:
                await extra_runs.give_back(conn, str(job.id))
        else:
            await wallet.release(str(job.id), reason=job.state.value, conn=conn)

    return on_success, on_failure
