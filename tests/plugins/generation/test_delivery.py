"""Delivering a result through the runner: a send that fails midway is retried from where it
stopped, so the user gets every part exactly once and pays once."""

from __future__ import annotations

from emulators.kie.state import Latency
from plugins.generation.job import JobState
from tests.plugins.generation.conftest import PRICE, START_BALANCE, USER, Rig

SONG = "ai-music-api/generate"  # two tracks: two audio messages
SONG_INPUT = {"custom_mode": False, "instrumental": False, "model": "V6", "prompt": "a song about the sea"}


async def test_a_send_that_fails_midway_is_retried_without_repeating_what_arrived(rig: Rig) -> None:
    rig.sandbox.set_latency(Latency(generating=0.6), SONG)
    job = await rig.new_job(SONG, SONG_INPUT)
    await rig.emulator.wait_for(lambda: rig.emulator.bot_messages(USER))  # the status message
    rig.emulator.inject_error("sendAudio", "Internal Server Error", error_code=500, after=1)
    done = await rig.finished(job, timeout=20)
    audio = [m for m in rig.emulator.bot_messages(USER) if m.media_kind == "audio"]
    assert [("Трек 1" in m.content, "Трек 2" in m.content) for m in audio] == [
        (True, False),
        (False, True),
    ]  # track 1 once, then track 2 once
    assert len(rig.emulator.calls("sendAudio", ok=False)) == 1  # the retry really happened
    assert done.state is JobState.SUCCEEDED and done.sent_parts == 2
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()
