"""A recipe: a ready-made task built on one model — some inputs set in advance, the rest asked.

Editors write them in ``models/*.yaml`` under ``recipes:`` (``models/recipes.yaml`` by
convention, a file the catalog importer never touches). The engine only reads and validates
them; which plug-in lists them, and how a form honours ``values``/``ask``/``prompt``, is the
plug-ins' and the form's business (a form's ``prefill`` may fix values and narrow what is asked).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from engine.schema.catalog import ModelId
from engine.schema.flow import FlowModel, Identifier


class RecipeText(FlowModel):
    """A recipe's words in one language: its button, its card and (optionally) its questions."""

    name: str = Field(min_length=1, description="The recipe's name on its button and card.")
    description: str = Field(min_length=1, description="What it makes, for whom (the card).")
    questions: dict[Identifier, str] = Field(
        default_factory=dict,
        description='A hint per asked field, replacing the model\'s own ("Опишите товар").',
    )


class Recipe(FlowModel):
    """A named marketing task: a model, values set in advance and the questions left."""

    id: Identifier
    emoji: str = ""
    model: ModelId = Field(description="The model that runs it (must be enabled).")
    picture: str = Field(
        description="An image of a typical result, relative to models/ (e.g. recipes/x.png)."
    )
    values: dict[Identifier, Any] = Field(
        default_factory=dict, description="Inputs set in advance: never asked, never changed."
    )
    ask: list[Identifier] = Field(
        min_length=1,
        description="The fields asked, in the model's order; the others keep "
        "their defaults (a required one is still asked).",
    )
    prompt: dict[Identifier, str] = Field(
        default_factory=dict,
        description="What is sent for an asked text field, around the answer: "
        '"{answer}. Product photo on a white background".',
    )
    ru: RecipeText | None = None
    en: RecipeText | None = None

    @model_validator(mode="after")
    def _some_words(self) -> Recipe:
        if self.ru is None and self.en is None:
            raise ValueError("a recipe needs its texts: ru (and en)")
        return self

    def text(self, language: str) -> RecipeText:
        """The recipe's words in ``language``, Russian when that language has none."""
        found = self.en if language == "en" else self.ru
        fallback = self.ru or self.en
        assert found or fallback, "the loader requires at least one language"
        return found or fallback  # type: ignore[return-value]
