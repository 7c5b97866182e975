"""The JSON API answers bad input and missing login in Chinese, with 4xx."""

from __future__ import annotations

import json

from django.test import Client

from shouwang.core.tests.personas import World

CHECKINS = "/api/v1/checkpoints/checkins"
SHEET = "/api/v1/watch/today"  # GET: the day's follow-up sheet (今日随访)


def test_an_anonymous_caller_is_told_to_log_in(world: World) -> None:
    response = world.client("anonymous").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录"}


def test_a_post_without_the_csrf_token_is_explained(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.guard_a)
    response = client.post(CHECKINS, "{}", content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "刷新" in response.json()["detail"]


def test_invalid_fields_are_named_with_a_chinese_message(world: World) -> None:
    body = {"items": "豫A12345", "sent_at": "昨天"}
    response = world.client("guard_a").post(
        CHECKINS, json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    messages = {tuple(e["loc"][-1:]): e["msg"] for e in detail}
    assert messages[("items",)] == "batch.items：应为列表"
    assert messages[("sent_at",)].startswith("batch.sent_at：应为带时区的日期时间")
    assert all(e["type"] for e in detail)  # the machine-readable type stays


def test_an_invalid_batch_item_names_its_fields_in_chinese(world: World) -> None:
    body = {"items": [{"client_id": "x", "checkpoint": "abc", "direction": "up"}]}
    response = world.client("guard_a").post(
        CHECKINS, json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200  # one item's shape never refuses the batch
    (item,) = response.json()["results"]
    messages = item["error"].split("；")
    assert "client_id：应为 UUID 格式的编号" in messages
    assert "checkpoint：应为整数" in messages
    assert "kind：缺少此项" in messages
    assert any(m.startswith("direction：应为以下之一") for m in messages)


def test_query_parameters_out_of_range_are_explained(world: World) -> None:
    response = world.client("grid_a").get(SHEET, {"page": "0", "all": "maybe"})
    assert response.status_code == 422
    assert [e["msg"] for e in response.json()["detail"]] == [
        "all：应为 true 或 false",
        "page：不能小于 1",
    ]
