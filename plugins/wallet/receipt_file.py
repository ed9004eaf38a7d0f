"""A receipt's file, judged by its bytes: a picture or a PDF, nothing else.

Admins open receipts, so an executable, an archive or an SVG (which can carry script) renamed
``.png`` must never reach them. The name and the type Telegram reports are the sender's to
choose; the magic numbers are not. The download stops past the cap, whatever size was stated.
"""

from __future__ import annotations

import logging

from engine.files.content import ContentKind, sniff
from engine.files.source import MB, FileSource, FileTooLarge, FileUnavailable
from engine.plugin import ActionError

log = logging.getLogger(__name__)

RECEIPT_MAX_BYTES = 10 * MB
RECEIPT_KINDS = frozenset({ContentKind.IMAGE, ContentKind.PDF})


async def check_receipt_file(files: FileSource, file_id: str) -> None:
    """Refuses (``ActionError``) a receipt file that is not an image or a PDF, is too big, or
    cannot be fetched; returns when it may be stored and shown to admins."""
    try:
        data = await files.fetch(file_id, RECEIPT_MAX_BYTES)
    except FileTooLarge:
        raise ActionError("wallet.error.receipt_too_big", max_mb=RECEIPT_MAX_BYTES // MB) from None
    except FileUnavailable as exc:
        log.info("a receipt file could not be fetched: %s", exc)
        raise ActionError("wallet.error.receipt_unavailable") from None
    content = sniff(data)
    if content is None or content.kind not in RECEIPT_KINDS:
        raise ActionError("wallet.error.receipt_file_type")
