"""Search forgives as people type: case, ё, word endings, Cyrillic for Latin names; every word
must match; names rank before other words."""

from __future__ import annotations

from plugins.finding.search import Candidate, search, variants

CANDIDATES = [
    Candidate("google/nano-banana", ["Nano Banana — картинка", "Nano Banana — image"], ["Google"]),
    Candidate("kling/v2", ["Kling 2.1 — видео", "Kling 2.1 — video"], ["Kling AI"]),
    Candidate("reels_cover", ["Обложка для Reels 9:16", "Reels cover 9:16"], ["google/nano-banana"]),
    Candidate("voice", ["Озвучка рекламного ролика", "Ad voice-over"], ["ElevenLabs"]),
]


def test_any_case_and_word_forms() -> None:
    assert search("KLING", CANDIDATES) == ["kling/v2"]
    assert search("обложки", CANDIDATES) == ["reels_cover"]
    assert search("Обложку", CANDIDATES) == ["reels_cover"]
    assert search("озвучку", CANDIDATES) == ["voice"]


def test_cyrillic_finds_latin_names() -> None:
    assert search("клинг", CANDIDATES) == ["kling/v2"]
    assert search("банан", CANDIDATES)[0] == "google/nano-banana"  # by its name, before the recipe
    assert set(search("банан", CANDIDATES)) == {"google/nano-banana", "reels_cover"}


def test_every_word_must_match() -> None:
    assert search("видео клинг", CANDIDATES) == ["kling/v2"]
    assert search("видео банан", CANDIDATES) == []
    assert search("фывапролджэ", CANDIDATES) == []
    assert search("  ,.!  ", CANDIDATES) == []


def test_variants_keep_short_words_whole() -> None:
    assert variants("9") == {"9"}
    assert "облож" in variants("обложки") and "oblozhki" in variants("обложки")
