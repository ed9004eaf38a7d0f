"""The bot's HTTP access log, without the secrets that travel in paths.

aiohttp's default access log writes the request line as it came. A Kie.ai callback's path ends
in the job's signature (``/kie/callback/<job>/<signature>``), which is as good as a password for
that job's callback URL; it is written as ``***`` here.
"""

from __future__ import annotations

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from plugins.generation.callbacks import redact_path


class RedactedAccessLogger(AbstractAccessLogger):
    """``<remote> "<METHOD> <path> HTTP/x.y" <status> <bytes> <seconds>s``, path redacted."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        version = f"HTTP/{request.version.major}.{request.version.minor}"
        self.logger.info(
            '%s "%s %s %s" %s %s %.3fs',
            request.remote,
            request.method,
            redact_path(request.raw_path),
            version,
            response.status,
            response.body_length,
            time,
        )
