"""The ``finding`` namespace: search models and recipes by name, starred models, recent runs
and each user's time zone (Settings). Only what a user can open is ever listed: enabled models
no admin has switched off, recipes whose model is such a model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import asyncpg
from pydantic import Field

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, ModelRef, NoArgs, Plugin, PluginModel, action, query
from engine.schema.catalog import ModelEntry
from plugins.catalog.prices import ModelPrices
from plugins.catalog.recipes import enabled_recipes
from plugins.finding.clock import BY_KEY, DATE_TEXTS, ZONES, Clock, Zone, offset_text
from plugins.finding.search import Candidate, search
from plugins.finding.store import FindingStore

RECENT_MODELS = 3
RECENT_RECIPES = 2
SEARCH_RECIPES = 30  # the best matches shown at once, unpaged (the models below them page)
MAX_QUERY = 100


class SearchArgs(PluginModel):
    query: str  # as typed: a long one is cut to MAX_QUERY characters


class LimitArgs(PluginModel):
    limit: int = Field(0, ge=0, description="at most this many (0: all)")


class ModelArgs(PluginModel):
    model: ModelRef


class JobArgs(PluginModel):
    job: str


class ZoneArgs(PluginModel):
    zone: str


class Found(PluginModel):
    """A model or a recipe in a list: its id, its name in the user's language, an emoji."""

    id: str
    name: str
    emoji: str


class SearchSummary(PluginModel):
    query: str
    models: int
    recipes: int


class Star(PluginModel):
    model: str
    starred: bool


class ZoneItem(PluginModel):
    id: str
    name: str
    offset: str = Field(description="UTC offset now, e.g. '+3'")
    current: bool


