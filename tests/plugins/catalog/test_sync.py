"""``python -m engine catalog sync``: models/ against the Kie.ai sandbox's catalog endpoints."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from emulators.kie import Endpoint, KieSandbox, MalformedBody, MediaKind, SandboxModel
from engine.cli import main
from engine.loader.bundle import load_bundle
from plugins.catalog.cli import EXIT_DRIFT, EXIT_SYNCED, run_sync, sync_parser
from plugins.catalog.drafts import DRAFT_REASON
from plugins.catalog.drift import credit_figures
from plugins.catalog.importer import importer
from plugins.catalog.openapi import OpenApiError, input_schema, resolve_pointer
from plugins.catalog.sync import Pacer
from tests.support import reference as references
from tests.support.projects import write_project

KEY = "sync-test-key-7f3a"
DAY = date(2026, 9, 1)

PAINT = """\
  - id: acme/paint
    vendor: Acme
    category: text-to-image
    name: {ru: Кисть, en: Brush}
    description: {ru: Рисует по описанию, en: Paints from a prompt}
    price:
      cases:
        - {credits: 8}
    input:
      prompt: {type: string, required: true, max_length: 5000}
      aspect_ratio: {type: enum, options: ["1:1", "9:16", "16:9"]}
"""
CLIP = """\
  - id: acme/clip
    vendor: Acme
    category: image-to-video
    name: {ru: Клип, en: Clip}
    description: {ru: Оживляет фото, en: Animates a photo}
    price:
      cases:
        - {when: {duration: "10"}, credits: 110}
        - {credits: 55}
    input:
      prompt: {type: string, required: true}
      image_urls: {type: files, media: image, required: true, max_items: 2}
      duration: {type: enum, default: "5", options: ["5", "10"]}
"""
OLD = """\
  - id: acme/old
    vendor: Acme
    category: text-to-image
    name: {ru: Старая, en: Old}
    description: {ru: Снята, en: Retired}
    price:
      cases:
        - {credits: 2}
    input:
      prompt: {type: string, required: true}
"""


PAINT_INPUT = {
    "type": "object",
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string", "maxLength": 5000},
        "aspect_ratio": {"type": "string", "enum": ["1:1", "9:16", "16:9"]},
    },
}


def paint(credits: int = 8, **extra: Any) -> SandboxModel:
    extra.setdefault("input_schema", PAINT_INPUT)
    return SandboxModel(
        "acme/paint", MediaKind.IMAGE, Decimal(credits), "Acme Paint", "Acme", ("Text to Image",), **extra
    )


def clip_doc(
    durations: list[str], *, with_images: bool = True, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Shaped like Kie's documents: $refs left in, %20 and trailing spaces in component keys."""
    properties: dict[str, Any] = {
        "prompt": {"type": "string", "maxLength": 5000},
        "duration": {"$ref": "#/components/schemas/Duration"},
    }
    if with_images:
        properties["image_urls "] = {
            "type": "array",
            "maxItems": 2,
            "items": {"type": "string", "format": "uri"},
        }
    properties.update(extra or {})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Acme Clip", "version": "1"},
        "paths": {
            "/api/v1/jobs/createTask": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/create%20task%20request"}
                            }
                        },
                    },
                    "responses": {"200": {"$ref": "#/components/responses/Error "}},
                }
            }
        },
        "components": {
            "schemas": {
                "create task request": {
                    "type": "object",
                    "required": ["model", "input"],
                    "properties": {
                        "model": {"type": "string", "enum": ["acme/clip"]},
                        "callBackUrl": {"type": "string", "format": "uri"},
                        "input": {"$ref": "#/components/schemas/clip%20input "},
                    },
                },
                "clip input ": {
                    "type": "object",
                    "required": ["prompt", "image_urls"],
                    "properties": properties,
                },
                "Duration": {"type": "string", "enum": durations, "default": "5"},
            },
            "responses": {"Error ": {"description": "business error"}},
        },
    }


