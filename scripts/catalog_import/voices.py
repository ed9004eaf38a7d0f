"""ElevenLabs voices: who speaks (for the voice picker's filters) and, where two voices share a
name, what tells them apart (so no label reads "Mark (2)").

Facts from ElevenLabs' voice library (each premade or library voice's gender and description,
by voice id); the reference catalog has only the names.
"""

from __future__ import annotations

from typing import Any

from .field_texts import local_text

#: voice id → "f" (female), "m" (male) or "n" (neutral); the library's description beside it
GENDER: dict[str, str] = {
    "eR40ATw9ArzDf9h3v7t7": "f",  # Australian Audiobook & Podcast
    "5l5f8iK3YPeGga21rQIX": "f",  # Feminine and Conversational
    "1wGbFxmAM3Fgw63G1zZJ": "f",  # Calm, Soothing and Meditative
    "wJqPPQ618aTW29mptyoc": "f",  # Smooth, Expressive and Bright
    "Sm1seazb4gs7RSlUVw7c": "f",  # Animated, Friendly and Engaging
    "Z3R5wn05IrDiVCyEkUrK": "f",  # Mysterious and Emotive
    "TC0Zp7WVFzhA8zpTlRqV": "f",  # Sultry Villain
    "hpp4J3VqNfWAUOO0d1Us": "f",  # Warm, Professional
    "esy0r39YPLQjOczyOib8": "f",  # Calm and Calculative Villain
    "kPzsL2i3teMYv0FxEYQ6": "f",  # Social Media Voice - Fun, Youthful & Informative
    "56AoDkrOh6qfVPDXZ7Pt": "f",  # Crisp, Direct and Clear
    "pPdl9cQBQq4p6mRkZy2Z": "f",  # Adorable and Upbeat
    "BZgkqPqms7Kj9ulSkVzn": "f",  # Authentic, Energetic and Happy
    "uYXf8XasLslADfZ2MB4u": "f",  # Bubbly, Gossipy and Girly
    "iCrDUkL56s3C8sCRl7wb": "f",  # Poetic, Romantic and Captivating
    "eVItLK1UvXctxuaRV2Oq": "f",  # Alluring and Playful Femme Fatale
    "g6xIsTj2HwM6VR4iXFCw": "f",  # Chatty and Friendly
    "flHkNRp1BlvT73UL6gyz": "f",  # Eloquent Villain
    "B8gJV1IhpuegLxdpXFOE": "f",  # Cheerful, Clear and Steady
    "FGY2WhTYpPnrIDTdsKH5": "f",  # Enthusiastic
    "lcMyyd2HUfFzxdCaC4Ta": "f",  # Fresh & Casual
    "2zRM7PkgwBPiau2jvVXc": "f",  # Deep and Natural
    "aD6riP1btT197c6dACmy": "f",  # Pro British Radio Presenter
    "6aDn1KB0hjpdcocrUkmq": "f",  # Natural and Welcoming
    "LruHrtVF6PSyGItzMNHS": "m",  # Deep, Warm, Calming
    "NNl6r8mD7vthiJatiJt1": "m",  # Expressive and Articulate
    "nPczCjzI2devNBz1zQrb": "m",  # Deep, Resonant
    "gU0LNdkMOQCOrPrwtbee": "m",  # Excited, Characters animation
    "DGzg6RaUqxGRTHSBjfgF": "m",  # Commanding and Loud Sergeant
    "4YYIPFl9wE5c4L2eu2Gb": "m",  # Deep, Smooth and Clear
    "N2lVS1w4EtoT3dr4eOWO": "m",  # Husky
    "dHd5gvgSOzSfduK4CvEg": "m",  # Late Night Announcer
    "zYcjlYFOd3taleS0gkk3": "m",  # Loud, Confident and Cocky
    "Sq93GQT4X1lKDXsQcixO": "m",  # Warm, Positive & Contemporary RP
    "vBKc2FfBKJfcZNyEt1n6": "m",  # Youthful, Eager and Energetic
    "6F5Zhi321D3Oq7v1oNT4": "m",  # Deep and Engaging Narrator
    "DTKMou8ccj1ZaWGBiotd": "m",  # Young, Vibrant, and Natural
    "EkK5I93UQWFDigLMpZcX": "m",  # Husky, Engaging and Bold
    "gs0tAILXbY5DNrJrsM6F": "m",  # Classy, Resonating and Strong
    "EiNlNiXeDU1pqqOPrYMO": "m",  # Deep
    "ruirxsoakN0GWmGNIo04": "m",  # Gritty, Rugged Cowboy
    "CeNX9CMwmxDxUF5Q2Inm": "m",  # Vintage Radio DJ
    "8JVbfL6oEdmuxKn5DK2C": "m",  # Serious and Calm Narrator
    "MJ0RnG71ty4LH3dvNfSd": "m",  # Soothing and Grounded
    "TX3LPaxmHKxFdv7VOQHJ": "m",  # Energetic
    "9yzdeviXkFddZ4Oz8Mok": "m",  # Chuckling, Giggly and Cheerful
    "1SM7GgM6IMuvQlz2BwM3": "m",  # Casual, Relaxed and Light
    "UgBBYS2sOqTuMpoF3BR0": "m",  # Natural Conversations
    "nzeAacJi50IvxcyDnMXa": "m",  # Friendly, Funny Professor
    "x70vRnQBMBu4FAYhjJbO": "m",  # Confident Virtual Radio Host
    "AeRdCCKzvd23BpJoofzx": "m",  # Engaging, British and Calm
    "wo6udizrrtpIxWGp2qJk": "m",  # Husky, Characters animation
    "LG95yZDEHg6fCZdQjLqj": "m",  # Explosive, Passionate Announcer
    "PPzYpIqttlTYA83688JI": "m",  # Upbeat, Characters animation
    "mtrellq69YZsNwzUSyXh": "m",  # Deep N Tough
    "scOwDtmlUjD3prqpp97I": "m",  # Support Agent
    "NOpBlnGInO9m6vDvFkFC": "m",  # Wise and Approachable
    "Tsns2HvNFKfGiNjllgqo": "m",  # Emotional and Nice
    "qDuRKMlYmrm8trt5QyBn": "m",  # Calm, Serious and Smooth
    "hqfrgApggtO1785R4Fsn": "m",  # Serene and Grounded
    "DYkrAHD8iwork3YSUBbs": "m",  # Conversations & Books
    "ljo9gAlSqKOvF6D8sOsX": "m",  # Epic Medieval Raider
    "P1bg08DkjqiVEzOn76yG": "m",  # Rich and Soft
    "1U02n4nD6AdIZ9CjF053": "m",  # Smooth and Gentle
    "YXpFCvM1S3JbWEJhoskW": "m",  # Wise Rustic Cowboy
    "YOq2y2Up4RgXP2HyXjE5": "m",  # Dominating, Metalic Announcer
    "qXpMhyvQqiRxWQs4qSSB": "n",  # Energetic Character Voice
}

