"""The ``catalog`` namespace: what the menus list. Everything comes from ``models/``; only
enabled models are shown (follow-ups only under the results they work on), and a task appears
only while it has one. Admins' overrides (``model_overrides``: a model switched off, its own
markup or fixed price, the free-tier list) apply on every read (``prices.ModelPrices``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from engine.loader.bundle import Bundle
from engine.params import ParamType
from engine.plugin import ActionError, CallContext, ModelRef, NoArgs, Plugin, PluginModel, query
from engine.schema.catalog import ModelEntry
from engine.schema.recipe import Recipe
from plugins.catalog.free_badge import FreeBadge, SoonTimes, free_badge, reader
from plugins.catalog.prices import ModelPrices, Pricing, free_models, model_kopecks
from plugins.catalog.pricing import PricingError, price_from
from plugins.catalog.recipes import enabled_recipes, preset, recipe_model, unit_price
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet


class TasksArgs(PluginModel):
    limit: int = 0


class TaskArgs(PluginModel):
    task: str


class ModelArgs(PluginModel):
    model: ModelRef


class RecipeArgs(PluginModel):
    recipe: str


class RecipeItem(PluginModel):
    id: str
    name: str
    emoji: str
    price: str


class RecipeCard(PluginModel):
    id: str
    name: str
    emoji: str
    description: str
    model: str
    model_name: str
    price: str
    free: bool
    free_used_up: bool
    free_back: str
    picture: str  # a file on this machine: the card's media
    questions: list[str]


class RecipePreset(PluginModel):
    """A recipe's form prefill: its values, fixed; the fields asked; the prompt's wording."""

    values: dict[str, Any]
    fixed: list[str]
    ask: list[str]
    compose: dict[str, str]
    hints: dict[str, str]


class TaskItem(PluginModel):
    id: str
    name: str
    emoji: str
    description: str
    count: int


class ModelItem(PluginModel):
    id: str
    name: str
    price_from: str
    price: str  # per unit: "3,80 ₽ за картинку", "от 12 ₽ за секунду"
    free: bool  # a free run is left for this user now
    free_used_up: bool = False


class ModelCard(PluginModel):
    id: str
    name: str
    description: str
    vendor: str
    price_from: str
    price: str  # per unit: "3,80 ₽ за картинку", "0,60 ₽ за 100 символов"
    free: bool
    free_used_up: bool = False
    free_back: str = ""  # when a free run comes back, in the user's zone
    examples: list[str]
    required: int
    optional: int


class CatalogPlugin(Plugin):
    namespace = "catalog"
    param_types = (
        ParamType("model", str, "a model id from models/", model_ref=True),
        ParamType("task", str, "a task id from models/tasks.yaml"),
        ParamType("recipe", str, "a recipe id from models/recipes.yaml"),
    )
    texts: ClassVar[dict[str, dict[str, Any]]] = {
        "catalog.no_such_task": {},
        "catalog.no_such_recipe": {},
        "recipes.price": {"price": str, "per": str, "at_least": bool},
        **{
            f"recipes.per.{unit}": {"amount": int}
            for unit in ("image", "video", "clip", "audio", "characters", "seconds", "run")
        },
    }

    def __init__(
        self,
        bundle: Bundle,
        wallet: Wallet,
        prices: ModelPrices | None = None,
        clock: SoonTimes | None = None,
    ) -> None:
        self.bundle = bundle
        self.clock = clock  # when free runs come back, in the user's zone (Moscow without it)
        self.wallet = wallet
        self.prices = prices or ModelPrices(wallet)
        # follow-ups (extend a track …) are opened from under a result, never from a menu
        enabled = [m.entry for m in bundle.models.values() if m.entry.enabled and m.entry.follow_up is None]
        self._credits_from: dict[str, Decimal] = {e.id: price_from(e) for e in enabled}
        ordered = sorted(enabled, key=lambda e: (self._credits_from[e.id], e.id))
        self._by_task: dict[str, list[ModelEntry]] = {
            task: [e for e in ordered if task in e.tasks] for task in bundle.tasks
        }

    def _free(self, pricing: Pricing) -> frozenset[str]:
        return free_models(self._credits_from, pricing)

    async def _badge(self, ctx: CallContext, model_id: str, pricing: Pricing) -> FreeBadge:
        show = await reader(self.clock, ctx.user_id, ctx.language)
        return await free_badge(self.wallet, ctx.user_id, model_id, self._free(pricing), show)

    def _price_text(self, entry: ModelEntry, language: str, pricing: Pricing) -> str:
        credits = self._credits_from.get(entry.id)
        return format_rub(
            model_kopecks(entry.id, credits if credits is not None else price_from(entry), credits, pricing),
            language,
        )

    def _shown(self, task_id: str, pricing: Pricing) -> list[ModelEntry]:
        """The task's models that no admin has switched off."""
        return [e for e in self._by_task.get(task_id, []) if pricing.overrides.enabled(e.id, True)]

    def _task(self, task_id: str, language: str, pricing: Pricing) -> TaskItem:
        task = self.bundle.tasks.get(task_id)
        models = self._shown(task_id, pricing)
        if task is None or not models:
            raise ActionError("catalog.no_such_task")
        description = task.description.get(language) if task.description else ""
        return TaskItem(
            id=task.id,
            name=task.name.get(language),
            emoji=task.emoji,
            description=description,
            count=len(models),
        )

    @query
    async def tasks(self, ctx: CallContext, args: TasksArgs) -> list[TaskItem]:
        """Tasks that have at least one enabled model, in menu order."""
        pricing = await self.prices.current()
        items = [self._task(t, ctx.language, pricing) for t in self.bundle.tasks if self._shown(t, pricing)]
        return items[: args.limit] if args.limit else items

    @query
    async def task(self, ctx: CallContext, args: TaskArgs) -> TaskItem:
        return self._task(args.task, ctx.language, await self.prices.current())

    @query
    async def models(self, ctx: CallContext, args: TaskArgs) -> list[ModelItem]:
        """Models of a task, cheapest first."""
        pricing = await self.prices.current()
        self._task(args.task, ctx.language, pricing)
        items = []
        for e in self._shown(args.task, pricing):
            badge = await self._badge(ctx, e.id, pricing)
            items.append(
                ModelItem(
                    id=e.id,
                    name=e.name.get(ctx.language),
                    free=badge.free,
                    free_used_up=badge.used_up,
                    price_from=self._price_text(e, ctx.language, pricing),
                    price=self._unit_text(e, {}, ctx.language, pricing),
                )
            )
        return items

    @query
    async def card(self, ctx: CallContext, args: ModelArgs) -> ModelCard:
        found = self.bundle.models.get(args.model)
        pricing = await self.prices.current()
        if found is None or not pricing.overrides.enabled(args.model, found.entry.enabled):
            raise ActionError("form.error_model")
        entry = found.entry
        required = sum(1 for f in entry.input.values() if f.required)
        badge = await self._badge(ctx, entry.id, pricing)
        return ModelCard(
            id=entry.id,
            name=entry.name.get(ctx.language),
            description=entry.describe(ctx.language),
            vendor=entry.vendor,
            price_from=self._price_text(entry, ctx.language, pricing),
            price=self._unit_text(entry, {}, ctx.language, pricing),
            free=badge.free,
            free_used_up=badge.used_up,
            free_back=badge.back,
            examples=entry.examples(ctx.language),
            required=required,
            optional=len(entry.input) - required,
        )

    # ---------------------------------------------------------------------------- recipes
    def _recipe(self, recipe_id: str, pricing: Pricing) -> tuple[Recipe, ModelEntry]:
        found = self.bundle.recipes.get(recipe_id)
        if found is None:
            raise ActionError("catalog.no_such_recipe")
        try:
            entry = recipe_model(self.bundle, found.recipe)
        except LookupError:
            raise ActionError("catalog.no_such_recipe") from None
        if not pricing.overrides.enabled(entry.id, True):
            raise ActionError("catalog.no_such_recipe")
        return found.recipe, entry

    def _recipe_price(self, recipe: Recipe, entry: ModelEntry, language: str, pricing: Pricing) -> str:
        return self._unit_text(entry, recipe.values, language, pricing)

    def _unit_text(self, entry: ModelEntry, values: dict[str, Any], language: str, pricing: Pricing) -> str:
        """ "3,80 ₽ за картинку", "от 12 ₽ за секунду", "0,60 ₽ за 100 символов"."""
        try:
            price = unit_price(entry, values)
        except PricingError:
            raise ActionError("generation.no_price") from None
        money = format_rub(
            model_kopecks(entry.id, price.credits, self._credits_from.get(entry.id), pricing), language
        )
        per = self.bundle.render(f"recipes.per.{price.unit}", language, {"amount": price.amount})
        return self.bundle.render(
            "recipes.price", language, {"price": money, "per": per, "at_least": price.at_least}
        )

    @query
    async def recipes(self, ctx: CallContext, args: NoArgs) -> list[RecipeItem]:
        """Recipes whose model is enabled, in the order editors wrote them."""
        items = []
        pricing = await self.prices.current()
        for found in enabled_recipes(self.bundle):
            try:
                recipe, entry = self._recipe(found.recipe.id, pricing)
            except ActionError:  # its model was switched off by an admin
                continue
            items.append(
                RecipeItem(
                    id=recipe.id,
                    name=recipe.text(ctx.language).name,
                    emoji=recipe.emoji,
                    price=self._recipe_price(recipe, entry, ctx.language, pricing),
                )
            )
        return items

    @query
    async def recipe(self, ctx: CallContext, args: RecipeArgs) -> RecipeCard:
        pricing = await self.prices.current()
        recipe, entry = self._recipe(args.recipe, pricing)
        words = recipe.text(ctx.language)
        badge = await self._badge(ctx, entry.id, pricing)
        questions = [_title(entry, name, ctx.language) for name in recipe.ask]
        return RecipeCard(
            id=recipe.id,
            name=words.name,
            emoji=recipe.emoji,
            description=words.description,
            model=entry.id,
            model_name=entry.name.get(ctx.language),
            price=self._recipe_price(recipe, entry, ctx.language, pricing),
            free=badge.free,
            free_used_up=badge.used_up,
            free_back=badge.back,
            picture=str(self.bundle.root / "models" / recipe.picture),
            questions=questions,
        )

    @query
    async def recipe_preset(self, ctx: CallContext, args: RecipeArgs) -> RecipePreset:
        """The recipe's form prefill: see ``Forms`` (fixed values, the fields asked)."""
        recipe, entry = self._recipe(args.recipe, await self.prices.current())
        return RecipePreset(**preset(recipe, entry), hints=recipe.text(ctx.language).questions)


def _title(entry: ModelEntry, name: str, language: str) -> str:
    field = entry.input.get(name)
    if field is not None and field.title is not None:
        return field.title.get(language)
    return name.replace("_", " ").capitalize()
