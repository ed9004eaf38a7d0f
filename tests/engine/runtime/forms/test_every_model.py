"""Property-style: for every enabled model of the shipped catalog a scripted user walks its
generated form to the summary, which shows the price the model's rule gives; along the way
invalid answers are refused with a message and change nothing."""

from __future__ import annotations

import itertools
from datetime import timedelta

import asyncpg
import pytest

from engine.files.source import MemoryFiles
from engine.loader.bundle import Bundle, load_bundle
from engine.plugin import PluginSet
from engine.runtime.forms.state import SUMMARY, FormState, final_values, missing_required
from engine.runtime.incoming import FileInfo, Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from engine.schema.catalog import EnumOption, FieldType, InputField, MediaKind, ModelEntry
from plugins.catalog.plugin import CatalogPlugin
from plugins.catalog.pricing import credits_for, price_from
from plugins.generation.job import Job, JobState
from plugins.generation.plugin import GenerationPlugin, media_seconds
from plugins.generation.store import JobStore
from plugins.user import UserPlugin
from plugins.wallet.free_tier import pick_free_models
from plugins.wallet.money import format_rub
from plugins.wallet.plugin import WalletPlugin
from tests.conftest import PROJECT_ROOT
from tests.support.media import mp4, png, wav
from tests.support.messenger import RecordingMessenger

BUNDLE: Bundle = load_bundle(PROJECT_ROOT)
ENABLED = sorted(m.entry.id for m in BUNDLE.models.values() if m.entry.enabled)
_ids = itertools.count(10_000)
FILES = MemoryFiles()  # what each sample file id holds: real media of its kind


def sample_file(spec: InputField, wrong: bool = False) -> FileInfo:
    media = spec.media or MediaKind.IMAGE
    if wrong:
        media = MediaKind.AUDIO if media is MediaKind.IMAGE else MediaKind.IMAGE
    if media is MediaKind.IMAGE:
        file_id = f"img{next(_ids)}"
        FILES.files[file_id] = png()
        return FileInfo(
            kind="photo", file_id=file_id, file_size=50_000, mime_type="image/jpeg", width=640, height=480
        )
    file_id = f"f{next(_ids)}"
    FILES.files[file_id] = mp4(4) if media is MediaKind.VIDEO else wav(4)
    mime = "video/mp4" if media is MediaKind.VIDEO else "audio/wav"
    return FileInfo(
        kind="video" if media is MediaKind.VIDEO else "audio",
        file_id=file_id,
        file_size=200_000,
        mime_type=mime,
        duration=4,
    )


