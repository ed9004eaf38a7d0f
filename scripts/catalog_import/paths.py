"""Where the importer reads the reference and the verified overlay, and writes the catalog."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERIFIED = Path(__file__).resolve().parents[1] / "verified"
KNOWN = Path(__file__).resolve().parents[1] / "known"
OUT = ROOT / "models"


def shared_reference(root: Path) -> Path:
    """``shared/reference`` beside the project, or beside a folder holding it (a git worktree
    under ``wt/`` sees the same reference as the main checkout)."""
    for folder in root.parents:
        if (folder / "shared" / "reference").is_dir():
            return folder / "shared" / "reference"
    return root.parent / "shared" / "reference"


REFERENCE = shared_reference(ROOT) / "kie_models.json"
