"""The ``catalog`` namespace: what the menus list. Everything comes from ``models/``; only
enabled models are shown (follow-ups only under the results they work on), and a task appears
only while it has one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel

from engine.loader.bundle import Bundle
from engine.params import ParamType
from engine.plugin import ActionError, CallContext, ModelRef, NoArgs, Plugin, query
from engine.schema.catalog import ModelEntry
from engine.schema.recipe import Recipe
from plugins.catalog.pricing import PricingError, price_from
from plugins.catalog.recipes import enabled_recipes, preset, recipe_model, recipe_price
from plugins.wallet.free_tier import pick_free_models
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet


class TasksArgs(BaseModel):
    limit: int = 0


class TaskArgs(BaseModel):
    task: str


class ModelArgs(BaseModel):
    model: ModelRef


class RecipeArgs(BaseModel):
    recipe: str


class RecipeItem(BaseModel):
    id: str
    name: str
    emoji: str
    price: str


class RecipeCard(BaseModel):
    id: str
    name: str
    emoji: str
    description: str
    model: str
    model_name: str
    price: str
    free: bool
    picture: str        # a file on this machine: the card's media
    questions: list[str]


class RecipePreset(BaseModel):
    """A recipe's form prefill: its values, fixed; the fields asked; the prompt's wording."""

    values: dict[str, Any]
    fixed: list[str]
    ask: list[str]
    compose: dict[str, str]
    hints: dict[str, str]


class TaskItem(BaseModel):
    id: str
    name: str
    emoji: str
    description: str
    count: int


class ModelItem(BaseModel):
    id: str
    name: str
    price_from: str
    free: bool


class ModelCard(BaseModel):
    id: str
    name: str
    description: str
    vendor: str
    price_from: str
    free: bool
    examples: list[str]
    required: int
    optional: int


class CatalogPlugin(Plugin):
    namespace = "catalog"
    param_types = (ParamType("model", str, "a model id from models/", model_ref=True),
                   ParamType("task", str, "a task id from models/tasks.yaml"),
                   ParamType("recipe", str, "a recipe id from models/recipes.yaml"))
    texts: ClassVar[dict[str, dict[str, Any]]] = {
        "catalog.no_such_task": {}, "catalog.no_such_recipe": {},
        "recipes.price": {"price": str, "per": str, "at_least": bool},
        **{f"recipes.per.{unit}": {"amount": int}
           for unit in ("image", "video", "audio", "characters", "seconds", "run")}}

    def __init__(self, bundle: Bundle, wallet: Wallet) -> None:
        self.bundle = bundle
        self.wallet = wallet
        # follow-ups (extend a track …) are opened from under a result, never from a menu
        enabled = [m.entry for m in bundle.models.values()
                   if m.entry.enabled and m.entry.follow_up is None]
        self._credits_from: dict[str, Decimal] = {e.id: price_from(e) for e in enabled}
        ordered = sorted(enabled, key=lambda e: (self._credits_from[e.id], e.id))
        self._by_task: dict[str, list[ModelEntry]] = {
            task: [e for e in ordered if task in e.tasks] for task in bundle.tasks}

    async def _free(self) -> frozenset[str]:
        settings = await self.wallet.get_settings()
        return pick_free_models(self._credits_from, settings.free_models_count)

    async def _price_text(self, entry: ModelEntry, language: str) -> str:
        credits = self._credits_from.get(entry.id)
        return format_rub(await self.wallet.price(
            credits if credits is not None else price_from(entry)), language)

    def _task(self, task_id: str, language: str) -> TaskItem:
        task = self.bundle.tasks.get(task_id)
        models = self._by_task.get(task_id, [])
        if task is None or not models:
            raise ActionError("catalog.no_such_task")
        description = task.description.get(language) if task.description else ""
        return TaskItem(id=task.id, name=task.name.get(language), emoji=task.emoji,
                        description=description, count=len(models))

    @query
    async def tasks(self, ctx: CallContext, args: TasksArgs) -> list[TaskItem]:
        """Tasks that have at least one enabled model, in menu order."""
        items = [self._task(t, ctx.language) for t in self.bundle.tasks if self._by_task.get(t)]
        return items[: args.limit] if args.limit else items

    @query
    async def task(self, ctx: CallContext, args: TaskArgs) -> TaskItem:
        return self._task(args.task, ctx.language)

    @query
    async def models(self, ctx: CallContext, args: TaskArgs) -> list[ModelItem]:
        """Models of a task, cheapest first."""
        self._task(args.task, ctx.language)
        free = await self._free()
        return [ModelItem(id=e.id, name=e.name.get(ctx.language), free=e.id in free,
                          price_from=await self._price_text(e, ctx.language))
                for e in self._by_task[args.task]]

    @query
    async def card(self, ctx: CallContext, args: ModelArgs) -> ModelCard:
        found = self.bundle.models.get(args.model)
        if found is None or not found.entry.enabled:
            raise ActionError("form.error_model")
        entry = found.entry
        required = sum(1 for f in entry.input.values() if f.required)
        return ModelCard(id=entry.id, name=entry.name.get(ctx.language),
                         description=entry.description.get(ctx.language), vendor=entry.vendor,
                         price_from=await self._price_text(entry, ctx.language),
                         free=entry.id in await self._free(), examples=list(entry.examples),
                         required=required, optional=len(entry.input) - required)

    # ---------------------------------------------------------------------------- recipes
    def _recipe(self, recipe_id: str) -> tuple[Recipe, ModelEntry]:
        found = self.bundle.recipes.get(recipe_id)
        if found is None:
            raise ActionError("catalog.no_such_recipe")
        try:
            return found.recipe, recipe_model(self.bundle, found.recipe)
        except LookupError:
            raise ActionError("catalog.no_such_recipe") from None

    async def _recipe_price(self, recipe: Recipe, entry: ModelEntry, language: str) -> str:
        """"3,80 ₽ за картинку", "от 25 ₽ за видео", "0,90 ₽ за 1000 символов"."""
        try:
            price = recipe_price(entry, recipe)
        except PricingError:
            raise ActionError("generation.no_price") from None
        money = format_rub(await self.wallet.price(price.credits), language)
        per = self.bundle.render(f"recipes.per.{price.unit}", language, {"amount": price.amount})
        return self.bundle.render("recipes.price", language,
                                  {"price": money, "per": per, "at_least": price.at_least})

    @query
    async def recipes(self, ctx: CallContext, args: NoArgs) -> list[RecipeItem]:
        """Recipes whose model is enabled, in the order editors wrote them."""
        items = []
        for found in enabled_recipes(self.bundle):
            recipe, entry = self._recipe(found.recipe.id)
            items.append(RecipeItem(id=recipe.id, name=recipe.text(ctx.language).name,
                                    emoji=recipe.emoji,
                                    price=await self._recipe_price(recipe, entry, ctx.language)))
        return items

    @query
    async def recipe(self, ctx: CallContext, args: RecipeArgs) -> RecipeCard:
        recipe, entry = self._recipe(args.recipe)
        words = recipe.text(ctx.language)
        questions = [_title(entry, name, ctx.language) for name in recipe.ask]
        return RecipeCard(
            id=recipe.id, name=words.name, emoji=recipe.emoji, description=words.description,
            model=entry.id, model_name=entry.name.get(ctx.language),
            price=await self._recipe_price(recipe, entry, ctx.language),
            free=entry.id in await self._free(),
            picture=str(self.bundle.root / "models" / recipe.picture), questions=questions)

    @query
    async def recipe_preset(self, ctx: CallContext, args: RecipeArgs) -> RecipePreset:
        """The recipe's form prefill: see ``Forms`` (fixed values, the fields asked)."""
        recipe, entry = self._recipe(args.recipe)
        return RecipePreset(**preset(recipe, entry), hints=recipe.text(ctx.language).questions)


def _title(entry: ModelEntry, name: str, language: str) -> str:
    field = entry.input.get(name)
    if field is not None and field.title is not None:
        return field.title.get(language)
    return name.replace("_", " ").capitalize()