def clip(doc: dict[str, Any] | None = None, **extra: Any) -> SandboxModel:
    return SandboxModel(
        "acme/clip",
        MediaKind.VIDEO,
        Decimal(55),
        "Acme Clip",
        "Acme",
        ("Image to Video",),
        openapi_doc=doc or clip_doc(["5", "10"]),
        pricing="A 5-second video costs 55 credits (0.275 USD), 10 seconds 110 credits.",
        **extra,
    )


def project(tmp_path: Path, *entries: str) -> Path:
    models = "tasks:\n  - {id: images, name: {ru: Картинки, en: Images}}\nmodels:\n" + "".join(entries)
    return write_project(tmp_path / "project", {"models/acme.yaml": models})


async def sync(
    root: Path, sandbox: KieSandbox, *options: str, key: str = KEY, pacer: Pacer | None = None
) -> int:
    args = sync_parser().parse_args(
        [str(root), "--api-url", sandbox.base_url, "--api-key", key, "--spacing", "0", *options]
    )
    return await run_sync(args, pacer=pacer, today=DAY)


async def sync_json(
    root: Path, sandbox: KieSandbox, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, dict[str, Any]]:
    code = await sync(root, sandbox, "--format", "json", *options)
    return code, json.loads(capsys.readouterr().out)


# ------------------------------------------------------------------ the command


async def test_in_sync_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, PAINT, CLIP)
    async with KieSandbox(KEY, models=[paint(), clip()]) as sandbox:
        code = await sync(root, sandbox)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Kie.ai lists 2 models; models/ has 2." in out and "In sync" in out
    assert "Notes:" not in out  # acme/clip's $refs (%20, trailing spaces) were all followed