class Walker:
    def __init__(
        self, runtime: Runtime, messenger: RecordingMessenger, entry: ModelEntry, maximal: bool
    ) -> None:
        self.rt, self.m, self.entry, self.maximal = runtime, messenger, entry, maximal
        self.person = Person(id=next(_ids), first_name="Prop", language_code="ru")

    async def state(self) -> FormState:
        session = await self.rt.store.load(self.person.id, self.person.id, "ru")
        state = FormState.from_json(session.form)
        assert state is not None, f"{self.entry.id}: no form in progress: {self.m.last.view.text}"
        return state

    async def send(self, text: str | None = None, file: FileInfo | None = None) -> None:
        kind = Kind.FILE if file else Kind.TEXT
        await self.rt.handle(Incoming(kind, self.person, self.person.id, text=text or "", file=file))

    async def press(self, label: str) -> None:
        message_id, data = self.m.button(label)
        await self.rt.handle(
            Incoming(
                Kind.PRESS,
                self.person,
                self.person.id,
                callback_id="q",
                callback_data=data,
                message_id=message_id,
            )
        )

    async def refused(self, action: object, expect: str) -> None:
        """The answer is refused with a message (on the screen or on the press) and changes
        nothing."""
        before, answers = await self.state(), len(self.m.answers)
        await action  # type: ignore[misc]
        said = self.m.last.view.text + "".join(a or "" for _, a in self.m.answers[answers:])
        assert expect in said, (self.entry.id, said)
        assert await self.state() == before, f"{self.entry.id}: a refused answer changed state"

    async def answer(self, name: str, spec: InputField) -> None:
        if not spec.required and not self.maximal and spec.type is not FieldType.FILES:
            await self.press(self.starting("Пропустить"))
            return
        if spec.type is FieldType.STRING:
            if spec.max_length:
                await self.refused(self.send("x" * (spec.max_length + 1)), "Слишком длинно")
            examples = self.entry.examples("en")
            text = examples[0] if examples else "a cat on a skateboard"
            await self.send(text[: spec.max_length or 10_000])
        elif spec.type in (FieldType.INTEGER, FieldType.NUMBER):
            if spec.maximum is not None:
                await self.refused(self.send(str(spec.maximum + 1)), "Число должно быть от")
            value = (
                spec.maximum
                if self.maximal and spec.maximum is not None
                else (spec.minimum if spec.minimum is not None else (spec.default or 1))
            )
            await self.send(str(int(value) if spec.type is FieldType.INTEGER else value))
        elif spec.type is FieldType.ENUM:
            await self.refused(self.send("free text"), "кнопкой")
            _, data = self.m.button(self.m.last.view.keyboard[0][0].text)
            forged = data.rsplit(":", 1)[0] + ":f.o999"
            await self.refused(
                self.rt.handle(
                    Incoming(
                        Kind.PRESS,
                        self.person,
                        self.person.id,
                        callback_id="q",
                        callback_data=forged,
                        message_id=self.m.last.message_id,
                    )
                ),
                "устарело",
            )
            option = spec.options[-1 if self.maximal else 0]
            await self.press(await self.page_to(option, spec))
        elif spec.type is FieldType.BOOLEAN:
            await self.press("✅ Да" if self.maximal else "❌ Нет")
        elif spec.type is FieldType.FILE:
            await self.refused(self.send(file=sample_file(spec, wrong=True)), "нужен файл")
            await self.send(file=sample_file(spec))
        elif spec.type is FieldType.FILES:
            count = max(spec.min_items or 1, 1)
            for _ in range(count):
                await self.send(file=sample_file(spec))
            state = await self.state()
            if name in (state.item_step, state.step if state.item_step is None else None):
                await self.press(self.starting("Готово"))

    async def page_to(self, option: EnumOption, spec: InputField) -> str:
        """The option's button, turning the pages of a long choice until it shows."""
        wanted = option.label.ru if option.label else str(option.value)
        for _ in range(len(spec.options)):
            labels = [b.text for row in self.m.last.view.keyboard for b in row]
            if wanted in labels:
                return wanted
            await self.press(next(t for t in labels if t.endswith("➡️")))
        raise AssertionError(f"{spec}: option {wanted} never shown")

    def starting(self, prefix: str) -> str:
        return next(b.text for row in self.m.last.view.keyboard for b in row if b.text.startswith(prefix))

    async def list_step(self, state: FormState, spec: InputField) -> None:
        """A list of objects: add items up to the wanted count (two when maximal), then Done —
        a forged Done before the least count is refused as out of date."""
        wanted = max(spec.min_items or 1, 2 if self.maximal else 1)
        wanted = min(wanted, spec.max_items or wanted)
        if state.item_step is not None:
            await self.answer(state.item_step, spec.items[state.item_step])
        elif len(state.items) < wanted:
            if not state.items:
                _, data = self.m.button("➕ Добавить")
                forged = data.rsplit(":", 1)[0] + ":f.done"
                await self.refused(
                    self.rt.handle(
                        Incoming(
                            Kind.PRESS,
                            self.person,
                            self.person.id,
                            callback_id="q",
                            callback_data=forged,
                            message_id=self.m.last.message_id,
                        )
                    ),
                    "устарело",
                )
                await self.refused(self.send("text instead of a button"), "кнопкой")
            await self.press("➕ Добавить")
        else:
            await self.press(self.starting("Готово"))

    async def walk(self, pool: asyncpg.Pool) -> FormState:
        args = {"model": self.entry.id}
        if self.entry.follow_up is not None:  # opened from under a result of the user's own
            job = await finished_job(pool, self.person.id, self.entry.follow_up.after[0])
            args.update(job=job.id.hex, track="1")
        await self.rt.open(self.person, self.person.id, "generation.form", args)
        for _ in range(80):
            state = await self.state()
            if state.step == SUMMARY:
                return state
            spec = self.entry.input[state.step]
            if spec.is_object_list:
                await self.list_step(state, spec)
            else:
                await self.answer(state.step, spec)
        raise AssertionError(f"{self.entry.id}: the form never reached its summary")


