"""Cross-cutting API behaviour: OpenAPI, health, metrics, request ids, and problem+json for every error."""

from __future__ import annotations

import re
import time

import pytest

from tests.integration.api_helpers import (
    PROBLEM_JSON,
    assert_problem,
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.integration


def test_openapi_document_lists_every_route(anonymous):
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = {path: set(operations) for path, operations in document["paths"].items()}
    assert paths["/api/v1/calendars"] >= {"get", "post"}
    assert paths["/api/v1/calendars/{calendar_id}"] >= {"get", "patch"}
    assert paths["/api/v1/events"] >= {"get", "post"}
    assert paths["/api/v1/events/{event_id}"] >= {"get", "patch", "delete"}
    assert "/auth/complete" not in paths
    listing = {parameter["name"] for parameter in document["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert listing >= {"start", "end", "calendar_id", "cursor", "limit", "time_zone"}
    schemas = document["components"]["schemas"]
    assert {"EventCreate", "EventPublic", "EventPage", "CalendarCreate", "CalendarPublic"} <= set(schemas)
    assert schemas["CalendarCreate"]["properties"]["color"]["pattern"] == "^#[0-9a-fA-F]{6}$"


def test_health_reports_the_database(anonymous):
    response = anonymous.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["latency_ms"] >= 0


def _requests_total(text: str, method: str, status: str) -> float:
    total = 0.0
    # Label values may hold braces (route templates), so match the whole label set greedily.
    pattern = re.compile(r"^scheduler_http_requests_total\{(.*)\} (\S+)$", re.MULTILINE)
    for labels, value in pattern.findall(text):
        if f'method="{method}"' in labels and f'status="{status}"' in labels:
            total += float(value)
    return total


def test_metrics_count_requests_in_prometheus_text(anonymous):
    before = anonymous.get("/metrics")
    assert before.status_code == 200
    assert before.headers["content-type"].startswith("text/plain")
    assert "# TYPE scheduler_http_requests_total counter" in before.text
    assert "scheduler_http_request_duration_seconds_bucket" in before.text
    for _ in range(3):
        assert anonymous.get("/api/v1/events/teapot").status_code == 401
    wanted = _requests_total(before.text, "GET", "401") + 3
    # A request is counted just after its response is sent: allow the last one a moment.
    deadline = time.monotonic() + 2
    while _requests_total(anonymous.get("/metrics").text, "GET", "401") < wanted:
        assert time.monotonic() < deadline, "401s were not counted"
        time.sleep(0.02)
    assert 'route="/api/v1/events/{event_id}"' in anonymous.get("/metrics").text


def test_every_response_carries_a_request_id(anonymous):
    first = anonymous.get("/api/health").headers["x-request-id"]
    second = anonymous.get("/api/v1/calendars").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_sane_incoming_request_id_is_echoed_and_a_bad_one_replaced(anonymous):
    assert (
        anonymous.get("/api/health", headers={"x-request-id": "trace-123"}).headers["x-request-id"]
        == "trace-123"
    )
    replaced = anonymous.get("/api/health", headers={"x-request-id": "x" * 500}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_unknown_route_is_a_404_problem(anonymous):
    body = assert_problem(anonymous.get("/api/v1/nothing-here"), 404)
    assert body["title"] == "Not Found"


def test_wrong_method_is_a_405_problem(anonymous):
    response = anonymous.put("/api/v1/calendars")
    assert_problem(response, 405)


async def test_validation_problem_shape(sign_in):
    client = await sign_in()
    response = client.post("/api/v1/calendars", json={"name": "", "color": "nope"})
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "instance", "errors"}
    assert body["status"] == 422 and body["title"] == "Invalid input"
    assert body["instance"] == "/api/v1/calendars"
    assert {item["field"] for item in body["errors"]} == {"name", "color"}
    assert all(set(item) == {"field", "message"} for item in body["errors"])