async def test_the_command_line_reaches_the_sync(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``python -m engine catalog sync`` with the key from the environment, as editors run it."""
    root = project(tmp_path, PAINT, CLIP)
    monkeypatch.setenv("KIE_API_KEY", KEY)
    async with KieSandbox(KEY, models=[paint(), clip()]) as sandbox:
        monkeypatch.setenv("KIE_API_URL", sandbox.base_url)
        code = await asyncio.to_thread(
            main, ["catalog", "sync", str(root), "--spacing", "0", "--format", "json"]
        )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["in_sync"] is True


async def test_a_new_model_is_reported_and_drafted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP)
    before = (root / "models" / "acme.yaml").read_text(encoding="utf-8")
    fresh = SandboxModel(
        "acme/sketch",
        MediaKind.IMAGE,
        Decimal(6),
        "Acme Sketch — fast drawings",
        "Acme",
        ("Image to Image",),
        description="Turns a photo into a sketch.",
        input_schema={
            "type": "object",
            "required": ["prompt", "image_urls"],
            "properties": {
                "prompt": {"type": "string", "maxLength": 2000},
                "image_urls": {"type": "array", "maxItems": 4, "items": {"type": "string", "format": "uri"}},
                "style": {"type": "string", "enum": ["pencil", "ink"], "default": "pencil"},
                "seed": {"type": "integer", "minimum": 0},
                "layers": {"type": "array", "items": {"type": "object"}},
            },
        },
    )
    drafts = tmp_path / "drafts"
    async with KieSandbox(KEY, models=[paint(), clip(), fresh]) as sandbox:
        code, report = await sync_json(root, sandbox, capsys, "--write-drafts", str(drafts))
    assert code == 1
    assert [m["id"] for m in report["new"]] == ["acme/sketch"]
    assert report["new"][0]["pricing_desc"] == "Each generation costs 6 credits (0.030 USD)."
    assert (root / "models" / "acme.yaml").read_text(encoding="utf-8") == before
    draft = drafts / "acme__sketch.yaml"
    assert report["drafts"] == [{"id": "acme/sketch", "path": str(draft), "problem": None}]

    loaded = (
        load_bundle(
            write_project(tmp_path / "review", {"models/draft.yaml": draft.read_text(encoding="utf-8")})
        )
        .models["acme/sketch"]
        .entry
    )
    assert not loaded.enabled and loaded.disabled_reason == DRAFT_REASON
    assert list(loaded.input) == ["prompt", "image_urls", "style", "seed"]  # optional list left out
    assert loaded.input["image_urls"].type == "files" and loaded.input["image_urls"].media == "image"
    assert [o.value for o in loaded.input["style"].options] == ["pencil", "ink"]
    assert loaded.input["seed"].advanced and loaded.category == "image-edit"
    assert any("Kie pricingDesc: Each generation costs 6 credits" in n for n in loaded.notes)
    assert any(n.startswith("omitted layers:") for n in loaded.notes)


NOT_MODELS = (
    "bytedance/seedance-2-asset",
    "features/flux1-kontext",
    "features/mj-api",
    "google/gemini-2.0-flash-exp",
    "midjourney/extend",
    "midjourney/upscale",
    "midjourney/vary",
    "sora2-remix",
    "wantest/2-5-text-to-video",
)


def unpriced(model_id: str) -> SandboxModel:
    """A playground-only id as Kie lists it: no price, no schema."""
    return SandboxModel(
        model_id, MediaKind.IMAGE, Decimal(0), model_id, "Kie", (), priced=False, schema_published=False
    )


async def test_known_non_models_are_reported_with_their_reasons_not_as_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP)
    listed = [paint(), clip(), *(unpriced(i) for i in NOT_MODELS)]
    async with KieSandbox(KEY, models=listed) as sandbox:
        code, report = await sync_json(root, sandbox, capsys)
        text_code = await sync(root, sandbox)
    assert code == 0 and report["in_sync"] is True and report["new"] == []
    reasons = {m["id"]: m["reason"] for m in report["known_non_models"]}
    assert sorted(reasons) == sorted(NOT_MODELS)
    assert "asset-upload helper" in reasons["bytedance/seedance-2-asset"]
    assert "test id" in reasons["wantest/2-5-text-to-video"]
    out = capsys.readouterr().out
    assert text_code == 0 and "known not to be models (9)" in out
    assert "  · sora2-remix: an internal billing name" in out


async def test_a_known_non_model_that_kie_starts_pricing_is_new_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP)
    priced = SandboxModel(
        "midjourney/vary",
        MediaKind.IMAGE,
        Decimal(8),
        "Midjourney Vary",
        "Kie",
        ("Image to Image",),
        schema_published=False,
    )
    async with KieSandbox(KEY, models=[paint(), clip(), priced, unpriced("sora2-remix")]) as sandbox:
        code, report = await sync_json(root, sandbox, capsys)
    assert code == 1
    assert [m["id"] for m in report["new"]] == ["midjourney/vary"]
    assert [m["id"] for m in report["known_non_models"]] == ["sora2-remix"]
    assert any(n["id"] == "midjourney/vary" and "now prices it" in n["note"] for n in report["notes"])


async def test_a_retired_model_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, PAINT, CLIP, OLD)
    async with KieSandbox(KEY, models=[paint(), clip()]) as sandbox:
        code, report = await sync_json(root, sandbox, capsys)
    assert code == 1
    assert report["retired"] == [{"id": "acme/old", "enabled": True}]
    assert report["new"] == [] and report["changed"] == []
    assert sandbox.count(Endpoint.MODEL_SCHEMA, "acme/old") == 0


async def test_changed_fields_are_reported_and_drafted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP)
    doc = clip_doc(
        ["5", "10", "15"],
        with_images=False,
        extra={"seed": {"type": "integer"}, "camera": {"type": "string", "enum": ["static", "pan"]}},
    )
    doc["components"]["schemas"]["clip input "]["required"] = ["prompt", "camera"]
    async with KieSandbox(KEY, models=[paint(), clip(doc)]) as sandbox:
        code, report = await sync_json(root, sandbox, capsys, "--write-drafts", str(tmp_path / "drafts"))
    assert code == 1
    (changed,) = report["changed"]
    assert changed["id"] == "acme/clip"
    assert {(c["field"], c["kind"], c["detail"]) for c in changed["changes"]} == {
        ("duration", "enum", 'Kie adds "15"'),
        ("image_urls", "removed", "Kie no longer lists it"),
        ("seed", "added", "integer"),
        ("camera", "added", 'enum ("static", "pan"), required'),
    }
    draft = (tmp_path / "drafts" / "acme__clip.yaml").read_text(encoding="utf-8")
    entry = (
        load_bundle(write_project(tmp_path / "review", {"models/d.yaml": draft})).models["acme/clip"].entry
    )
    assert not entry.enabled
    assert list(entry.input) == ["prompt", "duration", "seed", "camera"]
    assert [o.value for o in entry.input["duration"].options] == ["5", "10", "15"]
    assert entry.input["camera"].required and entry.price is not None
    assert any(n == 'catalog sync: duration: enum — Kie adds "15"' for n in entry.notes)


async def test_a_type_and_a_required_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, PAINT)
    changed = paint(
        input_schema={
            "type": "object",
            "required": ["prompt", "aspect_ratio"],
            "properties": {"prompt": {"type": "string"}, "aspect_ratio": {"type": "integer"}},
        }
    )
    async with KieSandbox(KEY, models=[changed]) as sandbox:
        _, report = await sync_json(root, sandbox, capsys)
    assert [(c["field"], c["kind"], c["detail"]) for c in report["changed"][0]["changes"]] == [
        ("aspect_ratio", "type", "ours enum, Kie integer"),
        ("aspect_ratio", "required", "Kie required, ours optional"),
    ]


async def test_an_unpublished_schema_is_a_note_not_a_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP)
    waiting = SandboxModel(
        "acme/soon",
        MediaKind.VIDEO,
        Decimal(30),
        "Acme Soon",
        "Acme",
        ("Text to Video",),
        schema_published=False,
    )
    async with KieSandbox(KEY, models=[paint(schema_published=False), clip(), waiting]) as sandbox:
        code = await sync(root, sandbox, "--write-drafts", str(tmp_path / "drafts"))
    out = capsys.readouterr().out
    assert code == 1  # acme/soon is new; acme/paint alone would be in sync
    assert "acme/paint: schema not published" in out and "acme/soon: schema not published" in out
    assert "~ acme/paint" not in out
    draft = (tmp_path / "drafts" / "acme__soon.yaml").read_text(encoding="utf-8")
    entry = (
        load_bundle(write_project(tmp_path / "review", {"models/d.yaml": draft})).models["acme/soon"].entry
    )
    assert entry.input == {} and entry.category == "text-to-video" and entry.tasks == ["video_ads"]
    assert any("not published this model's schema" in n for n in entry.notes)


async def test_an_unreadable_schema_exits_2_after_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP, OLD)
    broken = clip_doc(["5", "10"])
    del broken["components"]["schemas"]["Duration"]
    async with KieSandbox(KEY, models=[paint(), clip(broken)]) as sandbox:
        code = await sync(root, sandbox)
    out = capsys.readouterr().out
    assert code == 2
    assert "acme/clip: schema unreadable: $ref '#/components/schemas/Duration' points nowhere" in out
    assert "- acme/old" in out  # the rest of the report is still there
    assert "Incomplete: 1 model(s) could not be checked; differences among the rest: 1 retired." in out


async def test_a_price_text_that_disagrees_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT, CLIP)
    async with KieSandbox(KEY, models=[paint(credits=10), clip()]) as sandbox:
        code, report = await sync_json(root, sandbox, capsys)
    assert code == 1
    prices = {p["id"]: p for p in report["prices"]}
    assert prices["acme/paint"] == {
        "id": "acme/paint",
        "price_from_credits": "8",
        "verdict": "mismatch",
        "pricing_desc": "Each generation costs 10 credits (0.050 USD).",
        "credits_in_text": ["10"],
    }
    assert prices["acme/clip"]["verdict"] == "judge"  # two figures: an editor reads it
    assert prices["acme/clip"]["price_from_credits"] == "55"


async def test_the_price_endpoint_fills_a_listing_without_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT)
    listing = {
        "code": 200,
        "msg": "success",
        "data": {
            "total": 1,
            "models": [
                {"model": "acme/paint", "title": "Acme Paint", "provider": "Acme", "pricingDesc": None}
            ],
        },
    }
    async with KieSandbox(KEY, models=[paint()]) as sandbox:
        sandbox.faults.reply(Endpoint.MODELS, MalformedBody(json.dumps(listing)))  # a hand-written answer
        code, report = await sync_json(root, sandbox, capsys)
    assert code == 0 and sandbox.count(Endpoint.MODEL_PRICE) == 1
    assert report["prices"][0]["verdict"] == "agrees"


async def test_a_bad_key_exits_2_without_showing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT)
    wrong = "wrong-key-SECRET-1234"
    async with KieSandbox(KEY, models=[paint()]) as sandbox:
        code = await sync(root, sandbox, key=wrong)
        json_code = await sync(root, sandbox, "--format", "json", key=wrong)
    captured = capsys.readouterr()
    assert code == json_code == 2
    assert "refused the API key" in captured.err and "KIE_API_KEY" in captured.err
    assert "refused the API key" in json.loads(captured.out)["error"]
    assert wrong not in captured.out + captured.err and "Traceback" not in captured.err


async def test_no_key_at_all_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, PAINT)
    monkeypatch.delenv("KIE_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here either
    assert await run_sync(sync_parser().parse_args([str(root)])) == 2
    assert "no Kie.ai API key" in capsys.readouterr().err


async def test_drafts_are_never_written_into_models(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, PAINT)
    async with KieSandbox(KEY, models=[paint()]) as sandbox:
        code = await sync(root, sandbox, "--write-drafts", str(root / "models" / "new"))
    assert code == 2 and "never written into models/" in capsys.readouterr().err
    assert sandbox.count(Endpoint.MODELS) == 0


@pytest.mark.parametrize(
    "reference",
    [
        pytest.param(references.TRIMMED, id="trimmed"),
        pytest.param(references.FULL, id="full", marks=pytest.mark.reference),
    ],
)
async def test_the_shipped_catalog_matches_schemas_built_from_its_reference(
    reference: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Serve the reference that models/ was imported from as Kie's schemas: no field may be
    reported, so every editor adjustment the import script records is recognised as one."""
    root = Path(__file__).resolve().parents[3]
    everything = references.models(reference, api=None)
    known = importer().load_not_models()
    market = [
        m for m in importer().apply_verified(everything) if m["api"] == "market" and m["id"] not in known
    ]
    served = [
        SandboxModel(
            m["id"],
            MediaKind.IMAGE,
            Decimal(1),
            schema_published=bool(m["inputs"]),
            input_schema=_as_json_schema(m["inputs"]),
            pricing="see kie.ai/pricing",
        )
        for m in market
    ]
    listed_non_models = [m["id"] for m in everything if m["id"] in known]
    async with KieSandbox(KEY, models=[*served, *map(unpriced, listed_non_models)]) as sandbox:
        code, report = await sync_json(root, sandbox, capsys)
    assert report["changed"] == [] and report["errors"] == [] and report["new"] == []
    assert sorted(m["id"] for m in report["known_non_models"]) == sorted(listed_non_models)
    unserved = set(load_bundle(root).models) - {m["id"] for m in market}
    assert {m["id"] for m in report["retired"]} == unserved
    assert code == (EXIT_DRIFT if unserved else EXIT_SYNCED)


def _as_json_schema(inputs: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference's inputs written back as the JSON Schema a Kie document would hold."""
    shapes = {
        "url": {"type": "string", "format": "uri"},
        "url-array": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "object-array": {"type": "array", "items": {"type": "object"}},
        "string-array": {"type": "array", "items": {"type": "string"}},
        "integer-array": {"type": "array", "items": {"type": "integer"}},
        "array-array": {"type": "array", "items": {"type": "array"}},
    }
    keys = {
        "min": "minimum",
        "max": "maximum",
        "min_length": "minLength",
        "max_length": "maxLength",
        "min_items": "minItems",
        "max_items": "maxItems",
        "default": "default",
        "deprecated": "deprecated",
    }
    inputs = [i for i in inputs if not i.get("bot_only")]  # asked by the bot, not Kie's
    properties = {}
    for item in inputs:
        kind = item["type"]
        shape = (
            {"type": item.get("value_type", "string"), "enum": item["enum"]}
            if kind == "enum"
            else dict(shapes.get(kind, {"type": kind}))
        )
        shape.update({keys[k]: v for k, v in item.items() if k in keys})
        properties[item["name"]] = shape
    return {
        "type": "object",
        "properties": properties,
        "required": [i["name"] for i in inputs if i["required"]],
    }


# ------------------------------------------------------------------ rate limit


async def test_calls_are_spaced_by_the_pacer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Kie's discovery budget is 1 request/s: every call waits for the previous one + spacing."""
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.1, clock=lambda: now[0], sleep=sleep)
    root = project(tmp_path, PAINT, CLIP)
    async with KieSandbox(KEY, models=[paint(), clip()]) as sandbox:
        assert await sync(root, sandbox, pacer=pacer) == 0
        calls = len(sandbox.calls)
    assert calls == 3  # the listing (with prices), then one schema per model
    assert slept == [pytest.approx(1.1)] * 2


async def test_calls_are_spaced_in_real_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, PAINT, CLIP)
    async with KieSandbox(KEY, models=[paint(), clip()]) as sandbox:
        assert await sync(root, sandbox, "--spacing", "0.1") == 0
        times = [c.at for c in sandbox.calls]
    assert len(times) == 3
    assert all(later - earlier >= 0.09 for earlier, later in pairwise(times))


