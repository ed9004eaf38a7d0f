"""JSON Schema of the YAML files, for editors' completion and live validation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.schema.catalog_file import CatalogFile
from engine.schema.flow import FlowFile

SCHEMAS: dict[str, type[BaseModel]] = {"flow": FlowFile, "models": CatalogFile}


def json_schema(kind: str = "flow") -> dict[str, Any]:
    model = SCHEMAS[kind]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"{kind} file"
    return schema
