"""Kie.ai's task callbacks: an HTTP route with a per-job secret path and, when a webhook key is
configured, Kie's HMAC signature.

A callback only wakes its job. Kie's HMAC covers ``taskId.timestamp`` and not the body, so one
fresh, correctly signed header pair would carry any body for as long as the timestamp is fresh
(and the secret path, once seen, is not a secret from whoever saw it). Therefore nothing in the
body is believed: state, result URLs and every movement of money come from ``recordInfo``, which
the runner asks on its normal poll path when the callback makes the job due. A forged body can
at worst make us ask Kie.ai a little sooner.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
import uuid
from collections import OrderedDict

from aiohttp import web

from plugins.generation.job import ACTIVE, Job
from plugins.generation.runner import JobRunner
from plugins.generation.store import JobStore
from plugins.integrations.kie import parse_callback, verify_signature
from plugins.integrations.kie.errors import KieError

log = logging.getLogger(__name__)
ROUTE = "/kie/callback/{job}/{signature}"
SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_TOLERANCE = 300.0  # seconds a signed timestamp stays fresh (verify_signature's default)
_HEX32 = re.compile(r"[0-9a-f]{32}", re.ASCII)
_CALLBACK_PATH = re.compile(r"^(/kie/callback/[^/?#]*/).*", re.DOTALL)


def path_signature(secret: str, job_id: str) -> str:
    return hmac.new(secret.encode(), job_id.encode(), hashlib.sha256).hexdigest()[:32]


def callback_url(public_url: str, secret: str, job: Job) -> str:
    """The URL handed to Kie.ai: it names the job and proves we made it; no other secret."""
    return f"{public_url.rstrip('/')}/kie/callback/{job.id.hex}/{path_signature(secret, job.id.hex)}"


def redact_path(path: str) -> str:
    """A request path fit for a log: a callback's signature segment (and query) become ***."""
    return _CALLBACK_PATH.sub(r"\1***", path)


class SeenSignatures:
    """Signed header pairs already accepted, kept while their timestamp is fresh: the same
    pair again is a replay. (Per process; a replay elsewhere could only wake a job anyway.)"""

    def __init__(self, keep: float = 2 * SIGNATURE_TOLERANCE) -> None:
        self.keep = keep
        self._seen: OrderedDict[tuple[str, str, str], float] = OrderedDict()

    def first_time(self, task_id: str, stamp: str, signature: str, now: float) -> bool:
        while self._seen and next(iter(self._seen.values())) < now - self.keep:
            self._seen.popitem(last=False)
        key = (task_id, stamp.strip(), signature.strip())
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


def _answer(status: int, msg: str) -> web.Response:
    return web.json_response({"code": status, "msg": msg}, status=status)


def callback_routes(
    store: JobStore, runner: JobRunner, secret: str, hmac_key: str | None = None
) -> list[web.RouteDef]:
    seen = SeenSignatures()

    async def receive(request: web.Request) -> web.Response:
        job_hex, signature = request.match_info["job"], request.match_info["signature"]
        # the shape first (ASCII hex only), so a strange segment is a 404, never a crash
        if not (_HEX32.fullmatch(job_hex) and _HEX32.fullmatch(signature)):
            return _answer(404, "not found")
        if not hmac.compare_digest(signature.encode(), path_signature(secret, job_hex).encode()):
            return _answer(404, "not found")
        try:
            record = parse_callback(await request.json())
        except (ValueError, KieError):
            log.warning("malformed Kie.ai callback for job %s", job_hex)
            return _answer(400, "bad request")
        if hmac_key is not None:
            stamp = request.headers.get(TIMESTAMP_HEADER, "")
            header = request.headers.get(SIGNATURE_HEADER, "")
            now = time.time()
            if not verify_signature(record.task_id, stamp, header, hmac_key, now, SIGNATURE_TOLERANCE):
                log.warning("Kie.ai callback for job %s has a bad signature", job_hex)
                return _answer(401, "bad signature")
            if not seen.first_time(record.task_id, stamp, header, now):
                log.warning("Kie.ai callback for job %s replayed", job_hex)
                return _answer(409, "replayed")
        job = await store.get(uuid.UUID(job_hex))
        if job is not None and job.kie_task_id is None:  # its createTask answer was lost:
            job = await runner.adopt(job, record.task_id)  # adopted only as recordInfo confirms
        if (
            job is None
            or job.kie_task_id is None
            or not hmac.compare_digest(job.kie_task_id.encode(), record.task_id.encode())
        ):
            return _answer(404, "not found")
        # The body said something happened; recordInfo will say what. Nothing else is used.
        if job.state in ACTIVE:
            await store.due_now(job.id)
            runner.wake(job.id)
        return web.json_response({"code": 200, "msg": "success"})

    return [web.post(ROUTE, receive)]
