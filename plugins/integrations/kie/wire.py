"""Pydantic models of Kie.ai's raw JSON, exactly as it travels (camelCase, strings-in-strings).

Only the client and the records module read these; everyone else gets the clean types of
``records``. Every model ignores unknown fields: Kie adds fields without notice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field

from engine.plugin import PluginModel


class _Wire(PluginModel):
    model_config = ConfigDict(extra="ignore")


class Envelope(_Wire):
    """``{code, msg, data}``; some doc pages say ``message`` instead of ``msg``."""

    code: int
    msg: str | None = None
    message: str | None = None
    data: Any = None
    success: bool | None = None  # only the upload host sends it

    @property
    def text(self) -> str:
        return self.msg or self.message or ""


class CreateTaskData(_Wire):
    task_id: str = Field(alias="taskId", min_length=1)
    record_id: str | None = Field(default=None, alias="recordId")


class RecordData(_Wire):
    """recordInfo ``data`` and a callback's ``data`` (the same superset of fields)."""

    task_id: str | None = Field(default=None, alias="taskId")
    task_id_snake: str | None = Field(default=None, alias="task_id")
    model: str | None = None
    state: str | None = None
    param: str | dict[str, Any] | None = None
    result_json: str | dict[str, Any] | None = Field(default=None, alias="resultJson")
    response: dict[str, Any] | None = None
    fail_code: str | int | None = Field(default=None, alias="failCode")
    fail_msg: str | None = Field(default=None, alias="failMsg")
    cost_time: float | None = Field(default=None, alias="costTime")
    credits_consumed: Decimal | None = Field(default=None, alias="creditsConsumed")
    success_flag: int | None = Field(default=None, alias="successFlag")
    create_time: float | None = Field(default=None, alias="createTime")
    update_time: float | None = Field(default=None, alias="updateTime")
    complete_time: float | None = Field(default=None, alias="completeTime")
    progress: Any = None


class UploadData(_Wire):
    file_name: str | None = Field(default=None, alias="fileName")
    file_path: str | None = Field(default=None, alias="filePath")
    download_url: str = Field(alias="downloadUrl", min_length=1)
    file_size: int | None = Field(default=None, alias="fileSize")
    mime_type: str | None = Field(default=None, alias="mimeType")
    uploaded_at: str | None = Field(default=None, alias="uploadedAt")


class ModelEntry(_Wire):
    model: str
    slug: str | None = None
    title: str | None = None
    provider: str | None = None
    task_type: list[str] | str | None = Field(default=None, alias="taskType")
    description: str | None = None
    pricing_desc: str | None = Field(default=None, alias="pricingDesc")


class ModelsData(_Wire):
    total: int | None = None
    models: list[ModelEntry] = Field(default_factory=list)


class SchemaData(_Wire):
    model: str
    openapi: dict[str, Any] | None = None


class PriceData(_Wire):
    model: str
    pricing_desc: str | None = Field(default=None, alias="pricingDesc")
