"""Example prompts a model card offers, by the pool its mode names in ``MODE_TEXT``.

Two per model, picked from the id's hash, so neighbouring cards differ and re-runs agree.
"""

from __future__ import annotations

EXAMPLES: dict[str, list[str]] = {
    "t2v": [
        "Iced coffee poured into a tall glass, condensation drops, warm morning light, slow motion",
        "Sneakers splashing through a neon-lit puddle at night, low-angle tracking shot",
        "A cozy bakery at sunrise, the camera slowly pushes in on fresh croissants, steam rising",
        "Drone flight over a turquoise bay at golden hour, sailboats, smooth cinematic motion",
        "A young woman unboxes a skincare set on a marble table, soft daylight, top-down shot",
        "Orange slices falling into sparkling water in slow motion, bright studio background",
        "A barista pours latte art in a busy café, shallow depth of field, handheld feel",
        "A smartphone rotating on a glossy pedestal with light streaks, futuristic tech ad",
    ],
    "i2v": [
        "The person smiles and turns to the camera, hair moving gently in the wind",
        "Slow camera push-in, steam rises from the cup, soft light flickers",
        "The product rotates slowly on the table while a light beam sweeps across it",
        "Clouds drift across the sky, water ripples, leaves sway gently",
        "The model walks toward the camera, city lights blur in the background",
        "Confetti falls, the couple laughs and hugs, festive atmosphere",
    ],
    "r2v": [
        "The woman from the photo holds the perfume bottle and smiles at the camera in a sunlit room",
        "The man from the first photo rides the bike from the second photo through a city park",
        "The dog from the photo runs along the beach with the red ball, slow motion",
    ],
    "v2v": [
        "Turn the scene into a snowy winter evening with warm street lights",
        "Restyle the video as a hand-drawn anime",
        "Change the outfit to a black business suit, keep everything else",
        "Make it look like a vintage 8 mm film",
    ],
    "extend": [
        "The camera keeps moving forward as the sun sets",
        "The character waves goodbye and walks out of the frame",
    ],
    "motion": [
        "The character repeats the dance moves from the video",
        "The person from the photo performs the gestures from the video",
    ],
    "t2i": [
        "Minimalist summer sale banner: bright yellow background, sunglasses and a straw hat, "
        "empty space for text",
        "Flat lay of a cosmetics set on a pastel pink background, soft shadows, top view",
        "Cozy coffee shop interior in morning light, photorealistic, Instagram post style",
        'Poster with the headline "BLACK FRIDAY" in bold neon letters on a dark background',
        "Photorealistic portrait of a smiling barista in a green apron, shallow depth of field",
        "Isometric illustration of a delivery courier on a scooter, clean vector style",
        "Premium watch on a black stone surface, dramatic rim light, product photography",
    ],
    "edit": [
        "Replace the background with a sunny beach, keep the product unchanged",
        "Make it look like a professional studio shot with soft lighting",
        "Change the jacket color to red and add light snowfall",
        "Remove the people in the background and add a clean white backdrop",
        "Turn the photo into a watercolor illustration",
    ],
    "char": [
        "The same character drinking coffee in a Paris café",
        "The character in a business suit presenting at a conference",
        "The character hiking in the mountains at sunrise",
    ],
    "avatar": [
        "A friendly presenter speaks directly to the camera with natural gestures",
        "The woman talks calmly and smiles, with slight head movements",
        "An energetic host announces a sale, expressive face",
    ],
    "tts": [
        "Привет! Новая коллекция уже в продаже — успейте купить со скидкой 20% до конца недели.",
        "Добро пожаловать в нашу кофейню: свежая выпечка каждое утро и кофе с собой.",
        "Запишитесь на бесплатную консультацию по ссылке в описании.",
    ],
    "sfx": ["Applause in a small concert hall", "A cash register ding followed by coins"],
    "music": [
        "Upbeat pop jingle for a summer sale, female vocals",
        "Calm lo-fi background for a coffee shop video",
    ],
    "lyrics": ["A cheerful song about the first day of summer", "A short jingle about fresh morning coffee"],
}