class FindingPlugin(Plugin):
    namespace = "finding"
    texts: ClassVar[dict[str, dict[str, Any]]] = {**DATE_TEXTS, "finding.no_such_zone": {}}

    def __init__(self, bundle: Bundle, pool: asyncpg.Pool, prices: ModelPrices, clock: Clock) -> None:
        self.bundle = bundle
        self.store = FindingStore(pool)
        self.prices = prices
        self.clock = clock
        # follow-ups (extend a track …) are opened from under a result, never found by name
        self._models = {
            m.entry.id: m.entry
            for m in bundle.models.values()
            if m.entry.enabled and m.entry.follow_up is None
        }
        self._model_candidates = [self._model_candidate(e) for e in self._models.values()]
        self._recipe_candidates = [
            Candidate(
                r.recipe.id,
                [r.recipe.text("ru").name, r.recipe.text("en").name],
                [r.recipe.id, *self._model_names(r.recipe.model)],
            )
            for r in enabled_recipes(bundle)
        ]

    def _model_names(self, model: str) -> list[str]:
        entry = self._models.get(model)
        return [entry.name.get("ru"), entry.name.get("en")] if entry else []

    def _model_candidate(self, entry: ModelEntry) -> Candidate:
        tasks = [self.bundle.tasks[t] for t in entry.tasks if t in self.bundle.tasks]
        return Candidate(
            entry.id,
            [entry.name.get("ru"), entry.name.get("en")],
            [entry.id, entry.vendor, *(t.name.get(lang) for t in tasks for lang in ("ru", "en"))],
        )

    def _emoji(self, entry: ModelEntry) -> str:
        task = next((self.bundle.tasks[t] for t in entry.tasks if t in self.bundle.tasks), None)
        return task.emoji if task is not None else "🤖"

    async def _open_models(self) -> dict[str, ModelEntry]:
        """Models a user may open now: enabled in models/ and not switched off by an admin."""
        overrides = (await self.prices.current()).overrides
        return {k: e for k, e in self._models.items() if overrides.enabled(k, True)}

    def _model_item(self, entry: ModelEntry, language: str) -> Found:
        return Found(id=entry.id, name=entry.name.get(language), emoji=self._emoji(entry))

    async def _open_recipes(self) -> dict[str, Found]:
        models = await self._open_models()
        return {
            r.recipe.id: Found(id=r.recipe.id, name="", emoji=r.recipe.emoji)
            for r in enabled_recipes(self.bundle)
            if r.recipe.model in models
        }

    def _recipe_item(self, recipe_id: str, language: str) -> Found:
        recipe = self.bundle.recipes[recipe_id].recipe
        return Found(id=recipe.id, name=recipe.text(language).name, emoji=recipe.emoji)

    # ---------------------------------------------------------------------------- search
    @query
    async def search_models(self, ctx: CallContext, args: SearchArgs) -> list[Found]:
        """Models whose name (either language), vendor, id or task matches the query."""
        models = await self._open_models()
        found = search(args.query[:MAX_QUERY], (c for c in self._model_candidates if c.id in models))
        return [self._model_item(models[m], ctx.language) for m in found]

    @query(at_most=SEARCH_RECIPES)
    async def search_recipes(self, ctx: CallContext, args: SearchArgs) -> list[Found]:
        """Recipes whose name (either language) or model matches the query, the best first."""
        recipes = await self._open_recipes()
        candidates = (c for c in self._recipe_candidates if c.id in recipes)
        found = search(args.query[:MAX_QUERY], candidates, limit=SEARCH_RECIPES)
        return [self._recipe_item(r, ctx.language) for r in found]

    @query
    async def search_summary(self, ctx: CallContext, args: SearchArgs) -> SearchSummary:
        """How many of each were found, for the results' heading (or "nothing found")."""
        return SearchSummary(
            query=args.query.strip()[:MAX_QUERY],
            models=len(await self.search_models(ctx, args)),
            recipes=len(await self.search_recipes(ctx, args)),
        )

    # ---------------------------------------------------------------------------- favourites
    @query(at_most="limit")
    async def favourites(self, ctx: CallContext, args: LimitArgs) -> list[Found]:
        """The user's starred models that can be opened, the newest star first."""
        models = await self._open_models()
        starred = [m for m in await self.store.favourites(ctx.user_id) if m in models]
        return [self._model_item(models[m], ctx.language) for m in starred[: args.limit or None]]

    @query
    async def star(self, ctx: CallContext, args: ModelArgs) -> list[Star]:
        """One item: whether the model is starred (a card's ☆/★ button is generated from it)."""
        return [Star(model=args.model, starred=await self.store.is_favourite(ctx.user_id, args.model))]

    @action
    async def toggle_favourite(self, ctx: CallContext, args: ModelArgs) -> Star:
        """Star the model or take its star away."""
        if args.model not in await self._open_models():
            raise ActionError("form.error_model")
        return Star(model=args.model, starred=await self.store.toggle(ctx.user_id, args.model))

    # ---------------------------------------------------------------------------- recent
    @query(at_most=RECENT_MODELS)
    async def recent_models(self, ctx: CallContext, args: NoArgs) -> list[Found]:
        """Models the user ran lately on their own (not through a recipe), starred ones left
        out (they are on the main screen already)."""
        models = await self._open_models()
        starred = set(await self.store.favourites(ctx.user_id))
        seen: list[str] = []
        for model, recipe in await self.store.recent(ctx.user_id):
            if recipe is None and model in models and model not in starred and model not in seen:
                seen.append(model)
        return [self._model_item(models[m], ctx.language) for m in seen[:RECENT_MODELS]]

    @query(at_most=RECENT_RECIPES)
    async def recent_recipes(self, ctx: CallContext, args: NoArgs) -> list[Found]:
        """Recipes the user ran lately."""
        recipes = await self._open_recipes()
        seen: list[str] = []
        for _, recipe in await self.store.recent(ctx.user_id):
            if recipe is not None and recipe in recipes and recipe not in seen:
                seen.append(recipe)
        return [self._recipe_item(r, ctx.language) for r in seen[:RECENT_RECIPES]]

    @query
    async def job_recipe(self, ctx: CallContext, args: JobArgs) -> list[Found]:
        """The recipe the job was run from, if it was and can still be opened (none or one)."""
        recipe = await self.store.job_recipe(ctx.user_id, args.job)
        if recipe is None or recipe not in await self._open_recipes():
            return []
        return [self._recipe_item(recipe, ctx.language)]

    # ---------------------------------------------------------------------------- time zone
    def _zone_item(self, zone: Zone, current: Zone, language: str) -> ZoneItem:
        return ZoneItem(
            id=zone.key,
            name=self.bundle.render(f"finding.zones.{zone.key}", language, {}),
            offset=offset_text(datetime.now(UTC).astimezone(zone.tz()).utcoffset()),
            current=zone == current,
        )

    @query
    async def zones(self, ctx: CallContext, args: NoArgs) -> list[ZoneItem]:
        """The zones a user may choose, theirs marked."""
        current = await self.clock.zone(ctx.user_id)
        return [self._zone_item(z, current, ctx.language) for z in ZONES]

    @query
    async def zone(self, ctx: CallContext, args: NoArgs) -> ZoneItem:
        current = await self.clock.zone(ctx.user_id)
        return self._zone_item(current, current, ctx.language)

    @action
    async def set_zone(self, ctx: CallContext, args: ZoneArgs) -> ZoneItem:
        """Show every date in this zone from now on."""
        zone = BY_KEY.get(args.zone)
        if zone is None:
            raise ActionError("finding.no_such_zone")
        await self.clock.set_zone(ctx.user_id, zone)
        return self._zone_item(zone, zone, ctx.language)