#: voice id → (ru, en): how a voice is told apart from another voice of the same name
NOTES: dict[str, tuple[str, str]] = {
    "1SM7GgM6IMuvQlz2BwM3": ("непринуждённый", "casual, relaxed"),
    "UgBBYS2sOqTuMpoF3BR0": ("живой разговор", "natural conversations"),
    "uYXf8XasLslADfZ2MB4u": ("бойкая, болтливая", "bubbly, gossipy"),
    "iCrDUkL56s3C8sCRl7wb": ("поэтичная, романтичная", "poetic, romantic"),
    "g6xIsTj2HwM6VR4iXFCw": ("дружелюбная, разговорчивая", "chatty, friendly"),
    "flHkNRp1BlvT73UL6gyz": ("красноречивая злодейка", "eloquent villain"),
    "P1bg08DkjqiVEzOn76yG": ("насыщенный, мягкий", "rich and soft"),
    "1U02n4nD6AdIZ9CjF053": ("плавный, спокойный", "smooth and gentle"),
}

#: the picker's filters, in this order
GROUPS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("f", ("👩 Женские", "👩 Female")),
    ("m", ("👨 Мужские", "👨 Male")),
    ("n", ("🧑 Нейтральные", "🧑 Neutral")),
)


def told_apart(value: str, label: str) -> tuple[str, str] | None:
    """``Mark · живой разговор``: the label of a voice that shares its name, or None."""
    note = NOTES.get(value)
    return (f"{label} · {note[0]}", f"{label} · {note[1]}") if note else None


def voice_groups(values: list[Any]) -> list[dict[str, Any]]:
    """The filters of a voice field whose options are all known voices ([] otherwise)."""
    if not values or any(str(v) not in GENDER for v in values):
        return []
    return [
        {"label": local_text(label), "values": [v for v in values if GENDER[str(v)] == key]}
        for key, label in GROUPS
        if any(GENDER[str(v)] == key for v in values)
    ]
