"""Suno through the runner and the sandbox: a song's tracks keep their ids and get follow-up
buttons; lyrics arrive as text, charged once even when Telegram refuses the first try; a
follow-up takes its ids from the user's own finished job, and nothing else opens it."""

from __future__ import annotations

import pytest

from emulators.kie.state import Latency
from engine.plugin import ActionError
from engine.runtime.context import ActionContext
from engine.runtime.incoming import Person
from engine.runtime.session import Session
from plugins.generation.follow_ups import follow_up_key
from plugins.generation.job import JobState
from plugins.generation.plugin import GenerationPlugin, PrefillArgs
from tests.plugins.generation.conftest import PRICE, START_BALANCE, USER, Rig

SONG = "ai-music-api/generate"
LYRICS = "ai-music-api/generate-lyrics"
EXTEND = "ai-music-api/extend"
WAV = "ai-music-api/convert-to-wav-format"
SONG_INPUT = {"custom_mode": False, "instrumental": False, "model": "V6", "prompt": "a song about the sea"}


def context(user: int = USER) -> ActionContext:
    return ActionContext(Session(user_id=user, chat_id=user), Person(id=user), is_admin=False)


def buttons(message) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


async def test_a_song_keeps_its_track_ids_and_each_track_gets_follow_ups(rig: Rig) -> None:
    job = await rig.finished(await rig.new_job(SONG, SONG_INPUT))
    assert job.state is JobState.SUCCEEDED
    task = rig.sandbox.task(job.kie_task_id or "")
    tracks = task.result["data"] if task.result else []
    assert [i["id"] for i in job.result_items] == [t["id"] for t in tracks] and len(tracks) == 2
    audio = [m for m in rig.emulator.bot_messages(USER) if m.media_kind == "audio"]
    assert len(audio) == 2
    for number, message in enumerate(audio):
        labels = [text for text, _ in buttons(message)]
        assert {"⏩ Продлить", "💿 WAV", "🎬 Клип", "🕒 Текст с таймингом"} <= set(labels)
        assert f"Трек {number + 1}" in message.content
        assert all(data.endswith(f".{number}") for text, data in buttons(message) if text == "💿 WAV")
    assert "🔁 Ещё раз" in [t for t, _ in buttons(audio[-1])]
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()


async def test_lyrics_arrive_as_text_charged_once_despite_a_refused_send(rig: Rig) -> None:
    rig.sandbox.set_latency(Latency(generating=0.6), LYRICS)
    job = await rig.new_job(LYRICS, {"prompt": "coffee <in> the morning"})
    await rig.emulator.wait_for(lambda: rig.emulator.bot_messages(USER))  # the status message
    rig.emulator.inject_error("sendMessage", "Internal Server Error", error_code=500)
    done = await rig.finished(job, timeout=20)
    assert done.state is JobState.SUCCEEDED and done.result_object and not done.result_urls
    texts = [m.content for m in rig.emulator.bot_messages(USER) if "Вариант 1" in m.content]
    assert len(texts) == 1, texts
    assert "coffee <in> the morning" in texts[0] and "Вариант 2" in texts[0]
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()


async def test_follow_up_values_come_from_the_users_own_job(rig: Rig) -> None:
    plugin = GenerationPlugin(rig.bundle, rig.store, rig.wallet)
    song = await rig.finished(await rig.new_job(SONG, SONG_INPUT))
    found = await plugin.prefill(context(), PrefillArgs(job=song.id.hex, model=WAV, track=1))
    assert found.values == {"task_id": song.kie_task_id, "audio_id": song.result_items[1]["id"]}
    assert "№2" in found.shown["audio_id"]
    extend = await plugin.prefill(context(), PrefillArgs(job=song.id.hex, model=EXTEND, track=0))
    assert extend.values == {"audio_id": song.result_items[0]["id"]}
    press = await plugin.on_press(context(), f"{song.id.hex}:x{follow_up_key(WAV)}.1")
    assert press.screen == "generation.form"
    assert press.args == {"model": WAV, "job": song.id.hex, "track": 1}


@pytest.mark.parametrize("case", ["other_user", "not_suno", "bad_track", "bad_key", "garbage"])
async def test_forged_follow_ups_are_refused(rig: Rig, case: str) -> None:
    plugin = GenerationPlugin(rig.bundle, rig.store, rig.wallet)
    song = await rig.finished(await rig.new_job(SONG, SONG_INPUT))
    lyrics = await rig.finished(await rig.new_job(LYRICS, {"prompt": "x"}))
    data = {
        "other_user": (f"{song.id.hex}:x{follow_up_key(WAV)}.0", 777),
        "not_suno": (f"{lyrics.id.hex}:x{follow_up_key(WAV)}.0", USER),
        "bad_track": (f"{song.id.hex}:x{follow_up_key(WAV)}.7", USER),
        "bad_key": (f"{song.id.hex}:xffffff.0", USER),
        "garbage": ("zzz:x.0", USER),
    }[case]
    with pytest.raises(ActionError) as refused:
        await plugin.on_press(context(data[1]), data[0])
    assert refused.value.text_key in ("generation.no_such_job", "generation.no_follow_up")
    job_hex = data[0].split(":")[0]
    track = data[0].rsplit(".", 1)[-1]
    if case != "bad_key":  # the form's own query refuses the same job and track
        with pytest.raises(ActionError):
            await plugin.prefill(context(data[1]), PrefillArgs(job=job_hex, model=WAV, track=track))
    assert await rig.pool.fetchval("SELECT count(*) FROM jobs") == 2


async def test_repeating_another_models_job_never_carries_ids(rig: Rig) -> None:
    plugin = GenerationPlugin(rig.bundle, rig.store, rig.wallet)
    job = await rig.new_job(SONG, {**SONG_INPUT, "audio_id": "smuggled"})
    found = await plugin.prefill(context(), PrefillArgs(job=job.id.hex, model=EXTEND))
    assert "audio_id" not in found.values
