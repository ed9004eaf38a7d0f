"""Text results as chat messages: lyrics variants under their titles, timed lyrics as lines,
provider text escaped, nothing over Telegram's 4096 characters, nothing lost when split."""

from __future__ import annotations

import html
import re

from plugins.generation.text_result import (
    MESSAGE_LIMIT,
    messages,
    plain_text,
    sections,
    timed_lines,
)

LYRICS = {
    "lyricsData": [
        {
            "text": "[Verse]\nSun <b>on</b> the sea & sky\n\n[Chorus]\nLa la",
            "title": "Summer & Sea",
            "status": "complete",
        },
        {"text": "Second text", "title": "Night", "status": "complete"},
    ]
}


def test_lyrics_variants_come_with_their_titles_escaped() -> None:
    out = messages("<b>✅ Suno</b>", sections(LYRICS), "Вариант")
    assert len(out) == 1
    assert out[0].startswith("<b>✅ Suno</b>")
    assert "<b>Вариант 1: Summer &amp; Sea</b>" in out[0]
    assert "Sun &lt;b&gt;on&lt;/b&gt; the sea &amp; sky" in out[0]
    assert "<b>Вариант 2: Night</b>\nSecond text" in out[0]


def test_a_single_untitled_variant_has_no_heading() -> None:
    out = messages("", sections({"lyricsData": [{"text": "only"}]}), "Variant")
    assert out == ["only"]


def test_long_results_are_split_at_line_ends_within_the_limit() -> None:
    lines = [f"line {n} <&> " + "x" * 50 for n in range(400)]
    out = messages("head", sections({"lyricsData": [{"text": "\n".join(lines), "title": "T"}]}), "Variant")
    assert len(out) > 1 and all(len(m) <= MESSAGE_LIMIT for m in out)
    text = html.unescape(re.sub(r"</?b>", "", "\n".join(out)))
    for line in lines:  # every line arrives whole
        assert line in text


def test_one_enormous_line_is_cut_without_breaking_an_entity() -> None:
    out = messages("", sections({"lyricsData": [{"text": "&" * 5000}]}), "Variant")
    assert all(len(m) <= MESSAGE_LIMIT for m in out)
    assert all(not re.search(r"&(?!amp;)", m) for m in out)
    assert html.unescape("".join(out)).count("&") == 5000


def test_timed_lyrics_read_as_timed_lines() -> None:
    words = [
        {"word": "[Verse]\n", "startS": 0.5},
        {"word": "Walking ", "startS": 1.2},
        {"word": "down\n", "startS": 1.9},
        {"word": "the road", "startS": 65.3},
    ]
    assert timed_lines(words) == "[Verse]\n[0:01] Walking down\n[1:05] the road"
    out = messages("", sections({"alignedWords": words, "hootCer": 0.1}), "Variant")
    assert out == ["[Verse]\n[0:01] Walking down\n[1:05] the road"]


def test_an_unknown_text_result_is_shown_as_json() -> None:
    out = messages("", sections({"answer": "<42>"}), "Variant")
    assert out[0].startswith("<pre>") and "&lt;42&gt;" in out[0]


def test_plain_text_for_a_file_keeps_titles_and_text() -> None:
    text = plain_text(sections(LYRICS), "Variant")
    assert "Variant 1: Summer & Sea\n\n[Verse]" in text and "Variant 2: Night" in text
