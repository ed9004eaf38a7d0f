"""Everything the sandbox remembers: tasks, balance, stored files, and a log of every call.

Wire shapes are produced here (``SandboxTask.record``), independently of the client's parser,
so client tests check the client against Kie's documented shapes, not against itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from emulators.kie.faults import Endpoint, TaskFault
from emulators.kie.media import MediaKind


@dataclass(frozen=True)
class Latency:
    """Seconds a task spends in each pending state; 0 everywhere finishes almost at once."""

    waiting: float = 0.0
    queuing: float = 0.0
    generating: float = 0.0

    @classmethod
    def total(cls, seconds: float) -> Latency:
        return cls(seconds * 0.2, seconds * 0.2, seconds * 0.6)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SandboxTask:
    task_id: str
    model: str
    input: dict[str, Any]
    callback_url: str | None
    kind: MediaKind
    price: Decimal
    fault: TaskFault | None
    state: str = "waiting"
    create_ms: int = field(default_factory=now_ms)
    update_ms: int = 0
    complete_ms: int | None = None
    result_urls: list[str] = field(default_factory=list)
    fail_code: str | None = None
    fail_msg: str | None = None
    credits_consumed: Decimal | None = None
    result: dict[str, Any] | None = None  # a resultJson other than {"resultUrls": …} (Suno)

    def __post_init__(self) -> None:
        self.update_ms = self.update_ms or self.create_ms

    @property
    def finished(self) -> bool:
        return self.state in ("success", "fail")

    def param(self) -> str:
        """The create request echoed back, double-encoded as Kie does: ``input`` is a JSON string
        inside the JSON string."""
        outer: dict[str, Any] = {"model": self.model, "input": json.dumps(self.input, ensure_ascii=False)}
        if self.callback_url:
            outer["callBackUrl"] = self.callback_url
        return json.dumps(outer, ensure_ascii=False)

    def record(self) -> dict[str, Any]:
        """recordInfo's ``data``: the superset of fields seen in docs and live answers."""
        success = self.state == "success"
        result = (self.result or {"resultUrls": list(self.result_urls)}) if success else None
        cost = round((self.complete_ms - self.create_ms) / 1000) if self.complete_ms else None
        return {
            "taskId": self.task_id,
            "model": self.model,
            "state": self.state,
            "param": self.param(),
            "resultJson": json.dumps(result) if result else "",
            "failCode": self.fail_code,
            "failMsg": self.fail_msg,
            "costTime": cost,  # seconds, as live Kie sends (its docs say ms)
            "completeTime": self.complete_ms,
            "createTime": self.create_ms,
            "updateTime": self.update_ms,
            "successFlag": 1 if success else 3 if self.state == "fail" else 0,
            "creditsConsumed": json_number(self.credits_consumed),
            "progress": None,
            "response": result,
        }

    def callback_body(self) -> dict[str, Any]:
        """The market callback (W3 shape): code 200/501; ``resultJson`` is null on failure."""
        data = self.record()
        del data["response"], data["progress"]
        if self.state == "fail":
            data["resultJson"] = None
            return {"code": 501, "msg": "Playground task failed.", "data": data}
        return {"code": 200, "msg": "Playground task completed successfully.", "data": data}

    def summary(self) -> dict[str, Any]:
        return {
            "taskId": self.task_id,
            "model": self.model,
            "state": self.state,
            "kind": self.kind.value,
            "input": self.input,
            "callBackUrl": self.callback_url,
            "price": json_number(self.price),
            "resultUrls": list(self.result_urls),
            "failCode": self.fail_code,
            "failMsg": self.fail_msg,
        }


@dataclass(frozen=True)
class CallRecord:
    """One request as the sandbox saw it, including refused and faulted ones."""

    endpoint: Endpoint
    model: str | None
    body: Mapping[str, Any] | None
    fault: str | None
    at: float


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    mime: str


@dataclass(frozen=True)
class CallbackDelivery:
    task_id: str
    url: str
    body: Mapping[str, Any]
    headers: Mapping[str, str]
    status: int | None
    error: str | None


@dataclass
class SandboxState:
    credits: Decimal
    tasks: dict[str, SandboxTask] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    callbacks: list[CallbackDelivery] = field(default_factory=list)

    def log(
        self,
        endpoint: Endpoint,
        model: str | None,
        body: Mapping[str, Any] | None = None,
        fault: str | None = None,
    ) -> None:
        self.calls.append(CallRecord(endpoint, model, body, fault, time.time()))

    def count(self, endpoint: Endpoint | str, model: str | None = None) -> int:
        wanted = Endpoint(endpoint)
        return sum(1 for c in self.calls if c.endpoint == wanted and (model is None or c.model == model))

    def reset(self, credits: Decimal) -> None:
        self.credits = credits
        self.tasks.clear()
        self.calls.clear()
        self.files.clear()
        self.callbacks.clear()


def json_number(value: Decimal | None) -> int | float | None:
    """JSON number for a Decimal: an int when whole (61), a float otherwise (3.5)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
