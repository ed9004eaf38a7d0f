"""``scripts/verified/*.yaml`` laid over the reference: schemas and prices checked against a named
public record, so a listed model counts as documented. A market id the reference lacks comes with
its whole ``record`` (name, family, vendor, category, modes), its inputs and its price rows.
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
                raise SystemExit(
                    f"{path.relative_to(ROOT)}: {model_id} is already in {overlay[model_id]['file']}"
                )
            overlay[model_id] = {**spec, "file": str(path.relative_to(ROOT))}
    return overlay


RECORD_KEYS = ("name", "family", "vendor", "category", "modes", "doc_url")


def apply_verified(
    models: list[dict[str, Any]], not_models: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The reference with ``scripts/verified/`` laid over it (see the module docstring)."""
    overlay = load_overlay()
    refused = sorted(set(overlay) & set(not_models or {}))
    if refused:
        raise SystemExit(f"scripts/verified: listed as not models: {', '.join(refused)}")
    by_id = {m["id"]: m for m in models}
    added = [
        _new_record(model_id, spec)
        for model_id, spec in overlay.items()
        if model_id not in by_id and "record" in spec
    ]
    unknown = sorted(set(overlay) - set(by_id) - {m["id"] for m in added})
    if unknown:
        raise SystemExit(f"scripts/verified: not in the reference: {', '.join(unknown)}")
    models = sorted([*models, *added], key=lambda m: m["id"])
    out = []
    for ref in models:
        spec = overlay.get(ref["id"])
        if spec is None:
            out.append(ref)
            continue
        if "inputs" not in spec and ref["schema_confidence"] not in ("high", "medium"):
            raise SystemExit(
                f"{spec['file']}: {ref['id']} needs its verified inputs: the "
                f"reference schema is {ref['schema_confidence']}-confidence"
            )
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
            ref["verified_rule"] = P(
                spec["rule"]["cases"],
                note=spec["rule"].get("note"),
                extra=spec["rule"].get("extra_credits", ()),
            )
        out.append(ref)
    return out


def _new_record(model_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A market model the reference lacks, from its verified record, inputs and price rows."""
    record = spec["record"]
    missing = [k for k in RECORD_KEYS if k not in record]
    if missing or "inputs" not in spec or not spec.get("price"):
        raise SystemExit(
            f"{spec['file']}: {model_id} is not in the reference, so it needs "
            f"record ({', '.join(RECORD_KEYS)}), inputs and price"
        )
    return {
        "id": model_id,
        **{k: record[k] for k in RECORD_KEYS},
        "api": "market",
        "endpoint": "POST /api/v1/jobs/createTask",
        "status": "documented",
        "schema_confidence": "high",
        "inputs": spec["inputs"],
        "price": [],
    }
