"""Suno's tracks keep their ids: from the market API's ``data[]`` (snake case), record-info's
``sunoData[]`` (camel case), through recordInfo and through callbacks alike."""

from __future__ import annotations

import json

from plugins.integrations.kie.records import TaskState, parse_callback, record_from_wire

TRACKS = [
    {"id": "a1", "audio_url": "https://f/a1.mp3", "title": "One", "duration": 61.5},
    {"id": "b2", "audio_url": "https://f/b2.mp3", "title": "Two", "duration": "30"},
]


def _record(result: dict) -> dict:
    return {
        "taskId": "t1",
        "model": "ai-music-api/generate",
        "state": "success",
        "resultJson": json.dumps(result),
    }


def test_market_tracks_keep_their_ids_and_urls() -> None:
    record = record_from_wire(_record({"data": TRACKS}))
    assert record.result_urls == ("https://f/a1.mp3", "https://f/b2.mp3")
    assert [(i.id, i.url, i.title, i.duration) for i in record.result_items] == [
        ("a1", "https://f/a1.mp3", "One", 61.5),
        ("b2", "https://f/b2.mp3", "Two", 30.0),
    ]


def test_record_info_camel_case_tracks() -> None:
    record = record_from_wire(_record({"sunoData": [{"id": "c3", "audioUrl": "https://f/c3"}]}))
    assert record.result_urls == ("https://f/c3",)
    assert record.result_items[0].id == "c3"


def test_tracks_in_a_callback() -> None:
    record = parse_callback({"code": 200, "msg": "ok", "data": _record({"data": TRACKS})})
    assert [i.id for i in record.result_items] == ["a1", "b2"]


def test_a_text_result_has_no_items_and_keeps_its_object() -> None:
    lyrics = {"lyricsData": [{"text": "la", "title": "T"}]}
    record = record_from_wire(_record({"resultObject": lyrics}))
    assert record.state is TaskState.SUCCESS
    assert record.result_urls == () and record.result_items == ()
    assert record.result_object == lyrics


def test_plain_file_results_have_no_items() -> None:
    record = record_from_wire(_record({"resultUrls": ["https://f/x.png"]}))
    assert record.result_items == ()