async def test_a_pacer_does_not_wait_when_calls_are_already_apart() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = Pacer(1.1, clock=lambda: now[0], sleep=sleep)
    await pacer.wait()
    now[0] = 5.0
    await pacer.wait()
    assert slept == []
    with pytest.raises(ValueError):
        Pacer(-1)


# ------------------------------------------------------------------ pieces


def test_refs_are_decoded_per_segment_and_never_trimmed() -> None:
    doc = {"components": {"schemas": {"a b ": {"type": "string"}, "x/y": {"type": "integer"}}}}
    assert resolve_pointer(doc, "#/components/schemas/a%20b%20") == {"type": "string"}
    assert resolve_pointer(doc, "#/components/schemas/x~1y") == {"type": "integer"}
    with pytest.raises(OpenApiError):
        resolve_pointer(doc, "#/components/schemas/a%20b")  # the trailing space is part of the key
    with pytest.raises(OpenApiError):
        resolve_pointer(doc, "https://example.com/schema.json")


def test_one_of_inputs_require_only_what_every_branch_requires() -> None:
    def doc(input_schema: dict[str, Any]) -> dict[str, Any]:
        body = {"type": "object", "properties": {"input": input_schema}}
        return {
            "paths": {
                "/api/v1/jobs/createTask": {
                    "post": {"requestBody": {"content": {"application/json": {"schema": body}}}}
                }
            },
            "components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}},
        }

    schema = input_schema(
        doc(
            {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["prompt", "task_id"],
                        "properties": {"prompt": {"type": "string"}, "task_id": {"type": "string"}},
                    },
                    {
                        "type": "object",
                        "required": ["prompt", "image_urls"],
                        "properties": {
                            "prompt": {"type": "string"},
                            "image_urls": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                ]
            }
        )
    )
    assert {n: f.required for n, f in schema.fields.items()} == {
        "prompt": True,
        "task_id": False,
        "image_urls": False,
    }
    nullable = input_schema(
        doc({"type": "object", "properties": {"seed": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}})
    )
    assert nullable.fields["seed"].types == {"integer"}
    with pytest.raises(OpenApiError):
        input_schema(doc({"$ref": "#/components/schemas/Loop"}))
    assert not input_schema({"paths": {"/api/v1/chat/completions": {}}}).task_based


def test_credit_figures_in_price_prose() -> None:
    assert credit_figures("A 5-second video costs 160 credits (0.80 USD)") == (Decimal(160),)
    assert credit_figures("1,000 credits per run; 0.5 credit per second") == (Decimal(1000), Decimal("0.5"))
    assert credit_figures("Priced per token") == ()