async def finished_job(pool: asyncpg.Pool, user: int, model: str) -> Job:
    """A succeeded job of ``user`` with two tracks, as the runner leaves one."""
    store = JobStore(pool)

    async def free(conn: asyncpg.Connection, job_id: str) -> None:
        return None

    job = await store.create(
        user_id=user,
        chat_id=user,
        language="ru",
        model=model,
        category="music",
        values={"prompt": "x"},
        price_kopecks=0,
        free=False,
        timeout=timedelta(minutes=5),
        reserve=free,
    )
    moved = await store.move(
        job.id,
        {JobState.CREATED},
        JobState.SUCCEEDED,
        kie_task_id=f"task-{job.id.hex}",
        result_urls=["u0", "u1"],
        result_items=[{"id": f"trk-{n}", "url": f"u{n}"} for n in (0, 1)],
    )
    assert moved is not None
    return moved


@pytest.fixture
async def runtime(pool: asyncpg.Pool) -> tuple[Runtime, RecordingMessenger, WalletPlugin]:
    wallet_plugin = WalletPlugin(pool)
    wallet = wallet_plugin.wallet
    plugins = PluginSet.of(
        [
            UserPlugin(),
            wallet_plugin,
            CatalogPlugin(BUNDLE, wallet),
            GenerationPlugin(BUNDLE, JobStore(pool), wallet),
        ]
    )
    messenger = RecordingMessenger()
    return (Runtime(BUNDLE, plugins, MemorySessionStore(), messenger, files=FILES), messenger, wallet_plugin)


async def test_every_enabled_model_walks_to_a_priced_summary(runtime, pool) -> None:
    rt, messenger, wallet_plugin = runtime
    settings = await wallet_plugin.wallet.get_settings()
    free = pick_free_models(
        {m: price_from(BUNDLE.models[m].entry) for m in ENABLED if BUNDLE.models[m].entry.follow_up is None},
        settings.free_models_count,
    )
    assert len(free) == settings.free_models_count
    failures = []
    for index, model in enumerate(ENABLED):
        entry = BUNDLE.models[model].entry
        walker = Walker(rt, messenger, entry, maximal=index % 2 == 1)
        try:
            state = await walker.walk(pool)
            assert missing_required(entry, state) == [], model
            for name in entry.job_fields:  # filled from the job, never asked
                value = state.values[name]
                assert value == "trk-1" or value.startswith("task-"), (model, state.values)
            values = final_values(entry, state)
            credits = credits_for(entry, values, media_seconds(entry, values))
            kopecks = await wallet_plugin.wallet.price(credits)
            summary = messenger.last.view.text
            if model in free:  # the cheapest models are free within the limits
                assert "🆓 Бесплатно — осталось бесплатных запусков: 2" in summary, summary
            else:
                assert f"Стоимость: {format_rub(kopecks, 'ru')}</b>" in summary, summary
            assert "✅ Подтвердить" in [b.text for row in messenger.last.view.keyboard for b in row]
        except AssertionError as exc:
            failures.append(f"{model}: {exc}")
    assert failures == [], "\n".join(failures[:20])
