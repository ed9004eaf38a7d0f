"""Draw the small illustrative pictures of models/recipes.yaml (models/recipes/*.png).

Each recipe gets a 320×320 sketch of its typical result — a product on white, a vertical
cover, a waveform — drawn with the standard library only, so the repository needs no image
tools. Re-run after adding a recipe: ``python scripts/draw_recipe_pictures.py``; a picture
whose recipe has no sketch here is drawn as a plain card in the recipe's colour.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

SIZE = 320
Colour = tuple[int, int, int]
OUT = Path(__file__).resolve().parent.parent / "models" / "recipes"


class Canvas:
    def __init__(self, background: Colour) -> None:
        self.pixels = [[background] * SIZE for _ in range(SIZE)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
        for y in range(max(y0, 0), min(y1, SIZE)):
            row = self.pixels[y]
            for x in range(max(x0, 0), min(x1, SIZE)):
                row[x] = colour

    def circle(self, cx: int, cy: int, r: int, colour: Colour) -> None:
        for y in range(max(cy - r, 0), min(cy + r + 1, SIZE)):
            for x in range(max(cx - r, 0), min(cx + r + 1, SIZE)):
                if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                    self.pixels[y][x] = colour

    def triangle(self, a: tuple[int, int], b: tuple[int, int], c: tuple[int, int], colour: Colour) -> None:
        def side(p: tuple[int, int], q: tuple[int, int], x: int, y: int) -> int:
            return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])

        for y in range(min(a[1], b[1], c[1]), max(a[1], b[1], c[1]) + 1):
            for x in range(min(a[0], b[0], c[0]), max(a[0], b[0], c[0]) + 1):
                s = (side(a, b, x, y), side(b, c, x, y), side(c, a, x, y))
                if all(v >= 0 for v in s) or all(v <= 0 for v in s):
                    self.pixels[y][x] = colour

    def wave(self, colour: Colour, bars: int = 24, seed: float = 1.0) -> None:
        width = SIZE // (bars + 2)
        for i in range(bars):
            height = int(30 + 90 * abs(math.sin(i * 0.55 * seed) * math.cos(i * 0.23)))
            x = width * (i + 1) + width // 2
            self.rect(x, SIZE // 2 - height, x + width - 4, SIZE // 2 + height, colour)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in self.pixels)

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


WHITE, INK = (255, 255, 255), (40, 44, 52)


def product(c: Canvas, body: Colour = (74, 144, 226)) -> None:
    """A mug-like product with a soft shadow."""
    c.rect(95, 240, 225, 252, (225, 225, 228))
    c.rect(110, 110, 200, 240, body)
    c.circle(215, 170, 30, body)
    c.circle(215, 170, 16, c.pixels[5][5])
    c.rect(130, 140, 180, 160, WHITE)


def marketplace_photo(c: Canvas) -> None:
    product(c)


def lifestyle_photo(c: Canvas) -> None:
    c.rect(0, 220, SIZE, SIZE, (176, 124, 82))  # a wooden table
    c.rect(220, 30, 300, 150, (200, 228, 250))  # a window
    c.circle(70, 190, 26, (120, 80, 50))  # a coffee cup
    product(c, (231, 111, 81))


def reels_cover(c: Canvas) -> None:
    c.rect(100, 20, 220, 300, (255, 94, 122))  # a 9:16 frame
    c.rect(112, 40, 208, 70, WHITE)  # the headline's place
    c.circle(160, 190, 40, (255, 214, 102))


def vk_post_banner(c: Canvas) -> None:
    c.rect(20, 70, 300, 250, (0, 119, 255))  # a 4:3-ish banner
    c.rect(40, 100, 220, 130, WHITE)
    c.rect(40, 145, 170, 160, (200, 225, 255))
    c.rect(40, 195, 130, 225, (255, 204, 0))  # the button
    c.circle(250, 170, 35, (255, 204, 0))


def stories_ad(c: Canvas) -> None:
    c.rect(100, 20, 220, 300, (255, 183, 77))
    c.circle(160, 150, 45, (255, 241, 118))
    c.rect(120, 250, 200, 280, WHITE)


def remove_background(c: Canvas) -> None:
    for y in range(0, SIZE, 20):  # the transparency checkerboard
        for x in range(0, SIZE, 20):
            if (x + y) // 20 % 2:
                c.rect(x, y, x + 20, y + 20, (220, 220, 220))
    product(c, (106, 76, 147))


def upscale_photo(c: Canvas) -> None:
    for y in range(40, 160, 30):  # coarse pixels → a sharp circle
        for x in range(20, 140, 30):
            c.rect(x, y, x + 28, y + 28, (120, 160, 200))
    c.triangle((150, 120), (175, 100), (175, 140), INK)
    c.circle(245, 110, 55, (74, 144, 226))


def play(c: Canvas, colour: Colour) -> None:
    c.circle(160, 160, 70, colour)
    c.triangle((140, 120), (140, 200), (200, 160), WHITE)


def animate_product(c: Canvas) -> None:
    product(c, (42, 157, 143))
    c.triangle((30, 40), (30, 90), (70, 65), (231, 111, 81))


def photo_to_reels(c: Canvas) -> None:
    c.rect(100, 20, 220, 300, (38, 70, 83))
    play(c, (231, 111, 81))


def reels_video(c: Canvas) -> None:
    c.rect(100, 20, 220, 300, (131, 56, 236))
    play(c, (255, 0, 110))


def video_ad(c: Canvas) -> None:
    c.rect(20, 70, 300, 250, INK)
    play(c, (230, 57, 70))


def ad_voiceover(c: Canvas) -> None:
    c.wave((230, 57, 70), seed=1.3)


def explainer_voiceover(c: Canvas) -> None:
    c.wave((42, 157, 143), seed=0.6)


def ad_music(c: Canvas) -> None:
    c.rect(150, 60, 162, 220, INK)
    c.rect(150, 60, 230, 80, INK)
    c.circle(135, 220, 28, INK)
    c.rect(218, 60, 230, 190, INK)
    c.circle(203, 190, 28, INK)


def sound_effect(c: Canvas) -> None:
    c.triangle((80, 130), (80, 190), (140, 160), INK)
    c.rect(50, 140, 80, 180, INK)
    for r, shade in ((110, (255, 183, 3)), (80, WHITE), (70, (255, 183, 3)), (45, WHITE)):
        c.circle(150, 160, r, shade)
    c.triangle((80, 130), (80, 190), (140, 160), INK)


SKETCHES: dict[str, tuple[Colour, Callable[[Canvas], None]]] = {
    "marketplace_photo": (WHITE, marketplace_photo),
    "lifestyle_photo": ((244, 236, 224), lifestyle_photo),
    "reels_cover": ((32, 32, 48), reels_cover),
    "vk_post_banner": ((236, 242, 250), vk_post_banner),
    "stories_ad": ((38, 70, 83), stories_ad),
    "remove_background": (WHITE, remove_background),
    "upscale_photo": ((244, 244, 246), upscale_photo),
    "animate_product": ((240, 248, 246), animate_product),
    "photo_to_reels": ((233, 196, 106), photo_to_reels),
    "reels_video": ((20, 20, 30), reels_video),
    "video_ad": ((200, 200, 210), video_ad),
    "ad_voiceover": ((255, 240, 240), ad_voiceover),
    "explainer_voiceover": ((232, 246, 243), explainer_voiceover),
    "ad_music": ((255, 236, 179), ad_music),
    "sound_effect": (WHITE, sound_effect),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (background, draw) in SKETCHES.items():
        canvas = Canvas(background)
        draw(canvas)
        (OUT / f"{name}.png").write_bytes(canvas.png())
        print(f"models/recipes/{name}.png")


if __name__ == "__main__":
    main()
