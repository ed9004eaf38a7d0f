"""Kie's per-model OpenAPI document → the fields of its createTask ``input``.

Kie serves one OpenAPI 3.1 document per model (kie_api.md §6.2) and leaves its ``$ref``s in
place, pointing into ``components`` under keys that may hold ``%20`` and trailing spaces; the
``input`` object may be a ``oneOf`` of alternative shapes. This module flattens that into one
``KieField`` per key, so a catalog entry can be compared with it: a field is required only when
every alternative requires it, and a value list only holds when every alternative lists values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CREATE_TASK = "/api/v1/jobs/createTask"
COMBINERS = ("allOf", "oneOf", "anyOf")
MAX_DEPTH = 32  # deeper nesting than this is a broken (or hostile) document, not a real schema
URL_FORMATS = frozenset({"uri", "url", "uri-reference", "iri"})


class OpenApiError(ValueError):
    """The document cannot be read as a createTask model (broken ``$ref``, odd shape)."""


class PropertyNode(BaseModel):
    """One property once ``$ref``s and alternatives are merged: the only JSON Schema keys used."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    type: list[str] = Field(default_factory=list)
    enum: list[Any] | None = None
    format: str | None = None
    description: str | None = None
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = Field(None, alias="minLength")
    max_length: int | None = Field(None, alias="maxLength")
    min_items: int | None = Field(None, alias="minItems")
    max_items: int | None = Field(None, alias="maxItems")
    deprecated: bool = False
    item_types: list[str] = Field(default_factory=list)
    item_format: str | None = None


@dataclass(frozen=True)
class KieField:
    name: str
    required: bool
    node: PropertyNode

    @property
    def types(self) -> frozenset[str]:
        """JSON types Kie accepts ("null" left out); empty when the document does not say."""
        return frozenset(self.node.type) - {"null"}


@dataclass(frozen=True)
class InputSchema:
    """``task_based`` is False for a synchronous chat-style model (no createTask path)."""

    task_based: bool
    fields: dict[str, KieField]


def input_schema(doc: Mapping[str, Any]) -> InputSchema:
    """The ``input`` fields of the document's createTask request body."""
    paths = doc.get("paths")
    operation = paths.get(CREATE_TASK) if isinstance(paths, Mapping) else None
    if not isinstance(operation, Mapping):
        return InputSchema(task_based=False, fields={})
    post = _resolve(doc, operation.get("post"))
    body = _resolve(doc, post.get("requestBody") if isinstance(post, Mapping) else None)
    content = body.get("content") if isinstance(body, Mapping) else None
    if not isinstance(content, Mapping):
        raise OpenApiError("createTask has no request body")
    media = next((v for k, v in content.items() if "json" in str(k)), None)
    if not isinstance(media, Mapping) or "schema" not in media:
        raise OpenApiError("createTask has no JSON request body schema")
    request = _object(doc, media["schema"])
    if "input" not in request[0]:
        raise OpenApiError("the createTask body has no input object")
    properties, required = _object(doc, request[0]["input"])
    required = {r.strip() for r in required}
    fields: dict[str, KieField] = {}
    for raw_name, prop in properties.items():
        name = str(raw_name).strip()  # doc names sometimes carry stray spaces ("image_urls ")
        if name and name not in fields:
            fields[name] = KieField(name, name in required, _property(doc, prop))
    return InputSchema(task_based=True, fields=fields)


# ------------------------------------------------------------------ $ref


def resolve_pointer(doc: Mapping[str, Any], ref: str) -> Any:
    """A local ``$ref`` target. Segments are percent-decoded and never trimmed (Kie's keys
    keep trailing spaces); a segment that only matches undecoded is accepted too."""
    if not ref.startswith("#/"):
        raise OpenApiError(f"$ref {ref!r} is not local to the document")
    node: Any = doc
    for raw in ref[2:].split("/"):
        if not isinstance(node, Mapping):
            raise OpenApiError(f"$ref {ref!r} points nowhere")
        decoded = unquote(raw).replace("~1", "/").replace("~0", "~")
        for key in (decoded, raw):
            if key in node:
                node = node[key]
                break
        else:
            raise OpenApiError(f"$ref {ref!r} points nowhere")
    return node


