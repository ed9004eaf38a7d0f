"""What the explorer types or sends: a valid answer for what a screen expects, and the
unexpected input (a text, a photo, a sticker) every screen must answer sensibly."""

from __future__ import annotations

import random

from engine.explorer.driver import Expectation
from engine.explorer.report import Step

WORDS = ("a", "red", "fox", "jumps", "over", "the", "lazy", "dog", "at", "sunset")


def sample_text(expects: Expectation, rng: random.Random) -> str:
    low = max(expects.min_length or 1, 1)
    high = expects.max_length or 60
    wanted = max(low, min(high, 30))
    text = ""
    while len(text) < wanted:
        text += rng.choice(WORDS) + " "
    return text[:wanted].strip().ljust(low, "x")


def sample_number(expects: Expectation) -> str:
    low, high = expects.minimum, expects.maximum
    if low is not None and high is not None:
        value = (low + high) / 2
    elif low is not None:
        value = low + 1
    elif high is not None:
        value = min(high, 1)
    else:
        value = 1
    if expects.integer:
        value = int(value)
        if low is not None and value < low:
            value += 1
        return str(value)
    return f"{value:g}"


def answer(expects: Expectation, rng: random.Random) -> Step | None:
    """The input that answers the screen, or None when it is answered by a button."""
    if expects.kind == "text":
        return Step("text", sample_text(expects, rng))
    if expects.kind == "number":
        return Step("text", sample_number(expects))
    if expects.kind in ("file", "files"):
        return Step("upload", expects.media or "image")
    return None


def answers(expects: Expectation, rng: random.Random) -> list[Step]:
    """Inputs worth trying on a screen: a free text box gets a number and a sentence, since
    the explorer cannot tell an amount from a prompt."""
    found = answer(expects, rng)
    if found is None:
        return []
    if expects.kind == "text":
        return [Step("text", "500"), found]
    return [found]


def unexpected(expects: Expectation) -> list[Step]:
    """A text, a photo and a sticker — those of them the screen does not ask for."""
    steps = []
    if expects.kind != "text":  # on a number step, words are a wrong answer to refuse
        steps.append(Step("text", "hello? 🙂"))
    if expects.kind not in ("file", "files") or expects.media not in (None, "image"):
        steps.append(Step("upload", "image"))
    steps.append(Step("upload", "sticker"))
    return steps
