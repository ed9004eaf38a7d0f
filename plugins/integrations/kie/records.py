"""The client's clean, typed view of Kie.ai results, and the parsing from the raw wire shapes.

recordInfo and the webhook callback carry the same fields, so both become one ``TaskRecord``.
The quirks live here and nowhere else: ``resultJson`` is a JSON *string* (``""`` while pending,
``null`` in failure callbacks), ``param`` is JSON whose ``input`` is JSON again, ``costTime`` is in
seconds (the docs say ms; live data says seconds), times are Unix milliseconds, and some families
spell ``taskId`` as ``task_id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, ValidationError

from engine.plugin import PluginModel
from plugins.integrations.kie.errors import KieProtocolError
from plugins.integrations.kie.items import ResultItem, result_items
from plugins.integrations.kie.wire import Envelope, ModelEntry, RecordData, UploadData


class TaskState(StrEnum):
    WAITING = "waiting"
    QUEUING = "queuing"
    GENERATING = "generating"
    SUCCESS = "success"
    FAIL = "fail"

    @property
    def is_terminal(self) -> bool:
        return self in (TaskState.SUCCESS, TaskState.FAIL)


# Runway spells the pending states differently; the market API does not, but accepting both
# costs nothing.
_STATE_ALIASES = {"wait": TaskState.WAITING, "queueing": TaskState.QUEUING}


class _Frozen(PluginModel):
    model_config = ConfigDict(frozen=True)


class TaskParam(_Frozen):
    """The original create request as Kie echoes it back."""

    model: str | None = None
    callback_url: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)


class TaskRecord(_Frozen):
    task_id: str
    model: str | None = None
    state: TaskState
    result_urls: tuple[str, ...] = ()
    result_object: dict[str, Any] | None = None  # text results (lyrics, ...) come as resultObject
    result_items: tuple[ResultItem, ...] = ()  # items with ids (Suno tracks), see items.py
    fail_code: str | None = None
    fail_msg: str | None = None
    cost_time: float | None = None  # seconds
    credits_consumed: Decimal | None = None
    success_flag: int | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    complete_time: datetime | None = None
    param: TaskParam | None = None

    @property
    def is_terminal(self) -> bool:
        return self.state.is_terminal

    @property
    def is_success(self) -> bool:
        return self.state is TaskState.SUCCESS


class UploadedFile(_Frozen):
    download_url: str
    file_name: str | None = None
    file_path: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    uploaded_at: datetime | None = None


class ModelInfo(_Frozen):
    model: str
    title: str | None = None
    provider: str | None = None
    task_types: tuple[str, ...] = ()
    description: str | None = None
    pricing_desc: str | None = None


class ModelCatalog(_Frozen):
    total: int
    models: tuple[ModelInfo, ...]


class ModelSchema(_Frozen):
    model: str
    openapi: dict[str, Any] | None  # None when Kie has not synced the model's docs yet


class ModelPrice(_Frozen):
    model: str
    pricing_desc: str | None


def _ms(value: float | None) -> datetime | None:
    return None if not value else datetime.fromtimestamp(value / 1000, tz=UTC)


def _loads_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise KieProtocolError(f"{what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise KieProtocolError(f"{what} is not a JSON object")
    return value


def _parse_param(raw: str | dict[str, Any] | None) -> TaskParam | None:
    """Best effort: ``param`` only echoes what we sent, so a garbled one must not lose a result."""
    try:
        outer = _loads_object(raw, "param") if isinstance(raw, str) and raw else raw
        if not isinstance(outer, dict):
            return None
        inner = outer.get("input")
        if isinstance(inner, str):
            inner = _loads_object(inner, "param.input") if inner else {}
        return TaskParam(
            model=outer.get("model"),
            callback_url=outer.get("callBackUrl"),
            input=inner if isinstance(inner, dict) else {},
        )
    except (KieProtocolError, ValidationError):
        return None


def _result_payload(data: RecordData) -> dict[str, Any] | None:
    if isinstance(data.result_json, dict):
        return data.result_json
    if isinstance(data.result_json, str) and data.result_json.strip():
        return _loads_object(data.result_json, "resultJson")
    return data.response


def _urls(payload: Mapping[str, Any]) -> tuple[str, ...]:
    urls = payload.get("resultUrls", payload.get("result_urls"))
    if isinstance(urls, str):  # Veo's OpenAPI types it as a string; accept a single URL
        urls = [urls]
    if urls is None:  # Suno: data[] through the market API, sunoData[] on record-info
        tracks = payload.get("data", payload.get("sunoData"))
        if isinstance(tracks, list):
            urls = [
                item.get("audio_url") or item.get("audioUrl") for item in tracks if isinstance(item, Mapping)
            ]
    if urls is None:
        return ()
    if not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
        raise KieProtocolError("resultUrls is not a list of URLs")
    return tuple(urls)


def _state(data: RecordData, fallback: TaskState | None) -> TaskState:
    raw = (data.state or "").strip().lower()
    if raw in _STATE_ALIASES:
        return _STATE_ALIASES[raw]
    try:
        return TaskState(raw)
    except ValueError:
        if not raw and fallback is not None:
            return fallback
        raise KieProtocolError(f"unknown task state {data.state!r}") from None


def record_from_wire(
    raw: Any, *, fallback_state: TaskState | None = None, task_id: str | None = None
) -> TaskRecord:
    """A TaskRecord from recordInfo's or a callback's ``data``; KieProtocolError if unusable."""
    if not isinstance(raw, Mapping):
        raise KieProtocolError("task record is not a JSON object")
    try:
        data = RecordData.model_validate(raw)
    except ValidationError as exc:
        raise KieProtocolError(f"task record has an unexpected shape ({exc.error_count()} errors)") from None
    ident = data.task_id or data.task_id_snake or task_id
    if not ident:
        raise KieProtocolError("task record has no taskId")
    state = _state(data, fallback_state)
    payload = _result_payload(data) if state is TaskState.SUCCESS else None
    urls = _urls(payload) if payload else ()
    result_object = payload.get("resultObject") if payload else None
    if state is TaskState.SUCCESS and not urls and not isinstance(result_object, dict):
        raise KieProtocolError("successful task has neither resultUrls nor resultObject")
    fail_code = data.fail_code
    return TaskRecord(
        task_id=ident,
        model=data.model,
        state=state,
        result_urls=urls,
        result_object=result_object if isinstance(result_object, dict) else None,
        result_items=result_items(payload) if payload else (),
        fail_code=str(fail_code) if fail_code not in (None, "") else None,
        fail_msg=data.fail_msg or None,
        cost_time=data.cost_time,
        credits_consumed=data.credits_consumed,
        success_flag=data.success_flag,
        create_time=_ms(data.create_time),
        update_time=_ms(data.update_time),
        complete_time=_ms(data.complete_time),
        param=_parse_param(data.param),
    )


def parse_callback(body: Mapping[str, Any]) -> TaskRecord:
    """A webhook body (``{code: 200|501, msg, data}``) as a TaskRecord.

    The envelope code fills in the state when ``data.state`` is missing (older callback shapes).
    """
    try:
        envelope = Envelope.model_validate(body)
    except ValidationError:
        raise KieProtocolError("callback body is not a {code, msg, data} envelope") from None
    fallback = TaskState.SUCCESS if envelope.code == 200 else TaskState.FAIL
    return record_from_wire(envelope.data, fallback_state=fallback)


def callback_task_id(body: Mapping[str, Any]) -> str | None:
    """The task id a callback is about (``data.taskId``, or ``data.task_id`` in some families)."""
    data = body.get("data")
    if not isinstance(data, Mapping):
        return None
    value = data.get("taskId") or data.get("task_id")
    return value if isinstance(value, str) and value else None


def upload_from_wire(raw: Any) -> UploadedFile:
    try:
        data = UploadData.model_validate(raw)
    except ValidationError:
        raise KieProtocolError("upload answer has no downloadUrl") from None
    uploaded_at: datetime | None = None
    if data.uploaded_at:
        try:
            uploaded_at = datetime.fromisoformat(data.uploaded_at.replace("Z", "+00:00"))
        except ValueError:
            uploaded_at = None
    return UploadedFile(
        download_url=data.download_url,
        file_name=data.file_name,
        file_path=data.file_path,
        file_size=data.file_size,
        mime_type=data.mime_type,
        uploaded_at=uploaded_at,
    )


def model_from_wire(entry: ModelEntry) -> ModelInfo:
    task_types = (
        entry.task_type
        if isinstance(entry.task_type, list)
        else ([t.strip() for t in entry.task_type.split(",") if t.strip()] if entry.task_type else [])
    )
    return ModelInfo(
        model=entry.model,
        title=entry.title,
        provider=entry.provider,
        task_types=tuple(task_types),
        description=entry.description,
        pricing_desc=entry.pricing_desc,
    )
