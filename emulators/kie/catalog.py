"""The sandbox's model catalog: what ``/api/v1/models`` lists and what each model costs.

A handful of real Kie ids of every output kind ship by default; callers register more (or
override a kind) through ``KieSandbox.register_model``. Models not in the catalog are still
accepted by createTask unless the sandbox is strict, priced by their inferred kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from emulators.kie.media import MediaKind, infer_kind

CREDIT_USD = Decimal("0.005")  # 1 Kie credit = 0.005 USD
DEFAULT_CREDITS = {MediaKind.IMAGE: Decimal(4), MediaKind.AUDIO: Decimal(12), MediaKind.VIDEO: Decimal(60)}


@dataclass(frozen=True)
class SandboxModel:
    model: str
    kind: MediaKind
    credits: Decimal
    title: str = ""
    provider: str = "Sandbox"
    task_types: tuple[str, ...] = ()
    description: str | None = None
    input_schema: Mapping[str, Any] = field(default_factory=dict)  # JSON schema of "input"
    pricing: str | None = None  # Kie's own prose; None: one sentence built from ``credits``
    openapi_doc: Mapping[str, Any] | None = None  # a whole document served as is ($refs and all)
    schema_published: bool = True  # False: docs "not synced yet", the schema endpoint says null
    priced: bool = True  # False: listed without a price (playground-only ids), pricingDesc null

    @property
    def pricing_desc(self) -> str | None:
        if not self.priced:
            return None
        if self.pricing is not None:
            return self.pricing
        return f"Each generation costs {self.credits} credits ({self.credits * CREDIT_USD} USD)."

    def catalog_entry(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "slug": self.model,
            "title": self.title or self.model,
            "provider": self.provider,
            "taskType": list(self.task_types),
            "description": self.description,
            "pricingDesc": self.pricing_desc,
        }

    def openapi(self) -> dict[str, Any] | None:
        """A minimal OpenAPI 3.1 document in the shape Kie's schema endpoint serves."""
        if not self.schema_published:
            return None
        if self.openapi_doc is not None:
            return dict(self.openapi_doc)
        input_schema = dict(self.input_schema) or {
            "type": "object",
            "required": ["prompt"],
            "properties": {"prompt": {"type": "string", "maxLength": 5000}},
        }
        request = {
            "type": "object",
            "required": ["model", "input"],
            "properties": {
                "model": {"type": "string", "enum": [self.model]},
                "callBackUrl": {"type": "string", "format": "uri"},
                "input": input_schema,
            },
        }
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title or self.model, "version": "sandbox"},
            "servers": [{"url": "https://api.kie.ai"}],
            "paths": {
                "/api/v1/jobs/createTask": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": request}},
                        }
                    }
                }
            },
        }


def _prompt_schema(**extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["prompt"],
        "properties": {"prompt": {"type": "string", "maxLength": 5000}, **extra},
    }


DEFAULT_MODELS: tuple[SandboxModel, ...] = (
    SandboxModel(
        "nano-banana-2",
        MediaKind.IMAGE,
        Decimal(8),
        "Nano Banana 2",
        "Google",
        ("Text to Image",),
        input_schema=_prompt_schema(aspect_ratio={"type": "string", "enum": ["1:1", "9:16", "16:9"]}),
    ),
    SandboxModel(
        "google/imagen4-fast", MediaKind.IMAGE, Decimal(4), "Imagen 4 Fast", "Google", ("Text to Image",)
    ),
    SandboxModel(
        "bytedance/seedream-v4-edit",
        MediaKind.IMAGE,
        Decimal("5.5"),
        "Seedream 4 Edit",
        "ByteDance",
        ("Image to Image",),
        input_schema=_prompt_schema(
            image_urls={"type": "array", "items": {"type": "string", "format": "uri"}}
        ),
    ),
    SandboxModel(
        "kling-2.6/text-to-video",
        MediaKind.VIDEO,
        Decimal(55),
        "Kling 2.6 Text to Video",
        "Kling",
        ("Text to Video",),
        input_schema=_prompt_schema(duration={"type": "string", "enum": ["5", "10"]}),
    ),
    SandboxModel(
        "wan/2-5-image-to-video",
        MediaKind.VIDEO,
        Decimal(60),
        "Wan 2.5 Image to Video",
        "Wan",
        ("Image to Video",),
    ),
    SandboxModel(
        "elevenlabs/text-to-speech-multilingual-v2",
        MediaKind.AUDIO,
        Decimal(12),
        "ElevenLabs Multilingual v2",
        "ElevenLabs",
        ("Text to Speech",),
        input_schema={
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "maxLength": 5000}},
        },
    ),
    SandboxModel(
        "ai-music-api/generate", MediaKind.AUDIO, Decimal(12), "Music Generation", "Suno", ("Text to Music",)
    ),
)


class Catalog:
    def __init__(self, models: Iterable[SandboxModel] = DEFAULT_MODELS) -> None:
        self._models = {m.model: m for m in models}

    def register(self, model: SandboxModel) -> None:
        self._models[model.model] = model

    def get(self, model: str) -> SandboxModel | None:
        return self._models.get(model)

    def resolve(self, model: str, input: Mapping[str, Any]) -> SandboxModel:
        """The registered entry, or an ad-hoc one priced by the kind the id suggests."""
        known = self._models.get(model)
        if known is not None:
            return known
        kind = infer_kind(model, input)
        return SandboxModel(model, kind, DEFAULT_CREDITS[kind])

    def search(
        self, task_types: Iterable[str] = (), provider: str | None = None, query: str | None = None
    ) -> list[SandboxModel]:
        wanted = {t.strip().lower() for t in task_types if t.strip()}
        found = []
        for m in self._models.values():
            if wanted and not wanted & {t.lower() for t in m.task_types}:
                continue
            if provider and provider.lower() != m.provider.lower():
                continue
            text = f"{m.model} {m.title} {m.description or ''}".lower()
            if query and query.lower() not in text:
                continue
            found.append(m)
        return found
