"""Where forms get the model they collect for: a protocol, so the runtime reads models the same
way whatever holds the catalog (the loaded bundle today)."""

from __future__ import annotations

from typing import Protocol

from engine.loader.bundle import Bundle
from engine.schema.catalog import ModelEntry


class ModelSource(Protocol):
    def enabled_model(self, model_id: str) -> ModelEntry | None:
        """The model's entry when it exists and is enabled; None otherwise."""
        ...


class BundleModels:
    """The models of a loaded bundle (``models/*.yaml``)."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    def enabled_model(self, model_id: str) -> ModelEntry | None:
        found = self.bundle.models.get(model_id)
        return found.entry if found is not None and found.entry.enabled else None
