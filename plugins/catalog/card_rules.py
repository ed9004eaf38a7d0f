"""Every enabled model's card speaks both languages: a description and, where the model takes a
prompt, example prompts, written by editors in ``models/texts/*.yaml``. A card without them
shows a bare name (or the other language's copy), so the linter refuses it before deploy.
Registered through ``Project.lint_rules`` like the catalog's price rules."""

from __future__ import annotations

from collections.abc import Iterator

from engine.lint.context import LintContext
from engine.lint.model_rules import enabled_models
from engine.lint.registry import check, declare, finding
from engine.loader.bundle import LANGUAGES
from engine.loader.errors import Problem
from engine.schema.catalog import FieldType, ModelEntry

declare("CARD001", "an enabled model has no card description in a language (models/texts/)")
declare("CARD002", "an enabled model that takes a prompt has no example prompts in a language")

#: inputs a user writes a prompt into: a card shows examples of what to write there
PROMPT_FIELDS = ("prompt", "text")


def takes_prompt(entry: ModelEntry) -> bool:
    return any(
        (field := entry.input.get(name)) is not None
        and field.type is FieldType.STRING
        and not field.options
        and field.from_job is None
        for name in PROMPT_FIELDS
    )


@check
def card_texts(ctx: LintContext) -> Iterator[Problem]:
    for model in enabled_models(ctx):
        entry = model.entry
        for language in LANGUAGES:
            card = entry.texts.get(language) if entry.texts else None
            if card is None:
                yield finding(
                    "CARD001",
                    model.locate(),
                    f'model "{entry.id}" has no {language} card text: add texts: {entry.id}: '
                    f"{language}: description (and examples) to models/texts/",
                )
            elif not card.examples and takes_prompt(entry):
                yield finding(
                    "CARD002",
                    model.locate(),
                    f'model "{entry.id}" takes a prompt but its {language} card has no examples: '
                    f"add 2–3 example prompts in {language} to models/texts/",
                )
