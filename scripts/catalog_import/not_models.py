"""Ids the provider lists that are not sellable models (``scripts/known/not_models.yaml``), each
with its one-line reason: the importer leaves them out, ``catalog sync`` does not call them new.
"""

from __future__ import annotations

import yaml

from .paths import KNOWN

NOT_MODELS_FILE = KNOWN / "not_models.yaml"


def load_not_models() -> dict[str, str]:
    """Known non-model id → why it is not a model."""
    data = yaml.safe_load(NOT_MODELS_FILE.read_text(encoding="utf-8")) or {}
    found = data.get("not_models") or {}
    for model_id, reason in found.items():
        if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
            raise SystemExit(f"{NOT_MODELS_FILE.name}: {model_id} needs a one-line reason")
    return {model_id: " ".join(reason.split()) for model_id, reason in found.items()}


#: how the note that marks a model unconfirmed begins (``plugins/catalog/listing.py`` reads it)
UNCONFIRMED_NOTE = "unconfirmed since "


def load_unconfirmed() -> dict[str, str]:
    """Sold model id → the month since which Kie's docs and price rows no longer show it."""
    data = yaml.safe_load(NOT_MODELS_FILE.read_text(encoding="utf-8")) or {}
    return {model_id: str(month) for model_id, month in (data.get("unconfirmed") or {}).items()}


def unconfirmed_note(month: str) -> str:
    return (
        f"{UNCONFIRMED_NOTE}{month}: Kie's docs pages and pricing rows for it were missing "
        f"(CAT0924, 2026-09-24); still sold, the model breaker protects users if jobs fail"
    )
