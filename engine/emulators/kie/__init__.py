"""A local Kie.ai sandbox: the same paths, envelope and quirks, with fault injection."""

from engine.emulators.kie.catalog import DEFAULT_MODELS, SandboxModel
from engine.emulators.kie.faults import (
    DropConnection,
    Endpoint,
    ErrorReply,
    Faults,
    HttpError,
    MalformedBody,
    SlowReply,
    TaskFault,
)
from engine.emulators.kie.media import MediaKind, infer_kind
from engine.emulators.kie.sandbox import KieSandbox
from engine.emulators.kie.state import CallbackDelivery, CallRecord, Latency, SandboxTask

__all__ = [
    "DEFAULT_MODELS",
    "CallRecord",
    "CallbackDelivery",
    "DropConnection",
    "Endpoint",
    "ErrorReply",
    "Faults",
    "HttpError",
    "KieSandbox",
    "Latency",
    "MalformedBody",
    "MediaKind",
    "SandboxModel",
    "SandboxTask",
    "SlowReply",
    "TaskFault",
    "infer_kind",
]
