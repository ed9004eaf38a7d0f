"""Parsing of Kie's documented and live-recorded shapes (see shared/reference/kie_api.md §2.2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.integrations.kie import KieProtocolError, TaskState
from plugins.integrations.kie.records import record_from_wire

DOC_SUCCESS: dict[str, Any] = {
    "taskId": "task_12345678",
    "model": "grok-imagine/text-to-image",
    "state": "success",
    "param": '{"model":"grok-imagine/text-to-image","callBackUrl":"https://your-domain.com/api/callback",'
    '"input":{"prompt":"Cinematic portrait...","aspect_ratio":"3:2"}}',
    "resultJson": '{"resultUrls":["https://example.com/generated-content.jpg"]}',
    "failCode": "",
    "failMsg": "",
    "costTime": 15000,
    "completeTime": 1698765432000,
    "createTime": 1698765400000,
    "updateTime": 1698765432000,
}

LIVE_WAITING: dict[str, Any] = {
    "taskId": "32b1348d0d6bf09b002a88315528e574",
    "model": "nano-banana-2",
    "state": "waiting",
    "param": json.dumps(
        {
            "input": json.dumps(
                {
                    "image_input": ["https://t/x.jpg"],
                    "aspect_ratio": "9:16",
                    "prompt": "p",
                    "resolution": "2K",
                }
            ),
            "model": "nano-banana-2",
        }
    ),
    "resultJson": "",
    "failCode": None,
    "failMsg": None,
    "costTime": None,
    "completeTime": None,
    "createTime": 1774509092129,
}

SK_SUCCESS: dict[str, Any] = {
    "taskId": "abc",
    "model": "m",
    "state": "success",
    "successFlag": 1,
    "costTime": 59,
    "creditsConsumed": 3.0,
    "createTime": 1,
    "completeTime": 59461,
    "failCode": None,
    "failMsg": None,
    "resultJson": '{"resultUrls":["https://r/1.png","https://r/2.png"]}',
    "response": {"resultUrls": ["https://r/1.png", "https://r/2.png"]},
}


def test_documented_success() -> None:
    record = record_from_wire(DOC_SUCCESS)
    assert record.state is TaskState.SUCCESS
    assert record.result_urls == ("https://example.com/generated-content.jpg",)
    assert record.fail_code is None and record.fail_msg is None  # "" means none
    assert record.param is not None and record.param.input["aspect_ratio"] == "3:2"  # single-encoded variant
    assert record.complete_time == datetime.fromtimestamp(1698765432, tz=UTC)


def test_live_waiting_with_double_encoded_param() -> None:
    record = record_from_wire(LIVE_WAITING)
    assert record.state is TaskState.WAITING and not record.is_terminal
    assert record.result_urls == () and record.cost_time is None and record.complete_time is None
    assert record.param is not None and record.param.input["resolution"] == "2K"
    assert record.param.model == "nano-banana-2" and record.param.callback_url is None


def test_newer_fields() -> None:
    record = record_from_wire(SK_SUCCESS)
    assert record.credits_consumed == Decimal("3.0") and record.success_flag == 1 and record.cost_time == 59
    assert len(record.result_urls) == 2


def test_response_is_used_when_result_json_is_absent() -> None:
    data = {**SK_SUCCESS, "resultJson": ""}
    assert record_from_wire(data).result_urls == ("https://r/1.png", "https://r/2.png")


def test_suno_audio_and_text_results() -> None:
    audio = record_from_wire(
        {
            "taskId": "s",
            "state": "success",
            "response": {"data": [{"audio_url": "https://a/1.mp3"}, {"audio_url": "https://a/2.mp3"}]},
        }
    )
    assert audio.result_urls == ("https://a/1.mp3", "https://a/2.mp3")
    lyrics = record_from_wire(
        {
            "taskId": "l",
            "state": "success",
            "resultJson": json.dumps({"resultObject": {"lyricsData": [{"text": "la"}]}}),
        }
    )
    assert lyrics.result_urls == () and lyrics.result_object == {"lyricsData": [{"text": "la"}]}


def test_documented_failure() -> None:
    record = record_from_wire(
        {
            "taskId": "t",
            "state": "fail",
            "resultJson": "",
            "failCode": "422",
            "failMsg": "Invalid prompt: prompt contains prohibited content",
        }
    )
    assert record.state is TaskState.FAIL and record.fail_code == "422"
    assert record.fail_msg == "Invalid prompt: prompt contains prohibited content"


def test_runway_spellings() -> None:
    assert record_from_wire({"taskId": "t", "state": "wait"}).state is TaskState.WAITING
    assert record_from_wire({"taskId": "t", "state": "queueing"}).state is TaskState.QUEUING


def test_garbled_param_does_not_lose_the_result() -> None:
    record = record_from_wire({**DOC_SUCCESS, "param": "{garbled"})
    assert record.param is None and record.is_success


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "x",
        {"state": "success"},
        {"taskId": "t", "state": "done"},
        {"taskId": "t"},
        {"taskId": "t", "state": "success", "resultJson": "[1]"},
        {"taskId": "t", "state": "success", "resultJson": '{"resultUrls": [1]}'},
        {"taskId": "t", "state": "waiting", "createTime": "yesterday"},
    ],
)
def test_unusable_records(data: Any) -> None:
    with pytest.raises(KieProtocolError):
        record_from_wire(data)
