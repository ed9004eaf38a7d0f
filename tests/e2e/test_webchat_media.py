"""Results as a person sees them in the web chat: the sandbox's MP4 plays in a <video> (Chromium
decodes it: real size and length), a GIF animation is shown as an image (a <video> stays blank)."""

from __future__ import annotations

import hashlib

import pytest
from aiogram.types import BufferedInputFile

from emulators.kie.media import animated_gif
from emulators.kie.mp4 import HEIGHT, WIDTH, mp4_clip
from emulators.telegram.server import TelegramEmulator
from tests.support.cdp import CHROMIUM, Browser

ANNA = 1001
SEED = hashlib.sha256(b"waves").digest()

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")


async def test_the_sandbox_video_plays_and_a_gif_animates() -> None:
    async with TelegramEmulator() as emulator, Browser() as browser:
        bot = emulator.make_bot()
        try:
            await bot.send_video(ANNA, BufferedInputFile(mp4_clip(SEED), "result.mp4"))
            await bot.send_animation(ANNA, BufferedInputFile(animated_gif(SEED), "result.gif"))
        finally:
            await bot.session.close()
        page = await browser.new_page()
        await page.goto(f"{emulator.base_url}/#user={ANNA}")
        video = "document.querySelector('[data-testid=message-media][data-kind=video] video')"
        await page.wait_for(f"!!{video} && {video}.readyState >= 1", timeout=20)
        size = await page.evaluate(f"[{video}.videoWidth, {video}.videoHeight, {video}.duration]")
        assert size == [WIDTH, HEIGHT, 2]
        # it plays to the end: frames are decoded, not only the header read (muted: autoplay rules)
        assert (
            await page.evaluate(f"{video}.muted = true; {video}.play().then(() => 'playing', String)")
            == "playing"
        )
        await page.wait_for(f"{video}.ended && {video}.currentTime === 2 && !{video}.error", timeout=20)
        gif = "document.querySelector('[data-testid=message-media][data-kind=animation] img')"
        await page.wait_for(f"!!{gif} && {gif}.complete && {gif}.naturalWidth === 64", timeout=20)
        assert await page.evaluate("document.querySelectorAll('[data-kind=animation] video').length") == 0
