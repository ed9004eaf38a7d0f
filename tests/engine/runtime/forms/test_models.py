"""Forms read models through ModelSource; the bundle's implementation hides disabled models."""

from __future__ import annotations

from engine.loader.bundle import load_bundle
from engine.runtime.forms.models import BundleModels, ModelSource
from tests.conftest import PROJECT_ROOT


def test_bundle_models_give_enabled_entries_only() -> None:
    bundle = load_bundle(PROJECT_ROOT)
    models: ModelSource = BundleModels(bundle)
    enabled = next(m.entry for m in bundle.models.values() if m.entry.enabled)
    disabled = next(m.entry for m in bundle.models.values() if not m.entry.enabled)
    assert models.enabled_model(enabled.id) is enabled
    assert models.enabled_model(disabled.id) is None
    assert models.enabled_model("no/such-model") is None
