"""A prompt step promises only what one message carries; a longer prompt comes as a .txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.files.source import MemoryFiles
from engine.loader.bundle import Bundle, load_bundle
from engine.plugin import PluginSet
from engine.runtime.forms.view import field_view
from engine.runtime.incoming import FileInfo, Incoming, Kind
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from engine.schema.catalog import FieldType, InputField
from tests.conftest import PROJECT_ROOT
from tests.engine.runtime.forms.test_controller import ANN, FLOW, MODEL, SUBMITTED, TEXTS, Shop
from tests.support.messenger import RecordingMessenger
from tests.support.projects import write_project


@pytest.fixture(scope="module")
def shipped() -> Bundle:
    return load_bundle(PROJECT_ROOT)


def _prompt_field(bundle: Bundle, max_length: int) -> InputField:
    for model in bundle.models.values():
        for spec in model.entry.input.values():
            if spec.type is FieldType.STRING and spec.max_length == max_length:
                return spec
    raise AssertionError(f"no shipped text field of max_length {max_length}")


def test_the_prompt_step_promises_one_message_and_offers_a_file(shipped: Bundle) -> None:
    spec = _prompt_field(shipped, 5000)
    ru = shipped.render("form.ask_text", "ru", {"field": field_view("prompt", spec, "ru", "да", "нет")})
    assert "сообщением (до 4096 символов)" in ru
    assert "файлом .txt (до 5000 символов)" in ru
    en = shipped.render("form.ask_text", "en", {"field": field_view("prompt", spec, "en", "yes", "no")})
    assert "(up to 4096 characters)" in en and ".txt file (up to 5000 characters)" in en


def test_a_field_within_one_message_offers_no_file() -> None:
    spec = InputField(type=FieldType.STRING, max_length=2000)
    view = field_view("prompt", spec, "ru", "да", "нет")
    assert view.max_length == 2000 and view.file_max_length is None


# ------------------------------------------------------------------ through the form
LONG_MODEL = MODEL.replace("max_length: 50", "max_length: 5000")


class Writer:
    def __init__(self, runtime: Runtime, messenger: RecordingMessenger, files: MemoryFiles) -> None:
        self.rt, self.m, self.files = runtime, messenger, files

    async def send(self, text: str) -> None:
        kind = Kind.COMMAND if text.startswith("/") else Kind.TEXT
        await self.rt.handle(Incoming(kind, ANN, ANN.id, text=text.lstrip("/")))

    async def send_txt(self, data: bytes, name: str = "prompt.txt", mime: str | None = "text/plain") -> None:
        file_id = f"doc{len(self.files.files)}"
        self.files.files[file_id] = data
        await self.rt.handle(
            Incoming(
                Kind.FILE,
                ANN,
                ANN.id,
                file=FileInfo(
                    kind="document", file_id=file_id, file_name=name, mime_type=mime, file_size=len(data)
                ),
            )
        )

    async def press(self, label: str) -> None:
        message_id, data = self.m.button(label)
        await self.rt.handle(
            Incoming(Kind.PRESS, ANN, ANN.id, callback_id="q", callback_data=data, message_id=message_id)
        )

    @property
    def screen(self) -> str:
        return self.m.last.view.text


@pytest.fixture
async def person(tmp_path: Path) -> Writer:
    root = write_project(
        tmp_path,
        {
            "flows/main.yaml": FLOW,
            "locales/ru.yaml": TEXTS,
            "locales/en.yaml": TEXTS,
            "models/demo.yaml": LONG_MODEL,
        },
    )
    messenger, files = RecordingMessenger(), MemoryFiles()
    runtime = Runtime(load_bundle(root), PluginSet.of([Shop()]), MemorySessionStore(), messenger, files=files)
    SUBMITTED.clear()
    user = Writer(runtime, messenger, files)
    await user.send("/start")
    await user.press("Make a video")
    return user


async def test_three_thousand_emoji_are_six_thousand_units_and_too_long(person: Writer) -> None:
    await person.send("😀" * 3000)
    assert person.screen.startswith("form error_text_length")
    await person.send("😀" * 2000)  # 4,000 units: fits
    assert "form ask_choice" in person.screen


async def test_a_long_prompt_arrives_as_a_txt_file(person: Writer) -> None:
    prompt = "Кот на доске, волна. " * 220  # 4,620 characters: more than one message
    await person.send_txt(prompt.encode())
    assert "form ask_choice" in person.screen
    await person.press("Standard")
    await person.press("form skip")
    await person.press("form no")
    await person.press("form confirm")
    assert SUBMITTED[0]["prompt"] == prompt.strip()


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        ("Привет".encode("cp1251"), "prompt.txt", "text/plain"),  # not UTF-8
        (b"x" * 5001, "prompt.txt", "text/plain"),  # longer than the model takes
        (b"%PDF-1.4", "prompt.pdf", "application/pdf"),  # not a text file
        (b"\x00\x01binary", "prompt.txt", None),  # a NUL is no text
    ],
)
async def test_a_bad_text_file_is_refused_with_a_word(
    person: Writer, data: bytes, name: str, mime: str | None
) -> None:
    await person.send_txt(data, name, mime)
    assert person.screen.startswith("form error_text_file")
    assert "form ask_text" in person.screen
