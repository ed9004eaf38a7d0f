"""``scripts/verified/*.yaml`` laid over the reference: schemas and prices checked against a named
public record, so a listed model counts as documented.
"""

from __future__ import annotations

from typing import Any

import yaml

from .paths import ROOT, VERIFIED
from .prices import PRICES, P


def load_overlay() -> dict[str, dict[str, Any]]:
    """Every model of ``scripts/verified/*.yaml``, each tagged with the file it came from."""
    overlay: dict[str, dict[str, Any]] = {}
    for path in sorted(VERIFIED.glob("*.yaml")):
        for model_id, spec in (yaml.safe_load(path.read_text(encoding="utf-8"))["models"] or {}).items():
            if model_id in overlay:
                raise SystemExit(f"{path.relative_to(ROOT)}: {model_id} is already in "
                                 f"{overlay[model_id]['file']}")
            overlay[model_id] = {**spec, "file": str(path.relative_to(ROOT))}
    return overlay


def apply_verified(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reference with ``scripts/verified/`` laid over it (see the module docstring)."""
    overlay = load_overlay()
    by_id = {m["id"]: m for m in models}
    unknown = sorted(set(overlay) - set(by_id))
    if unknown:
        raise SystemExit(f"scripts/verified: not in the reference: {', '.join(unknown)}")
    out = []
    for ref in models:
        spec = overlay.get(ref["id"])
        if spec is None:
            out.append(ref)
            continue
        if "inputs" not in spec and ref["schema_confidence"] not in ("high", "medium"):
            raise SystemExit(f"{spec['file']}: {ref['id']} needs its verified inputs: the "
                             f"reference schema is {ref['schema_confidence']}-confidence")
        source = " ".join(str(spec["source"]).split())
        ref = {**ref, "schema_confidence": "high", "status": f"documented (verified: {spec['file']})"}
        if "inputs" in spec:
            ref["inputs"] = spec["inputs"]
        rows = [{**row, "source": f"VERIFIED: {source}"} for row in spec.get("price", [])]
        ref["price"] = [*(ref.get("price") or []), *rows]
        ref["verified_source"] = source
        ref["verified_file"] = spec["file"]
        if "rule" in spec:
            if ref["id"] in PRICES:
                raise SystemExit(f"{spec['file']}: {ref['id']} has a rule here and in PRICES")
            ref["verified_rule"] = P(spec["rule"]["cases"], note=spec["rule"].get("note"),
                                     extra=spec["rule"].get("extra_credits", ()))
        out.append(ref)
    return out