def _resolve(doc: Mapping[str, Any], node: Any) -> Any:
    """Follow ``$ref`` chains; keys written beside a ``$ref`` override the target's (3.1)."""
    seen: list[str] = []
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or len(seen) > MAX_DEPTH:
            raise OpenApiError(f"$ref cycle through {ref!r}")
        seen.append(ref)
        target = resolve_pointer(doc, ref)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **siblings} if siblings and isinstance(target, Mapping) else target
    return node


# ------------------------------------------------------------ shapes


def _shape(doc: Mapping[str, Any], node: Any, depth: int = 0) -> dict[str, Any]:
    """A resolved node with its ``allOf`` parts merged in (properties joined, required summed)."""
    if depth > MAX_DEPTH:
        raise OpenApiError("schema nested too deeply")
    node = _resolve(doc, node)
    if not isinstance(node, Mapping):
        raise OpenApiError("a schema is not an object")
    shape = {k: v for k, v in node.items() if k != "allOf"}
    for part in node.get("allOf") or []:
        shape = _merge(shape, _shape(doc, part, depth + 1))
    return shape


def _merge(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**second, **first}
    if "properties" in first or "properties" in second:
        merged["properties"] = {**(second.get("properties") or {}), **(first.get("properties") or {})}
    if "required" in first or "required" in second:
        merged["required"] = [*(first.get("required") or []), *(second.get("required") or [])]
    return merged


def _branches(doc: Mapping[str, Any], node: Any, depth: int = 0) -> list[dict[str, Any]]:
    """The plain alternatives a node allows (``oneOf``/``anyOf`` spread, each with its base)."""
    if depth > MAX_DEPTH:
        raise OpenApiError("schema nested too deeply")
    shape = _shape(doc, node, depth)
    alternatives = shape.get("oneOf") or shape.get("anyOf")
    if not isinstance(alternatives, list) or not alternatives:
        return [shape]
    base = {k: v for k, v in shape.items() if k not in COMBINERS}
    found: list[dict[str, Any]] = []
    for alternative in alternatives:
        found += [_merge(branch, base) for branch in _branches(doc, alternative, depth + 1)]
    return found


def _object(doc: Mapping[str, Any], node: Any) -> tuple[dict[str, Any], set[str]]:
    """Properties of every alternative, and the names all alternatives require."""
    branches = _branches(doc, node)
    properties: dict[str, Any] = {}
    required: set[str] | None = None
    for branch in branches:
        props = branch.get("properties") or {}
        if not isinstance(props, Mapping):
            raise OpenApiError("properties is not an object")
        for name, prop in props.items():
            properties.setdefault(name, prop)
        named = {str(r) for r in branch.get("required") or []}
        required = named if required is None else required & named
    return properties, required or set()


def _property(doc: Mapping[str, Any], prop: Any) -> PropertyNode:
    branches = [b for b in _branches(doc, prop) if _types(b) != ["null"]] or [{}]
    merged: dict[str, Any] = {}
    for branch in branches:
        for key, value in branch.items():
            merged.setdefault(key, value)
    merged["type"] = _unique(t for b in branches for t in _types(b))
    listed = [_values(b) for b in branches]
    merged["enum"] = (
        None if any(v is None for v in listed) else _unique(v for values in listed for v in values or [])
    )
    merged["deprecated"] = any(b.get("deprecated") is True for b in branches)
    items = merged.get("items")
    if items is not None:
        item_branches = _branches(doc, items)
        merged["item_types"] = _unique(t for b in item_branches for t in _types(b))
        merged["item_format"] = next((b["format"] for b in item_branches if b.get("format")), None)
    try:
        return PropertyNode.model_validate(merged)
    except ValidationError as exc:
        raise OpenApiError(f"a property has an unexpected shape ({exc.error_count()} problems)") from None


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("type")
    if isinstance(kind, str):
        return [kind]
    return [str(k) for k in kind] if isinstance(kind, list) else []


def _values(node: Mapping[str, Any]) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    values = node.get("enum")
    return [v for v in values if v is not None] if isinstance(values, list) else None


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if not any(value == s and type(value) is type(s) for s in seen):
            seen.append(value)
    return seen
