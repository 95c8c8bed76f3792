"""Helpers shared by the API tests (this module holds no tests)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from scheduler_app.backend.auth import service as auth_service

PROBLEM_JSON = "application/problem+json"


_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-ups in API tests hash with minimal argon2 cost (hashing itself is covered by unit tests).

    Import this fixture into an API test module to keep its many fresh accounts fast.
    """
    monkeypatch.setattr(auth_service, "hash_password", _CHEAP_HASHER.hash)


def timed(start: str, end: str, time_zone: str | None = "Europe/Berlin") -> dict[str, Any]:
    """Start/end for a timed event, as the API takes them."""
    start_point: dict[str, Any] = {"date_time": start}
    end_point: dict[str, Any] = {"date_time": end}
    if time_zone:
        start_point["time_zone"] = end_point["time_zone"] = time_zone
    return {"start": start_point, "end": end_point}


def all_day(start: str, end: str) -> dict[str, Any]:
    return {"start": {"date": start}, "end": {"date": end}}


def create_event(client: httpx.Client, title: str = "Event", **fields: Any) -> dict[str, Any]:
    """POST an event (default: a Berlin morning meeting) and return its JSON, asserting 201."""
    body: dict[str, Any] = {"title": title, **timed("2026-03-02T09:00:00", "2026-03-02T10:00:00")}
    body.update(fields)
    response = client.post("/api/v1/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def create_calendar(client: httpx.Client, name: str = "Work", color: str = "#112233") -> dict[str, Any]:
    response = client.post("/api/v1/calendars", json={"name": name, "color": color})
    assert response.status_code == 201, response.text
    return response.json()


def list_events(client: httpx.Client, **params: Any) -> httpx.Response:
    return client.get("/api/v1/events", params=params)


def titles(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def assert_problem(response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and, when given, exactly these fields)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["instance"] == response.request.url.path
    if fields:
        assert sorted(item["field"] for item in body["errors"]) == sorted(fields), body
        assert all(isinstance(item["message"], str) and item["message"] for item in body["errors"])
    return body
