"""With the database down the API says so (503 problem+json, health degraded) and changes nothing."""

from __future__ import annotations

import pytest

from tests.database_outage import database_down

pytestmark = pytest.mark.integration


async def test_health_reports_the_database_down_and_recovers(anonymous, indexed_database):
    with database_down(indexed_database):
        response = anonymous.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "down"
    assert anonymous.get("/api/health").json()["checks"]["database"]["status"] == "ok"


async def test_writes_during_an_outage_get_503_and_nothing_is_saved(sign_in, indexed_database):
    client = await sign_in()
    event = {
        "title": "During the outage",
        "start": {"date_time": "2026-05-04T09:00:00", "time_zone": "Europe/Berlin"},
        "end": {"date_time": "2026-05-04T10:00:00", "time_zone": "Europe/Berlin"},
    }
    with database_down(indexed_database):
        response = client.post("/api/v1/events", json=event)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "nothing was changed" in response.json()["detail"]
    assert "Traceback" not in response.text
    listed = client.get(
        "/api/v1/events", params={"start": "2026-05-04T00:00:00Z", "end": "2026-05-05T00:00:00Z"}
    )
    assert listed.status_code == 200
    assert listed.json()["items"] == []
