"""Kie.ai's task callbacks: an HTTP route with a per-job secret path and, when a webhook key is
configured, Kie's HMAC signature. Duplicates are harmless: state moves are guarded."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid

from aiohttp import web

from plugins.generation.job import Job
from plugins.generation.runner import JobRunner
from plugins.generation.store import JobStore
from plugins.integrations.kie import parse_callback, verify_signature
from plugins.integrations.kie.errors import KieError

log = logging.getLogger(__name__)
ROUTE = "/kie/callback/{job}/{signature}"
SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"


def path_signature(secret: str, job_id: str) -> str:
    return hmac.new(secret.encode(), job_id.encode(), hashlib.sha256).hexdigest()[:32]


def callback_url(public_url: str, secret: str, job: Job) -> str:
    """The URL handed to Kie.ai: it names the job and proves we made it; no other secret."""
    return f"{public_url.rstrip('/')}/kie/callback/{job.id.hex}/{path_signature(secret, job.id.hex)}"


def callback_routes(store: JobStore, runner: JobRunner, secret: str,
                    hmac_key: str | None = None) -> list[web.RouteDef]:
    async def receive(request: web.Request) -> web.Response:
        job_hex, signature = request.match_info["job"], request.match_info["signature"]
        if not hmac.compare_digest(signature, path_signature(secret, job_hex)):
            return web.json_response({"code": 404, "msg": "not found"}, status=404)
        try:
            body = await request.json()
            record = parse_callback(body)
        except (ValueError, KieError):
            log.warning("malformed Kie.ai callback for job %s", job_hex)
            return web.json_response({"code": 400, "msg": "bad request"}, status=400)
        if hmac_key is not None and not verify_signature(
                record.task_id, request.headers.get(TIMESTAMP_HEADER, ""),
                request.headers.get(SIGNATURE_HEADER, ""), hmac_key, time.time()):
            log.warning("Kie.ai callback for job %s has a bad signature", job_hex)
            return web.json_response({"code": 401, "msg": "bad signature"}, status=401)
        job = await store.get(uuid.UUID(job_hex))
        if job is not None and job.kie_task_id is None:   # its createTask answer was lost
            job = await runner.adopt(job, record.task_id)
        if job is None or job.kie_task_id != record.task_id:
            return web.json_response({"code": 404, "msg": "not found"}, status=404)
        if await runner.apply_record(job, record) is not None:
            await store.due_now(job.id)
            runner.wake()
        return web.json_response({"code": 200, "msg": "success"})

    return [web.post(ROUTE, receive)]
