"""Where tests find the Kie.ai reference catalog.

The full reference lives outside the repository (``../shared/reference``); a clone alone has only
the trimmed copy in ``tests/fixtures/reference``, so every default test runs on that copy, and the
tests of the full reference (marked ``reference``) are deselected where it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FULL = next(
    (
        folder / "shared" / "reference" / "kie_models.json"
        for folder in PROJECT_ROOT.parents
        if (folder / "shared" / "reference").is_dir()
    ),
    PROJECT_ROOT.parent / "shared" / "reference" / "kie_models.json",
)
TRIMMED = PROJECT_ROOT / "tests" / "fixtures" / "reference" / "kie_models.json"


def models(path: Path, api: str | None = "market") -> list[dict[str, Any]]:
    """The reference's model records (of one ``api``; ``None`` for all of them)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [m for m in data["models"] if api is None or m["api"] == api]
