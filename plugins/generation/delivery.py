"""Telling the user about a job: one status message edited in place, then the result or the
failure in plain words with what happened to the money."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message
from markupsafe import Markup

from engine.loader.bundle import Bundle
from plugins.generation import text_result
from plugins.generation.follow_ups import FollowUps, follow_up_key
from plugins.generation.job import FailureKind, Job, JobState
from plugins.generation.media import ResultKind, content_problem, sniff
from plugins.generation.views import JobView, job_view
from plugins.integrations.kie.client import KieClient
from plugins.integrations.public_fetch import FetchError, FetchRefused, PublicFetcher, TooLarge

log = logging.getLogger(__name__)

UPLOAD_LIMIT = 50 * 1024 * 1024  # the public Bot API's upload limit
PHOTO_LIMIT = 10 * 1024 * 1024  # bigger images go out as documents
PRESS_PREFIX = "g:"


#: told how many result messages have been sent so far (see ``Delivery.result``)
Progress = Callable[[int], Awaitable[None]]


class SendFile(Protocol):
    """What ``Bot.send_photo``, ``send_video``, … have in common: the file second."""

    def __call__(
        self,
        chat_id: int,
        file: BufferedInputFile,
        /,
        *,
        caption: str | None,
        parse_mode: str,
        reply_markup: InlineKeyboardMarkup | None,
    ) -> Awaitable[Message]: ...


def press_data(job: Job, op: str) -> str:
    return f"{PRESS_PREFIX}{job.id.hex}:{op}"


class Delivery:
    def __init__(
        self, bot: Bot, client: KieClient, bundle: Bundle, fetcher: PublicFetcher | None = None
    ) -> None:
        self.bot = bot
        self.client = client
        self.bundle = bundle
        self.follow_ups = FollowUps(bundle)
        #: result files come from URLs Kie.ai names: public addresses only (see public_fetch)
        self.fetcher = fetcher or PublicFetcher()

    async def vet(self, job: Job, urls: list[str]) -> str | None:
        """Why these result URLs must not be delivered (so the job fails and the money goes
        back), or None. Each is probed: a public address, redirects included, and the first
        bytes of what the model's category promises. A fetch that fails for now is no reason:
        delivery tries again, or sends the link."""
        for url in urls:
            try:
                probe = await self.fetcher.fetch(url, probe=True)
            except FetchRefused as exc:
                return f"result refused: {exc}"
            except FetchError:
                continue
            problem = content_problem(probe.data, probe.content_type, job.category)
            if problem is not None:
                return f"result refused: {problem}"
        return None

    def view(self, job: Job) -> JobView:
        return job_view(job, self.bundle)

    def _t(self, key: str, job: Job, **params: Any) -> str:
        return self.bundle.render(key, job.language, {"job": self.view(job), **params})

    def _label(self, key: str, job: Job) -> str:
        return html.unescape(self._t(key, job)).strip()

    def _keyboard(self, job: Job, ops: list[str]) -> InlineKeyboardMarkup | None:
        labels = {
            "cancel": "generation.button_cancel",
            "again": "generation.button_again",
            "edit": "generation.button_edit",
            "history": "generation.button_history",
        }
        if not ops:
            return None
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text=self._label(labels[op], job), callback_data=press_data(job, op))
                    for op in ops
                ]
            ]
        )

    async def status(self, job: Job) -> int | None:
        """Show the job's current state in its status message; returns the message id."""
        key = {
            JobState.CREATED: "generation.status_queued",
            JobState.SUBMITTED: "generation.status_queued",
            JobState.SUBMITTING: "generation.status_queued",
            JobState.RUNNING: "generation.status_running",
            JobState.SUCCEEDED: "generation.status_done",
            JobState.CANCELLED: "generation.status_cancelled",
        }.get(job.state, "generation.status_failed")
        # cancelling is offered only while Kie.ai keeps refusing the task (it has no cancel)
        waiting = job.state is JobState.CREATED and job.attempts > 0
        text = self._t("generation.status_waiting" if waiting else key, job)
        markup = self._keyboard(job, ["cancel"] if waiting else [])
        if job.status_message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text,
                    chat_id=job.chat_id,
                    message_id=job.status_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                return job.status_message_id
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return job.status_message_id
                log.info("status message of job %s cannot be edited: %s", job.id, exc.message)
        message = await self.bot.send_message(
            job.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return message.message_id

    async def working(self, job: Job) -> None:
        """Telegram's "uploading a photo…" line; it lasts 5 s, so it is renewed on every poll."""
        category = job.category
        action = (
            "upload_video"
            if "video" in category or "avatar" in category
            else "upload_photo"
            if "image" in category or "upscale" in category
            else "upload_voice"
        )
        try:
            await self.bot.send_chat_action(job.chat_id, action)
        except TelegramBadRequest as exc:
            log.info("chat action for job %s refused: %s", job.id, exc.message)

    async def result(self, job: Job, progress: Progress) -> None:
        """The files (each track with its follow-up buttons), or a text result as messages.

        ``progress(n)`` is told after each message that ``n`` are sent; a retried delivery (a
        send failed) starts after the ``job.sent_parts`` the user already has.
        """
        caption = self._t("generation.result_caption", job)
        common = self._keyboard(job, ["again", "edit", "history"])
        if not job.result_urls and job.result_object is not None:
            await self._send_text(job, caption, common, progress)
            return
        urls = job.result_urls or []
        for index, url in enumerate(urls):
            if index < job.sent_parts:
                continue
            last = index == len(urls) - 1
            track = self.follow_ups.track_index(job, url, index)
            text = caption if index == 0 else None
            if track is not None and self.follow_ups.offered(job):
                title = str(job.result_items[track].get("title") or "")
                line = self._t("generation.track_caption", job, number=track + 1, title=title)
                text = f"{text}\n{line}" if text else line
            markup = self._follow_up_markup(job, track, common if last else None)
            await self._send_one(job, url, text, markup)
            await progress(index + 1)

    def _follow_up_markup(
        self, job: Job, track: int | None, common: InlineKeyboardMarkup | None
    ) -> InlineKeyboardMarkup | None:
        """Buttons opening each follow-up model for this track ("Extend", "WAV" …)."""
        rows = list(common.inline_keyboard) if common else []
        if track is None:
            return common
        buttons = [
            InlineKeyboardButton(
                text=entry.follow_up.label.get(job.language),
                callback_data=press_data(job, f"x{follow_up_key(entry.id)}.{track}"),
            )
            for entry in self.follow_ups.offered(job)
            if entry.follow_up is not None
        ]
        extra = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        return InlineKeyboardMarkup(inline_keyboard=extra + rows) if extra or rows else None

    async def _send_text(
        self, job: Job, caption: str, markup: InlineKeyboardMarkup | None, progress: Progress
    ) -> None:
        """A text result: a few messages, or a .txt document when it would take more."""
        parts = text_result.sections(job.result_object or {})
        variant = self._label("generation.text_variant", job)
        messages = text_result.messages(caption, parts, variant)
        if len(messages) > text_result.MAX_MESSAGES:
            if job.sent_parts:
                return
            data = text_result.plain_text(parts, variant).encode()
            name = f"{job.model.replace('/', '-')}.txt"
            note = self._t("generation.text_as_file", job)
            await self.bot.send_document(
                job.chat_id,
                BufferedInputFile(data, filename=name),
                caption=f"{caption}\n{note}",
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            await progress(1)
            return
        for index, text in enumerate(messages):
            if index < job.sent_parts:
                continue
            last = index == len(messages) - 1
            await self.bot.send_message(
                job.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
            )
            await progress(index + 1)

    async def _send_one(
        self, job: Job, url: str, caption: str | None, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            fetched = await self.fetcher.fetch(url, max_bytes=UPLOAD_LIMIT)
        except FetchRefused as exc:
            if not isinstance(exc, TooLarge):
                # vetted before the money moved (``vet``), refused now (a redirect, DNS that
                # changed its mind): nothing of it, not even the link, goes to the user
                log.error("result of job %s not delivered: %s", job.id, exc)
                return
            await self._send_link(job, url, caption, markup, exc)
            return
        except FetchError as exc:
            await self._send_link(job, url, caption, markup, exc)
            return
        problem = content_problem(fetched.data, fetched.content_type, job.category)
        if problem is not None:
            log.error("result of job %s not delivered: %s", job.id, problem)
            return
        data = fetched.data
        kind, extension = sniff(data)
        if kind is ResultKind.PHOTO and len(data) > PHOTO_LIMIT:
            kind = ResultKind.DOCUMENT
        upload = BufferedInputFile(data, filename=f"{job.model.replace('/', '-')}.{extension}")
        sends: dict[ResultKind, SendFile] = {
            ResultKind.PHOTO: self.bot.send_photo,
            ResultKind.ANIMATION: self.bot.send_animation,
            ResultKind.VIDEO: self.bot.send_video,
            ResultKind.AUDIO: self.bot.send_audio,
            ResultKind.DOCUMENT: self.bot.send_document,
        }
        send = sends[kind]
        await send(job.chat_id, upload, caption=caption, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def _send_link(
        self, job: Job, url: str, caption: str | None, markup: InlineKeyboardMarkup | None, why: Exception
    ) -> None:
        """Too big, or unreachable from here: the (public) link instead of the file."""
        log.info("result of job %s sent as a link: %s", job.id, why)
        text = self._t("generation.result_link", job, url=url)
        await self.bot.send_message(
            job.chat_id,
            f"{caption}\n\n{text}" if caption else text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )

    async def failure(self, job: Job, kind: FailureKind, money_key: str) -> None:
        detail = (job.error_message or "").strip()[:200] if kind is FailureKind.GENERATION_FAILED else ""
        reason = self._t(f"generation.reason_{kind.value}", job, detail=detail)
        money = self._t(money_key, job)
        text = self._t("generation.failed", job, reason=Markup(reason), money=Markup(money))
        await self.bot.send_message(
            job.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=self._keyboard(job, ["again", "history"]),
        )
