"""Where the importer reads the reference and the verified overlay, and writes the catalog."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "kie_models.json"
VERIFIED = Path(__file__).resolve().parents[1] / "verified"
OUT = ROOT / "models"
