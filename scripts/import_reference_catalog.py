#!/usr/bin/env python3
"""Convert the reference Kie.ai catalog into the project's ``models/*.yaml``.

Reads ``../shared/reference/kie_models.json`` (relative to the project root), keeps every
``api == "market"`` model (the ``createTask`` ids) and writes one YAML file per category plus
``models/tasks.yaml``. Output is deterministic: running it twice gives identical files.

The reference is facts; what it leaves to interpretation is decided in the tables of
``scripts/catalog_import/`` — display texts, price rules read from the free-text price
conditions, per-model adjustments — each with its reason, which also lands in the model's
``notes`` so an editor sees it.

    .venv/bin/python scripts/import_reference_catalog.py [--check]

``scripts/known/not_models.yaml`` names ids the provider lists that are not models (helpers,
aliases, test ids), each with its reason: they are left out.

``--check`` writes nothing and exits 1 when models/ differs from what the script would write;
``--out DIR`` writes (or checks) another models/ folder.

What it never writes: ``models/texts/`` (the card texts editors own: descriptions, example
prompts, names, laid over the models at load time) and ``models/recipes.yaml``; a re-run keeps
them as they are.

``scripts/verified/*.yaml`` overlay the reference: for each model they list, the complete
input schema (when given) and price rows checked against a named public record, with that
``source``. A listed model counts as documented. Its price rule lives in PRICES, or beside the
rows as ``rule`` (the same cases PRICES holds), checked against those rows like any other.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# run as a file, scripts/ is on sys.path; catalog sync loads this file by path
# (plugins/catalog/importer.py), where it is not
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_import.fields import MEDIA, api_safe_name
from catalog_import.menu import CATEGORY, FILES, TASK_OF_MODE, TASKS
from catalog_import.model import Model
from catalog_import.not_models import load_not_models
from catalog_import.overlay import apply_verified
from catalog_import.paths import OUT, REFERENCE
from catalog_import.prices import per_fields
from catalog_import.render import HEADER, render
from catalog_import.shared_texts import share_texts

#: what plugins/catalog (sync, drafts) and the tests use of the importer
__all__ = [
    "CATEGORY",
    "MEDIA",
    "TASK_OF_MODE",
    "Model",
    "api_safe_name",
    "apply_verified",
    "build",
    "load_not_models",
    "main",
    "per_fields",
    "render",
]


def build() -> dict[str, str]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    not_models = load_not_models()
    market = sorted(
        (m for m in data["models"] if m["api"] == "market" and m["id"] not in not_models),
        key=lambda m: m["id"],
    )
    market = apply_verified(market, not_models)
    models = []
    for ref in market:
        model = Model(ref)
        model.build_inputs()
        model.build_price()
        model.require_priced_fields()
        models.append(model)
    entries = [m.entry() for m in models]
    files: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        files.setdefault(FILES[entry["category"]], []).append(entry)
    texts = {file: share_texts(items) for file, items in files.items()}
    out = {
        "tasks.yaml": render(
            HEADER.format(title="Tasks of the main menu, in menu order."), {}, "tasks", TASKS, {}
        )
    }
    for file, items in sorted(files.items()):
        items.sort(key=lambda e: (not e["enabled"], e["vendor"].lower(), e["id"]))
        first_off = next((i for i, e in enumerate(items) if not e["enabled"]), None)
        comments = (
            {}
            if first_off is None
            else {first_off: "Disabled: see disabled_reason; enable once the reference is complete."}
        )
        title = f"Kie.ai market models: {file.removesuffix('.yaml').replace('_', ' ')}."
        out[file] = render(HEADER.format(title=title), texts[file], "models", items, comments)
    return out


#: files in models/ that editors own: the importer neither writes, checks nor removes them (nor
#: anything under models/texts/, the card texts: only models/*.yaml is globbed)
EDITORS_FILES = frozenset({"recipes.yaml"})


def _generated(folder: Path) -> list[Path]:
    return [p for p in folder.glob("*.yaml") if p.name not in EDITORS_FILES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--out", type=Path, default=OUT, help="the models/ folder to write (default: ours)")
    args = parser.parse_args(argv)
    out: Path = args.out
    files = build()
    if args.check:
        stale = [
            n
            for n, text in files.items()
            if not (out / n).exists() or (out / n).read_text(encoding="utf-8") != text
        ]
        extra = [p.name for p in _generated(out) if p.name not in files]
        for name in stale + extra:
            print(f"models/{name} is out of date")
        return 1 if stale or extra else 0
    out.mkdir(exist_ok=True)
    for old in _generated(out):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
