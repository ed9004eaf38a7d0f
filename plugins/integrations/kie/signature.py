"""Webhook signature check (Kie's opt-in ``webhookHmacKey``).

Kie signs only ``f"{taskId}.{timestamp}"`` (not the body), puts the Unix-seconds timestamp in
``X-Webhook-Timestamp`` and ``base64(HMAC-SHA256(...))`` in ``X-Webhook-Signature``. Since the body
is unsigned, a verified callback proves only "Kie says this task changed": the receiver should
still fetch recordInfo (or at least treat the body's state as a hint) before paying out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"


def expected_signature(task_id: str, timestamp: str | int, hmac_key: str) -> str:
    digest = hmac.new(hmac_key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(
    task_id: str,
    timestamp: str | int | None,
    signature: str | None,
    hmac_key: str,
    now: float,
    tolerance: float = 300,
) -> bool:
    """True only for a well-formed, fresh, correctly signed callback.

    ``now`` is Unix seconds (passed in so tests and replays are deterministic); a timestamp more
    than ``tolerance`` seconds away from it either way is refused, which bounds replays.
    """
    if not task_id or not hmac_key or timestamp is None or not signature:
        return False
    stamp = str(timestamp).strip()
    if not stamp.isdigit():
        return False
    if abs(now - int(stamp)) > tolerance:
        return False
    expected = expected_signature(task_id, stamp, hmac_key)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8", "replace"))
