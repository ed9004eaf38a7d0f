"""A local Kie.ai sandbox: the same paths, envelope and quirks, with fault injection."""

from emulators.kie.catalog import DEFAULT_MODELS, SandboxModel
from emulators.kie.faults import (
    DropConnection,
    Endpoint,
    ErrorReply,
    Faults,
    HttpError,
    LostAnswer,
    MalformedBody,
    SlowReply,
    TaskFault,
)
from emulators.kie.media import MediaKind, infer_kind
from emulators.kie.sandbox import KieSandbox
from emulators.kie.state import CallbackDelivery, CallRecord, Latency, SandboxTask

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
    "LostAnswer",
    "MalformedBody",
    "MediaKind",
    "SandboxModel",
    "SandboxTask",
    "SlowReply",
    "TaskFault",
    "infer_kind",
]
