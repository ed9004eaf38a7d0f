"""Kie.ai: the HTTP client, its typed records and errors, and webhook verification.

Database-free on purpose: the job runner decides what a result or an error means for money.
"""

from plugins.integrations.kie.client import DEFAULT_BASE_URL, DEFAULT_UPLOAD_URL, KieClient
from plugins.integrations.kie.errors import (
    KieAuthError,
    KieCreateUncertain,
    KieError,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieProtocolError,
    KieRateLimited,
    KieTaskNotVisible,
    KieUnavailable,
    KieValidationError,
)
from plugins.integrations.kie.records import (
    ModelCatalog,
    ModelInfo,
    ModelPrice,
    ModelSchema,
    TaskParam,
    TaskRecord,
    TaskState,
    UploadedFile,
    callback_task_id,
    parse_callback,
)
from plugins.integrations.kie.retry import NO_RETRY, RetryPolicy
from plugins.integrations.kie.signature import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    expected_signature,
    verify_signature,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_UPLOAD_URL",
    "NO_RETRY",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "KieAuthError",
    "KieClient",
    "KieCreateUncertain",
    "KieError",
    "KieGenerationFailed",
    "KieInsufficientCredits",
    "KieProtocolError",
    "KieRateLimited",
    "KieTaskNotVisible",
    "KieUnavailable",
    "KieValidationError",
    "ModelCatalog",
    "ModelInfo",
    "ModelPrice",
    "ModelSchema",
    "RetryPolicy",
    "TaskParam",
    "TaskRecord",
    "TaskState",
    "UploadedFile",
    "callback_task_id",
    "expected_signature",
    "parse_callback",
    "verify_signature",
]
